"""`trainer preview`: starts anywhere, reloads on save keeping the position, survives a broken save."""

from __future__ import annotations

import os

from textual.widgets import Static

from tests.conftest import doc_example
from tests.tui_helpers import FakeClock
from trainer.cli import cli
from trainer.tui.preview import ErrorsScreen, PreviewApp
from trainer.tui.screens.play import PlayScreen

SIZE = (80, 24)


def save(path, text):
    """Write and move the mtime on, as an editor's save would (some filesystems have coarse clocks)."""
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def transcript(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("#transcript Static"))


async def test_preview_starts_at_node_with_state_and_reloads(write):
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, at="not-on-file", mood=10, flags=["checked"], clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, PlayScreen)
        session = app.screen.session
        assert (session.state, session.mood, session.flags) == ("not-on-file", 10, {"checked"})
        assert "This is ridiculous. I'm his WIFE." in transcript(app)  # the angry line, from the mood
        assert [c.id for c in session.options()] == ["explain-again", "offer-route", "policy-wall"]

        save(path, doc_example().replace("This is ridiculous. I'm his WIFE.", "I am his wife. This is absurd."))
        app.check_reload()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.state == "not-on-file" and app.screen.session.mood == 10
        assert "I am his wife. This is absurd." in transcript(app)

        save(path, doc_example().replace("next: resolved-well", "next: resolved-wel"))
        app.check_reload()
        await pilot.pause()
        assert isinstance(app.screen, ErrorsScreen)
        errors = str(app.screen.query_one("#errors", Static).render())
        assert "error: 'next' names 'resolved-wel'" in errors and "did you mean 'resolved-well'" in errors

        save(path, doc_example())
        app.check_reload()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.session.state == "not-on-file"


async def test_preview_falls_back_to_start_when_node_is_deleted(write):
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        assert app.screen.session.state == "verify"
        save(path, doc_example().replace("  verify:\n", "  checking:\n").replace("next: verify", "next: checking"))
        app.check_reload()
        await pilot.pause()
        assert app.screen.session.state == "opening"


async def test_preview_of_a_broken_file_opens_on_the_errors(write):
    path = write("title: [oops\n", "broken.yaml")
    app = PreviewApp(path, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ErrorsScreen)
        save(path, doc_example())
        app.check_reload()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


def test_preview_cli_rejects_unknown_node_and_missing_file(runner, write):
    path = write(doc_example(), "spouse.yaml")
    bad = runner.invoke(cli, ["preview", str(path), "--at", "verfy"])
    assert bad.exit_code == 2 and "did you mean 'verify'" in bad.output
    assert runner.invoke(cli, ["preview", "missing.yaml"]).exit_code == 2


async def choose(app, pilot, choice_id: str) -> None:
    """Pick a choice by id the way an author does: its number, then Enter past the coaching."""
    number = [c.id for c in app.screen.session.options()].index(choice_id) + 1
    await pilot.press(str(number), "enter")
    await pilot.pause()


def verdict(app) -> str:
    return str(app.screen.query_one("#verdict", Static).render())


def full_run_score(path, choices):
    from trainer.play.engine import compiled_for
    from trainer.scenario.loader import load_scenario

    session = compiled_for(load_scenario(path)).start()
    for choice in choices:
        session.choose_id(choice)
    return session.score()


async def test_reload_keeps_the_transcript_and_the_debrief_scores_the_whole_run(write):
    # the repro: the history reset on reload, so a run with a costly choice was scored as PASSED
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await choose(app, pilot, "warm-opening")
        await choose(app, pilot, "open-his-file")  # privacy -1: opening the file of an unverified caller
        save(path, doc_example().replace("This is ridiculous. I'm his WIFE.", "I am his wife. This is absurd."))
        app.check_reload()
        await pilot.pause()
        session = app.screen.session
        assert [s.choice for s in session.transcript] == ["warm-opening", "open-his-file"]
        assert session.state == "not-on-file" and session.points["privacy"] == -1
        shown = transcript(app)  # the steps before the reload are still on screen
        assert shown.startswith("The phone rings at the clinic's main line.")
        assert "Let me pull up his file while we talk" in shown
        await choose(app, pilot, "policy-wall")
        expected = full_run_score(path, ["warm-opening", "open-his-file", "policy-wall"])
        text = verdict(app)
        assert f"Overall {expected.overall:.0f}%" in text and "NOT PASSED" in text and "partial" not in text
        annotated = str(app.screen.query_one("#annotated", Static).render())
        assert "Let me pull up his file while we talk" in annotated and "3. " in annotated and "4. " not in annotated


async def test_reload_that_loses_the_runs_nodes_makes_it_a_partial_run(write):
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await choose(app, pilot, "warm-opening")
        save(path, doc_example().replace("start: opening", "start: hello").replace("  opening:\n", "  hello:\n"))
        app.check_reload()
        await pilot.pause()
        assert app.screen.session.state == "verify" and app.screen.session.transcript == []
        await choose(app, pilot, "check-authorisation")
        await choose(app, pilot, "offer-route")
        text = verdict(app)
        assert "preview - partial run" in text and "PASSED" not in text
        bars = str(app.screen.query_one("#skill-bars", Static).render())
        assert "%" in bars and "✓" not in bars and "✗" not in bars and "needs" not in bars


async def test_a_preview_started_mid_way_is_a_partial_run(write):
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, at="not-on-file", flags=["checked"], clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await choose(app, pilot, "offer-route")
        assert "preview - partial run" in verdict(app) and "PASSED" not in verdict(app)


async def test_undo_in_a_preview_started_mid_way_steps_back_one_choice(write):
    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, at="verify", mood=30, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await choose(app, pilot, "open-his-file")
        session = app.screen.session
        assert session.state == "not-on-file" and session.points["privacy"] == -1
        removed = app.attempt.undo()
        assert removed.choice == "open-his-file"
        assert (session.state, session.mood, session.points["privacy"], session.transcript) == ("verify", 30, 0, [])


async def test_preview_says_so_on_every_screen_and_its_debrief_offers_only_restart_and_quit(write):
    """Every screen of a preview names it (and that nothing is recorded); the debrief shows only keys
    that do something in a preview: restart and quit, no next scenario, catalogue or progress."""
    from tests.test_tui_output_safety import screen_text
    from trainer.tui.screens.debrief import DebriefScreen

    path = write(doc_example(), "spouse.yaml")
    app = PreviewApp(path, clock=FakeClock(), poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert "Preview · spouse.yaml · nothing is recorded" in screen_text(app)
        assert "Save & leave" not in screen_text(app)  # nothing is saved in a preview
        for _ in range(20):  # the last choice each time: the doc example's quickest way to an ending
            if isinstance(app.screen, DebriefScreen):
                break
            await pilot.press(str(len(app.screen.session.options())))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Preview · spouse.yaml" in screen_text(app)
        shown = {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values()
                 if binding.show and enabled}
        assert shown == {"app.quit", "restart"} or shown == {"app.quit", "app.restart"}, shown
        footer = screen_text(app).splitlines()[-1]
        assert "Next" not in footer and "Catalogue" not in footer and "progress" not in footer
        for key in "ncp":  # keys of the full app's debrief: nothing here, and not offered
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, DebriefScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and not app.screen.session.transcript
        save(path, doc_example().replace("next: resolved-well", "next: resolved-wel"))
        app.check_reload()
        await pilot.pause()
        assert isinstance(app.screen, ErrorsScreen) and "Preview · spouse.yaml" in screen_text(app)
