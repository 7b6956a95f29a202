"""The play screen's way in and out: an attempt opens over its brief, the debrief goes back to that brief
on a retry (no screens pile up however often a trainee retries), and the transcript keeps its newest line
in view without ever scrolling above its first."""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll
from textual.widgets import Static

from tests.test_tui_flows import open_spouse_call
from tests.tui_helpers import make_app
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen

SIZE = (80, 24)
BEST_PATH = ("1", "enter", "1", "enter", "2", "enter")  # spouse-call in practice: three choices to the debrief


async def test_retry_goes_back_to_the_same_brief_and_nothing_piles_up(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        brief = app.screen
        depth = len(app.screen_stack)
        for _ in range(3):
            await pilot.press("m", "enter", "y")  # an assessment, confirmed
            assert isinstance(app.screen, PlayScreen) and app.screen.attempt.mode == "assessment"
            await pilot.press("2", "2")
            assert isinstance(app.screen, DebriefScreen)
            await pilot.press("r")
            assert app.screen is brief and len(app.screen_stack) == depth
            assert brief.mode == "practice"  # the retry does not remember "assessment" (issue #22)
            assert not brief.query_one("#brief-resume").display  # the finished attempt is nothing to resume
        await pilot.press("m", "enter", "y", "2", "2", "n")  # the next scenario's brief takes this one's place
        assert isinstance(app.screen, BriefScreen) and app.screen is not brief
        assert app.screen.scenario.id != "spouse-call" and len(app.screen_stack) == depth
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogueScreen) and len(app.screen_stack) == 2


async def test_leaving_mid_attempt_returns_to_the_catalogue_past_the_brief(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "1")
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogueScreen) and len(app.screen_stack) == 2
        await open_spouse_call(pilot)  # the brief opened again offers the attempt just left
        assert app.screen.resumable is not None and app.screen.query_one("#brief-resume").display


def _visible_lines(log: VerticalScroll) -> list[str]:
    top, bottom = log.scroll_y, log.scroll_y + log.scrollable_content_region.height
    lines = log.query_one("#lines")
    return [str(w.render()) for w in lines.query(Static)
            if w.virtual_region.y >= top and w.virtual_region.bottom <= bottom]


async def test_the_transcript_starts_at_its_top_and_follows_the_newest_line(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 20)) as pilot:  # short enough that the conversation outgrows the view
        await open_spouse_call(pilot)
        await pilot.press("enter")
        log = app.screen.query_one("#transcript", VerticalScroll)
        assert log.scroll_y == 0  # a short transcript sits at the top, not pushed down to the choices
        seen = []
        for key in BEST_PATH[:-1]:
            await pilot.press(key)
            await pilot.pause()
            assert 0 <= log.scroll_y == log.max_scroll_y  # at its end, never above its top
            newest = str(log.query_one("#lines").query(Static).last().render())
            assert newest in _visible_lines(log)
            seen.append(log.max_scroll_y)
        assert seen[-1] > 0  # it did outgrow the view, so following it was tested


async def test_keys_typed_ahead_are_taken_in_the_order_they_were_typed(tmp_path):
    """Enter past the coaching and the next number, arriving together (a quick typist, or a browser
    sending both at once): both count, in that order."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "1")
        play = app.screen
        assert play.awaiting_continue
        for key, character in (("enter", "\r"), ("1", "1")):  # queued together, not one at a time
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert [step.choice for step in play.session.transcript] == ["warm-opening", "check-authorisation"]
        assert play.awaiting_continue  # the second choice's coaching is up


async def test_a_filter_typed_ahead_in_the_catalogue_is_taken_whole(tmp_path):
    """'/', a title and Enter arriving together (a browser sends a typed burst at once): the letters go
    into the filter, not to the table behind it, and Enter ends the filter instead of opening whichever
    scenario was highlighted. Focus used to move to the filter only after the keys already queued."""
    from textual.widgets import Input

    from trainer.tui.screens.catalogue import CatalogueScreen

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, character in (("slash", "/"), ("s", "s"), ("p", "p"), ("o", "o"), ("u", "u"), ("enter", "\r")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        assert app.screen.query_one("#catalogue-filter", Input).value == "spou"
