"""When a step's choices cannot all fit (a small window), they are shown a page at a time: the screen says
so, 'm' shows the others, and a choice that is not on screen, or chosen before every page was seen, is not
recorded (issue #22, item 1)."""

from __future__ import annotations

from tests.test_play_choices_fit import Host, choices_on_screen, library, words
from trainer.play.engine import compiled_for
from trainer.play.recording import UnrecordedAttempt
from trainer.tui.screens.play import PlayScreen

SMALL = (80, 16)  # surprise-bill's first three choices take 11 lines at 80 columns: they cannot all fit here


def note(app) -> str:
    """The line just above the choices (hints go there, not in toasts that would cover the choices)."""
    assert not app._notifications
    return str(app.screen.query_one("#choices-note").render())


def footer_text(app) -> str:
    return " ".join(str(key.render()) for key in app.screen.query("FooterKey"))


async def open_surprise_bill(app, pilot) -> PlayScreen:
    session = compiled_for(library().get("surprise-bill")).start(app.clock)
    screen = PlayScreen(UnrecordedAttempt(session))
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_choices_that_cannot_fit_are_paged_and_only_a_choice_on_screen_is_taken():
    app = Host()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_surprise_bill(app, pilot)
        options = screen.session.options()
        last = len(options)
        choices = screen.query_one("#choices")
        said = note(app)
        assert choices.paged and f"Choices 1-{choices.shown.stop} of {last}, not all fit" in said and "m for the others" in said
        assert "More choices" in footer_text(app)
        assert words(f"{last}. {options[-1].text}") not in choices_on_screen(app)
        await pilot.press(str(last))  # off the page: not taken
        assert not screen.session.transcript and f"Choice {last} is not on screen" in note(app)
        await pilot.press("1")  # on the page, but the others were never seen: not taken either
        assert not screen.session.transcript and "press m to see the others first" in note(app)
        while len(choices.seen) < len(choices.pages):
            await pilot.press("m")
            await pilot.pause()
        assert words(f"{last}. {options[-1].text}") in choices_on_screen(app)
        await pilot.press(str(last))
        assert [s.choice for s in screen.session.transcript] == [options[-1].id]
        for _ in range(3):  # past the coaching: each next step says whether it is paged (the first was)
            await pilot.press("enter")
            await pilot.pause()
            assert screen.query_one("#choices-note").display == choices.paged
            if choices.paged:
                assert "not all fit" in note(app)
            while len(choices.seen) < len(choices.pages):
                await pilot.press("m")
            await pilot.press(str(choices.shown.start + 1))


async def test_a_resize_pages_the_choices_again():
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_surprise_bill(app, pilot)
        choices = screen.query_one("#choices")
        assert not choices.paged and not screen.query_one("#choices-note").display
        assert "More choices" not in footer_text(app)
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert choices.paged and screen.query_one("#choices-note").display
        last = len(screen.session.options())
        await pilot.press(str(last))
        assert not screen.session.transcript
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not choices.paged
        await pilot.press(str(last))
        assert len(screen.session.transcript) == 1
