"""Enter never throws work away (issue #22, items 2, 3 and 6): the notices about an unfinished attempt say
what the keys of their own screen do, and following them literally resumes it; nothing abandons an attempt
without a question that names it; the brief opens in practice and an assessment asks once; and a mouse
does what the labels say (a footer label never answers, one click on a row only selects it)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.test_tui_flows import attempts, open_spouse_call, text_of
from tests.test_tui_output_safety import screen_text as drawn
from tests.tui_helpers import drawn_footer_key, make_app
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.play import PlayScreen

SIZE = (80, 24)


def screen_text(app) -> str:
    """What the screen shows, as running words (a sentence wrapped over two lines still matches)."""
    return " ".join(drawn(app).split())


async def quit_mid_assessment(tmp_path) -> None:
    """An assessment of spouse-call with one choice made, then the app closed."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "1")
        assert isinstance(app.screen, PlayScreen) and len(app.screen.session.transcript) == 1
        await pilot.press("ctrl+q")
    [row] = attempts(tmp_path)
    assert (row["mode"], row["status"], row["choices"]) == ("assessment", "in-progress", 1)


async def test_following_the_welcome_back_notice_literally_resumes_the_assessment(tmp_path):
    await quit_mid_assessment(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Welcome back" in screen_text(app)
        notice = " ".join(text_of(app, "#catalogue-welcome").split())
        assert "Welcome back" in notice and "Press Enter to open it, then Enter again to resume it" in notice
        assert "assessment" in notice and "1 choice made" in notice
        await pilot.press("enter")  # "Press Enter to open it"
        assert isinstance(app.screen, BriefScreen)
        assert "Welcome back" not in screen_text(app)  # it belongs to the catalogue only
        assert "Press Enter to resume it" in text_of(app, "#brief-resume")
        # the mode shown is a new attempt's (n), not a practice that Enter would start
        assert text_of(app, "#brief-mode").startswith("New attempt")
        await pilot.press("enter")  # "then Enter again to resume it"
        assert isinstance(app.screen, PlayScreen) and app.screen.attempt.mode == "assessment"
        assert len(app.screen.session.transcript) == 1
        assert "Welcome back" not in screen_text(app)  # nothing covers the choices
        assert not app._notifications
    [row] = attempts(tmp_path)
    assert row["status"] == "in-progress"


async def test_the_welcome_notice_shows_only_on_the_unfinished_attempts_row(tmp_path):
    await quit_mid_assessment(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#catalogue-welcome").display
        table = app.screen.query_one("#catalogue", DataTable)
        other = next(key.value for key in table.rows if key.value != "spouse-call")
        table.move_cursor(row=table.get_row_index(other))
        await pilot.pause()
        assert not app.screen.query_one("#catalogue-welcome").display  # Enter here opens something else
        await pilot.press("enter")
        assert isinstance(app.screen, BriefScreen) and app.screen.scenario.id == other
        assert "Welcome back" not in screen_text(app) and not app._notifications


async def test_a_new_attempt_over_an_unfinished_one_asks_first_and_names_it(tmp_path):
    await quit_mid_assessment(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_spouse_call(pilot)
        await pilot.press("n")
        question = " ".join(text_of(app, "#confirm-body").split())
        assert "Discard your assessment of “A caller asking for her husband's results”, started" in question
        assert "1 choice made?" in question
        await pilot.press("enter")  # the focus is on "Keep it": a habitual Enter discards nothing
        assert isinstance(app.screen, BriefScreen) and app.screen.resumable is not None
        await pilot.press("n", "escape")
        assert isinstance(app.screen, BriefScreen)
        assert [r["status"] for r in attempts(tmp_path)] == ["in-progress"]
        await pilot.press("n", "y")
        assert isinstance(app.screen, PlayScreen) and app.screen.attempt.mode == "practice"
    assert sorted(r["status"] for r in attempts(tmp_path)) == ["abandoned", "in-progress"]


async def test_the_brief_opens_in_practice_and_an_assessment_asks_once(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter")
        assert "This attempt is recorded and your supervisor sees it" in text_of(app, "#confirm-body")
        await pilot.press("escape")
        assert isinstance(app.screen, BriefScreen) and attempts(tmp_path) == []
        await pilot.press("enter")  # still the assessment chosen: it asks again, and Enter goes ahead
        await pilot.press("enter")
        assert isinstance(app.screen, PlayScreen) and app.screen.attempt.mode == "assessment"
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogueScreen)
        await pilot.press("enter", "y")  # the unfinished one is resumable; a new attempt needs 'n'
        [row] = attempts(tmp_path)
        assert row["status"] == "in-progress"
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:  # another day: the brief does not remember "assessment"
        await pilot.pause()
        table = app.screen.query_one("#catalogue", DataTable)
        table.move_cursor(row=table.get_row_index("move-appointment"))
        await pilot.press("enter")
        assert app.screen.mode == "practice"


async def test_a_click_on_the_footers_choose_label_never_answers(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y")
        assert isinstance(app.screen, PlayScreen)
        key = await drawn_footer_key(pilot, lambda k: k.description == "Choose")
        await pilot.click(key)
        await pilot.pause()
        assert app.screen.session.transcript == []
        assert "Press a choice's number, or click the choice itself" in text_of(app, "#choices-note")
        choices = app.screen.query_one("#choices")
        await pilot.click(choices, offset=(4, 1))  # the first choice itself: that answers
        await pilot.pause()
        assert len(app.screen.session.transcript) == 1


async def test_a_click_on_start_never_abandons_an_unfinished_attempt(tmp_path):
    await quit_mid_assessment(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_spouse_call(pilot)
        for label in ("Start", "Resume", "New attempt"):
            found = [k for k in app.screen.query("FooterKey") if k.description == label]
            if not found:
                continue
            await pilot.click(found[0])
            await pilot.pause()
            if isinstance(app.screen, PlayScreen):  # Resume does what it says
                assert label == "Resume" and len(app.screen.session.transcript) == 1
                await pilot.press("escape")
                await open_spouse_call(pilot)
            elif not isinstance(app.screen, BriefScreen):  # the question before a discard
                assert label == "New attempt" and "Discard your assessment" in text_of(app, "#confirm-body")
                await pilot.press("escape")
        assert [r["status"] for r in attempts(tmp_path)] == ["in-progress"]


async def test_one_click_on_a_catalogue_row_selects_it_and_a_double_click_opens_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#catalogue", DataTable)
        first = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.click(table, offset=(3, 1))  # the row under the header: the one the cursor is on
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        below = 1 + table.ordered_rows[0].height  # the second row's first line (a long title wraps)
        await pilot.click(table, offset=(3, below))
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        second = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert second != first
        await pilot.click(table, offset=(3, below), times=2)
        await pilot.pause()
        assert isinstance(app.screen, BriefScreen) and app.screen.scenario.id == second


async def test_the_modes_in_the_brief_can_be_clicked(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        mode_line = app.screen.query_one("#brief-mode", Static)
        text = str(mode_line.render()).split("\n")[0]
        await pilot.click(mode_line, offset=(text.index("assessment") + 2, 0))
        await pilot.pause()
        assert app.screen.mode == "assessment"
        await pilot.click(mode_line, offset=(text.index("practice") + 2, 0))
        await pilot.pause()
        assert app.screen.mode == "practice"


async def test_the_brief_opens_in_assessment_when_the_assignment_asks_for_one(tmp_path):
    from datetime import date, timedelta

    from trainer.progress import programme
    from trainer.progress.store import Store

    clock_day = date.fromtimestamp(1_700_000_000)
    store = Store.open(tmp_path / "progress.db")
    store.trainee("Robin Test")
    programme.assign(store, [("spouse-call", None)], "Boss", clock_day + timedelta(days=7), trainee="Robin Test",
                     mode="assessment")
    store.close()
    app = make_app(tmp_path, play="spouse-call")  # `trainer play`, not through "Assigned to you"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefScreen) and app.screen.mode == "assessment"
        await pilot.press("escape")
        table = app.screen.query_one("#catalogue", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("move-appointment"))
        await pilot.press("enter")
        assert app.screen.scenario.id == "move-appointment" and app.screen.mode == "practice"
