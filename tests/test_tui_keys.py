"""Keys: a choice always needs its own key press; Enter pressed twice (or two Enters arriving at once)
never commits a choice the trainee did not pick, and never leaves a panel stuck."""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList

from tests.test_tui_flows import SIZE, attempts, open_spouse_call, text_of
from tests.tui_helpers import make_app
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen


async def enters_at_once(pilot, count: int = 2) -> None:
    """Queue several Enter key events before the app handles any of them (keys typed faster than a frame)."""
    for _ in range(count):
        pilot.app.post_message(events.Key("enter", "\r"))
    await pilot.pause()
    await pilot.pause()


def choices_shown(app) -> OptionList:
    options = app.screen.query_one("#choices", OptionList)
    assert options.display and not app.screen.query_one("#feedback").display
    return options


async def test_double_enter_on_coaching_continues_once_and_commits_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "2")  # practice: coaching for the first choice
        assert app.screen.awaiting_continue
        await pilot.press("enter", "enter")
        assert [s.choice for s in app.screen.session.transcript] == ["confirm-patient"]
        assert choices_shown(app).highlighted is None
        await pilot.press("1")
        assert app.screen.session.transcript[-1].choice == "check-authorisation"


async def test_two_enters_arriving_at_once_never_leave_coaching_stuck(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "1")
        await enters_at_once(pilot)
        assert len(app.screen.session.transcript) == 1 and not app.screen.awaiting_continue
        choices_shown(app)
        await pilot.press("1")  # the next step still answers to a real choice
        assert app.screen.awaiting_continue and len(app.screen.session.transcript) == 2
        await enters_at_once(pilot)
        choices_shown(app)
        assert len(app.screen.session.transcript) == 2
        await pilot.press("2")  # offer-route (the looping explanation is listed first)
        assert "Naming the worry" in text_of(app, "#feedback-body")
        await enters_at_once(pilot, 3)  # the last coaching, then Enter on the debrief
        assert isinstance(app.screen, DebriefScreen)
    assert [r["choices"] for r in attempts(tmp_path)] == [3]


async def test_assessment_enter_after_arrows_commits_only_that_choice(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y")
        assert choices_shown(app).highlighted is None
        await pilot.press("enter")  # nothing highlighted: Enter alone chooses nothing
        assert app.screen.session.transcript == []
        await pilot.press("down", "enter", "enter")
        assert [s.choice for s in app.screen.session.transcript] == ["warm-opening"]
        await enters_at_once(pilot)
        assert len(app.screen.session.transcript) == 1


async def test_retry_on_debrief_goes_to_the_brief(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "2", "2")
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("enter", "enter", "r")
        assert isinstance(app.screen, BriefScreen) and app.screen.scenario.id == "spouse-call"
        assert app.screen.mode == "practice"  # the brief's own mode: an assessment is never remembered (#22)
        assert len(attempts(tmp_path)) == 1
        await enters_at_once(pilot)  # Enter starts; the second one picks nothing
        assert isinstance(app.screen, PlayScreen) and app.screen.session.transcript == []
    assert sorted(r["status"] for r in attempts(tmp_path)) == ["completed", "in-progress"]
