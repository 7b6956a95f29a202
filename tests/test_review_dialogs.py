"""The review's dialogs (note, sign-off, export, assign) open centred and whole at 80x24, and a
sign-off says what it means (issue #22)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import DataTable

from tests.recorded import SECRET, store  # noqa: F401 (store: a fixture)
from tests.tui_helpers import scenario_folder
from trainer.launch import create_review_app

SIZE = (80, 24)


def assert_centred_and_whole(app, name: str) -> None:
    box = app.screen.query_one("#help-box", VerticalScroll)
    region, width, height = box.region, app.size.width, app.size.height
    footer = 1 if app.screen.query("Footer") else 0
    assert region.x >= 0 and region.right <= width and region.y >= 0 and region.bottom <= height - footer, name
    assert abs(region.x - (width - region.right)) <= 1, f"{name}: not centred across ({region})"
    assert abs(region.y - (height - footer - region.bottom)) <= 1, f"{name}: not centred down ({region})"
    assert box.max_scroll_y == 0, f"{name}: {box.max_scroll_y} more lines below the fold"


def shown(app) -> str:
    return " ".join(" ".join(str(w.render()) for w in app.screen.query("Static")).split())


async def test_note_sign_off_export_and_assign_dialogs_are_centred_and_whole(tmp_path, store):
    app = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                            supervisor="Sam Supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "enter", "enter")
        await pilot.press("n")
        assert_centred_and_whole(app, "note")
        await pilot.press("escape", "s")
        assert_centred_and_whole(app, "sign-off")
        await pilot.press("n", "escape", "escape", "e")
        assert_centred_and_whole(app, "export")
        await pilot.press("escape", "a", "n")
        assert_centred_and_whole(app, "assign")
        # one line per field, and every field reachable with Enter
        await pilot.press(*"spouse-call", "enter", *"Dana Whitfield", "enter")
        assert app.screen.query_one("#assign-what").value == "spouse-call"
        assert app.screen.query_one("#assign-trainee").value == "Dana Whitfield"
        assert app.focused.id == "assign-group"


async def test_signing_off_a_passed_attempt_says_what_it_means_and_enter_confirms(tmp_path, store):
    app = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                            supervisor="Sam Supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "enter")
        attempts = app.screen.query_one(DataTable)
        results = [str(attempts.get_row_at(i)[5]) for i in range(attempts.row_count)]
        attempts.move_cursor(row=results.index("✓ pass"))
        await pilot.press("enter", "s")
        question = shown(app)
        assert "Signing off says that you, Sam Supervisor, have reviewed this attempt with Dana Whitfield" in question
        assert "did not pass" not in question and "Sign off this attempt as Sam Supervisor?" in question
        await pilot.press("enter")
        assert "signed off by Sam Supervisor" in shown(app)
