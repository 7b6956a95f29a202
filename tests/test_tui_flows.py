"""Pilot tests: what a trainee does with the keyboard, checked on screen and in the database."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Static

from tests.tui_helpers import FakeClock, make_app
from trainer.progress.store import Store
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen
from trainer.tui.screens.trainee import TraineeScreen

SIZE = (80, 24)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def attempts(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    try:
        return list(store._db["attempts"].rows)
    finally:
        store.close()


async def open_spouse_call(pilot):
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index("spouse-call"))
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, BriefScreen)


async def test_pick_trainee_play_practice_to_debrief_then_retry(tmp_path):
    app = make_app(tmp_path, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, TraineeScreen)
        await pilot.press(*"Jo Park", "enter")
        assert isinstance(app.screen, CatalogueScreen)
        titles = [str(app.screen.query_one(DataTable).get_row_at(i)[0]) for i in range(2)]
        assert "A caller asking for her husband's results" in titles
        await open_spouse_call(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("1")
        assert app.screen.query_one("#feedback").display
        assert "warm AIDET opening" in text_of(app, "#feedback-body")
        await pilot.press("enter", "1", "enter", "2")  # check-authorisation, then offer-route
        assert isinstance(app.screen, PlayScreen) and app.screen.awaiting_continue
        await pilot.press("enter")
        assert isinstance(app.screen, DebriefScreen)
        assert "PASSED ✓" in text_of(app, "#verdict")
        await pilot.press("r")
        assert isinstance(app.screen, BriefScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.transcript == []
    rows = attempts(tmp_path)
    assert sorted(r["status"] for r in rows) == ["completed", "in-progress"]
    done = next(r for r in rows if r["status"] == "completed")
    assert (done["passed"], done["choices"], done["mode"]) == (1, 3, "practice")


async def test_assessment_mode_shows_no_feedback_until_debrief(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y")
        assert app.screen.attempt.mode == "assessment"
        await pilot.press("2")
        assert not app.screen.query_one("#feedback").display
        await pilot.press("2")
        assert isinstance(app.screen, DebriefScreen)
        assert "Critical error" in text_of(app, "#critical")
        assert "NOT PASSED" in text_of(app, "#verdict")
        annotated = text_of(app, "#annotated")
        assert "Being married is not authorisation" in annotated  # each step's feedback...
        assert "Stronger here" not in annotated and "Good morning" not in annotated  # ...but never the answers
    assert attempts(tmp_path)[0]["mode"] == "assessment"


async def test_arrows_and_enter_choose_too(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "down", "down", "enter")  # nothing is highlighted at first
        assert app.screen.session.transcript[-1].choice == "confirm-patient"


async def test_undo_in_practice_takes_the_choice_back(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "2")
        assert app.screen.session.state == "verify"
        await pilot.press("u")
        assert app.screen.session.state == "opening" and not app.screen.session.transcript
        options = app.screen.query_one("#choices", OptionList)
        assert options.display and options.option_count == 2
        await pilot.press("1")
        assert app.screen.session.transcript[-1].choice == "warm-opening"
    store = Store.open(tmp_path / "progress.db")
    rows = list(store._db.execute("SELECT choice_id, undone FROM choices ORDER BY seq"))
    store.close()
    assert rows == [("confirm-patient", 1), ("warm-opening", 0)]


async def test_quit_mid_scenario_then_resume(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "1", "enter")
        await pilot.press("ctrl+q")
    assert attempts(tmp_path)[0]["status"] == "in-progress"

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = app.screen.query_one(DataTable).get_row("spouse-call")[4]
        assert str(status) == "in progress"
        assert "Welcome back" in text_of(app, "#catalogue-welcome")
        table = app.screen.query_one(DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "spouse-call"
        await open_spouse_call(pilot)
        assert "unfinished practice attempt" in text_of(app, "#brief-resume")
        await pilot.press("r")
        session = app.screen.session
        assert (session.state, len(session.transcript)) == ("verify", 1)
        await pilot.press("1", "enter", "2", "enter")
        assert isinstance(app.screen, DebriefScreen)
    rows = attempts(tmp_path)
    assert len(rows) == 1 and rows[0]["status"] == "completed" and rows[0]["choices"] == 3


async def test_timed_node_takes_timeout_branch(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "1", "1")
        screen = app.screen
        assert screen.session.state == "not-on-file"
        clock.advance(20)
        screen.check_timer()
        assert "25s left" in text_of(app, "#countdown")
        clock.advance(30)
        screen.check_timer()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert app.screen.attempt.session.state == "caller-hangs-up"
        assert "(time ran out)" in text_of(app, "#annotated")


async def test_markup_in_names_and_text_is_shown_literally(tmp_path):
    app = make_app(tmp_path, trainee="[bold red]Mallory[/]")
    async with app.run_test(size=SIZE) as pilot:
        assert "[bold red]Mallory[/]" in text_of(app, "#catalogue-title")


async def test_catalogue_filters(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("slash", *"husband")
        assert app.screen.query_one(Input).value == "husband" and table.row_count == 1
        await pilot.press("escape", "c")  # first category present: scheduling
        assert table.row_count == 0  # the text filter still applies
        assert "No scenario matches" in text_of(app, "#catalogue-status")
        await pilot.press("slash", "ctrl+u", "escape")
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "scheduling"
        assert "showing scheduling" in text_of(app, "#catalogue-status")
        await pilot.press("c", "c")
        assert table.row_count == 2


async def test_help_and_progress_screens(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert "Keys" in str(app.screen.query_one(Static).render())
        await pilot.press("escape", "p")
        assert "My progress" in str(app.screen.query_one(".screen-title", Static).render())
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogueScreen)


async def test_play_opens_a_scenario_directly(tmp_path):
    app = make_app(tmp_path, play="move-appointment")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, BriefScreen)
        assert app.screen.scenario.id == "move-appointment"
