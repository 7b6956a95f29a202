"""Review app, as a new supervisor meets it: help and a visible quit key on every screen, export that keeps
the active filter and writes the chosen format under a matching name, Enter on a scenario opens its item
analysis in conversation order, techniques grouped by framework, bad dates reported instead of ignored."""

from __future__ import annotations

import csv
import io

from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey

from tests.recorded import SECRET, store  # noqa: F401 (store: a fixture)
from tests.tui_helpers import scenario_folder
from trainer.launch import create_review_app
from trainer.review.export import ExportScreen
from trainer.review.programme import CompletionScreen
from trainer.review.screens import AttemptsScreen, ScenariosScreen, TranscriptScreen
from trainer.review.views import ItemsScreen, TechniquesScreen, framework_of
from trainer.ui.help import HelpScreen

SIZE = (80, 24)


def review_app(tmp_path, store):
    return create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                             supervisor="Sam Supervisor")


def footer_keys(app) -> dict[str, str]:
    """Footer entries fully visible: inside 80 columns and not under the palette key docked at the right."""
    keys = list(app.screen.query(FooterKey))
    palette = [k.region.x for k in keys if "command_palette" in k.action]
    limit = min(palette + [SIZE[0]])
    return {k.description: k.key_display for k in keys
            if "command_palette" not in k.action and k.region.width and k.region.right <= limit}


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_help_and_quit_are_in_the_footer_of_every_screen(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Quit" in footer_keys(app)  # the passphrase gate
        await pilot.press(*SECRET, "enter")
        for path, screen in ((["enter"], AttemptsScreen), (["enter"], TranscriptScreen)):
            shown = footer_keys(app)
            assert "Quit" in shown and "Help" in shown, (type(app.screen).__name__, shown)
            await pilot.press(*path)
            assert isinstance(app.screen, screen)
        for screen_type, back in ((TranscriptScreen, "escape"), (AttemptsScreen, "escape")):
            shown = footer_keys(app)
            assert {"Quit", "Help"} <= set(shown), (type(app.screen).__name__, shown)
            await pilot.press(back)
        for key, screen_type in (("v", ScenariosScreen), ("t", TechniquesScreen), ("a", CompletionScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen_type)
            assert {"Quit", "Help"} <= set(footer_keys(app))
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape", "escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Export" in help_text and "Sort" in help_text and "quit" in help_text
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def export(pilot, app, fmt: str, path) -> str:
    await pilot.press("e")
    assert isinstance(app.screen, ExportScreen)
    app.screen.query_one("#export-format", Input).value = fmt
    await pilot.pause()
    suggested = app.screen.query_one("#export-path", Input).value
    app.screen.query_one("#export-path", Input).value = str(path) if path else suggested
    app.screen.query_one("#export-path", Input).focus()
    await pilot.press("enter")
    return suggested


async def test_export_keeps_the_filter_and_names_the_file_after_the_format(tmp_path, store, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "slash", *"dana", "enter")
        assert rows(app.screen.query_one(DataTable))[0][0] == "Dana Whitfield"
        suggested = await export(pilot, app, "csv", None)
        assert suggested.endswith(".csv")
        written = list(csv.DictReader(io.StringIO((tmp_path / suggested).read_text())))
        assert {r["trainee"] for r in written} == {"Dana Whitfield"} and len(written) == 2
        html_name = await export(pilot, app, "html", None)
        assert html_name.endswith(".html") and html_name != suggested
        page = (tmp_path / html_name).read_text()
        assert page.startswith("<!DOCTYPE html>") and "Dana Whitfield" in page and "Luis Ortega" not in page
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-format", Input).value = "jsonl"
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "mine.csv")
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ExportScreen)  # refused: a jsonl file named .csv
        assert ".jsonl" in "\n".join(str(w.render()) for w in app.screen.query("#export-message"))
    assert not (tmp_path / "mine.csv").exists()


async def test_enter_on_a_scenario_opens_its_item_analysis_in_conversation_order(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "v")
        table = app.screen.query_one(DataTable)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        table.move_cursor(row=keys.index("spouse-call"))
        await pilot.press("enter")
        assert isinstance(app.screen, ItemsScreen) and app.screen.scenario_id == "spouse-call"
        shown = rows(app.screen.query_one(DataTable))
        steps = [r[0] for r in shown if r[0]]
        position = {n: i for i, n in enumerate(app.library.get("spouse-call").nodes)}
        assert steps == sorted(steps, key=position.__getitem__) and steps != sorted(steps)
        assert any(r[1].startswith("CRITICAL") and r[2] == "1" for r in shown)
        await pilot.press("escape")
        assert isinstance(app.screen, ScenariosScreen)


async def test_techniques_are_grouped_by_framework(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter", "t")
        shown = rows(app.screen.query_one(DataTable))
    heading_at = [i for i, r in enumerate(shown) if not r[1]]
    under = {}
    for start, end in zip(heading_at, heading_at[1:] + [len(shown)]):
        under[shown[start][0]] = shown[start + 1:end]
    assert under and all(under.values())
    assert ["  verify:before-disclosure", "Dana Whitfield", "0", "2"] in under[
        "Identity verification and minimum necessary"]
    for heading, block in under.items():
        assert all(framework_of(r[0].strip()) == heading for r in block)
    assert framework_of("NURSE:naming").startswith("NURSE") and framework_of("HEARD:apologize").startswith("HEARD")
    assert framework_of("AIDET:duration").startswith("AIDET") and framework_of("SPIKES:setting").startswith("SPIKES")


async def test_a_date_that_is_not_a_date_is_an_error(tmp_path, store):
    app = review_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SECRET, "enter")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        app.screen.query_one("#f-since", Input).value = "2026-13-45"
        await pilot.pause()
        status = str(app.screen.query_one("#trainees-status").render())
        assert "'2026-13-45' is not a date" in status and table.row_count == 0
        app.screen.query_one("#f-since", Input).value = "2100-01-01"
        await pilot.pause()
        assert table.row_count == 0 and "not a date" not in str(app.screen.query_one("#trainees-status").render())
        app.screen.query_one("#f-since", Input).value = ""
        app.screen.query_one("#f-until", Input).value = "tomorrow"
        await pilot.pause()
        assert "'tomorrow' is not a date" in str(app.screen.query_one("#trainees-status").render())
