"""Both themes meet WCAG 2.1 AA contrast on every screen a trainee or supervisor sees (issue #22: in the
light theme screen titles were 1.32:1 and footer keys 2.26:1). The colours are not restated here: each
screen is drawn by the app itself in Pilot, in each theme, and every visible character's drawn colours
are measured (tests/contrast.py): 4.5:1 for text, 3:1 for bold text and for UI components (footer
keys, focus, bars and the mood meter, borders)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.contrast import low_contrast, ratio
from tests.recorded import recorded_store
from tests.tui_helpers import FakeClock, make_app, scenario_folder
from trainer.launch import create_review_app
from trainer.progress import passphrase

SIZE = (80, 24)
SECRET = "correct horse battery"


def report(lows) -> str:
    return "\n".join(str(low) for low in lows)


async def in_theme(app, pilot, theme: str) -> None:
    """The theme a user gets: the app's own at start, ctrl+t for the other one."""
    await pilot.pause()
    if app.current_theme.dark != (theme == "dark"):
        await pilot.press("ctrl+t")
        await pilot.pause()
    assert app.current_theme.dark == (theme == "dark")


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_trainee_screens_meet_wcag_contrast(tmp_path, theme):
    app = make_app(tmp_path)
    lows = []
    async with app.run_test(size=SIZE) as pilot:
        await in_theme(app, pilot, theme)
        lows += low_contrast(app, "catalogue")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("spouse-call"))
        await pilot.press("enter")
        lows += low_contrast(app, "brief")
        await pilot.press("enter")
        lows += low_contrast(app, "play")
        await pilot.press("1")
        lows += low_contrast(app, "play: feedback")
        await pilot.press("enter", "2")  # a costly choice: red points, mood meter moves
        lows += low_contrast(app, "play: a costly choice")
        await pilot.press("question_mark")
        lows += low_contrast(app, "help")
        await pilot.press("escape", "enter", "2")
        lows += low_contrast(app, "debrief")
        await pilot.press("p")
        await pilot.pause()
        lows += low_contrast(app, "my progress")
        await pilot.press("l")
        lows += low_contrast(app, "language")
    assert not lows, f"{theme}:\n{report(lows)}"


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_assignments_overdue_and_passed_meet_wcag_contrast(tmp_path, theme):
    from tests.test_assigned_due import CLOCK, assigned_store

    assigned_store(tmp_path)
    app = make_app(tmp_path, clock=FakeClock(CLOCK))
    async with app.run_test(size=SIZE) as pilot:
        await in_theme(app, pilot, theme)
        assert app.screen.query_one("#assigned").row_count == 2
        lows = low_contrast(app, "assigned to you")
    assert not lows, f"{theme}:\n{report(lows)}"


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_review_screens_meet_wcag_contrast(tmp_path, theme):
    store = recorded_store(tmp_path)
    passphrase.set_passphrase(store, SECRET)
    app = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                            supervisor="Sam Supervisor")
    lows = []
    async with app.run_test(size=SIZE) as pilot:
        await in_theme(app, pilot, theme)
        lows += low_contrast(app, "passphrase gate")
        await pilot.press(*SECRET, "enter")
        lows += low_contrast(app, "trainees")
        await pilot.press("enter")
        lows += low_contrast(app, "attempts")
        await pilot.press("enter")
        lows += low_contrast(app, "transcript")
        await pilot.press("n")
        lows += low_contrast(app, "note dialog")
        await pilot.press("escape", "s")
        lows += low_contrast(app, "sign-off dialog")
        await pilot.press("n", "escape", "escape", "v")
        lows += low_contrast(app, "scenarios")
        await pilot.press("enter")
        lows += low_contrast(app, "item analysis")
        await pilot.press("escape", "escape", "t")
        lows += low_contrast(app, "techniques")
        await pilot.press("escape", "e")
        lows += low_contrast(app, "export dialog")
        await pilot.press("escape", "a")
        lows += low_contrast(app, "completion grid")
        await pilot.press("n", *"spouse-call", "enter")
        lows += low_contrast(app, "assign dialog")
        await pilot.press("ctrl+s")
        lows += low_contrast(app, "assign dialog: refused")
    store.close()
    assert not lows, f"{theme}:\n{report(lows)}"


@pytest.mark.parametrize("theme", ["dark", "light"])
async def test_sign_in_and_my_passphrase_meet_wcag_contrast(tmp_path, fast_hashing, theme):
    from tests.site_helpers import BOSS, BOSS_PASS, IRI, SAM, SAM_PASS
    from trainer.launch import create_app
    from trainer.progress import accounts
    from trainer.progress.store import Store

    db = tmp_path / "site.db"
    store = Store.open(db)
    accounts.init_site(store, BOSS, IRI, [scenario_folder(tmp_path)], BOSS_PASS)
    accounts.add_account(store, SAM, "trainee", SAM_PASS, BOSS)
    store.close()
    app = create_app(db=db, bundled=False, clock=FakeClock())
    lows = []
    async with app.run_test(size=SIZE) as pilot:
        await in_theme(app, pilot, theme)
        lows += low_contrast(app, "sign-in")
        await pilot.press(*SAM, "enter", *"not it", "enter")
        lows += low_contrast(app, "sign-in: refused")
        await pilot.press(*SAM_PASS, "enter", "p", "k")
        await pilot.pause()
        lows += low_contrast(app, "my passphrase")
    assert not lows, f"{theme}:\n{report(lows)}"


def test_the_measure_is_wcags():
    assert round(ratio((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(ratio((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54  # WCAG's own 4.5:1 grey
    assert ratio((1, 2, 3), (1, 2, 3)) == 1.0
