"""Every choice of every step is on screen, whole, before it can be chosen (issue #22, item 1).

The walk plays every node of every bundled scenario (English and Spanish) with the conversation that
leads there, at 80x24 and 120x40, and reads what the screen really draws: each choice's whole text must
be inside the visible choices box, page by page where the choices are paged, and nothing else (a notice,
the transcript) may cover it. A choice that is not on screen cannot be chosen."""

from __future__ import annotations

from collections import deque
from functools import cache

import pytest
from textual.app import App

from tests.tui_helpers import FakeClock
from trainer.play.engine import compiled_for
from trainer.play.recording import UnrecordedAttempt
from trainer.scenario.library import load_library
from trainer.tui.app import CSS_FILE
from trainer.tui.screens.play import PlayScreen

SIZES = [(80, 24), (120, 40)]


class Host(App):
    """Just what the play screen asks of its app."""

    CSS_PATH = CSS_FILE

    def __init__(self):
        super().__init__()
        self.clock = FakeClock()
        self.picked: list[int] = []

    def show_debrief(self, attempt) -> None:
        pass

    def back_to_catalogue(self) -> None:
        pass


@cache
def library():
    return load_library()


@cache
def paths_to_every_node(ident: str) -> dict[str, list[str | None]]:
    """For each node, a path of choice ids (None: the timeout) from the start that reaches it offering
    the most choice text (a node whose choices depend on mood or flags is shown with the most of them)."""
    scenario = library().get(ident)
    compiled = compiled_for(scenario)
    best: dict[str, tuple[int, list]] = {}
    seen = set()
    queue = deque([[]])
    while queue and len(seen) < 3000:
        path = queue.popleft()
        session = replay(compiled, path)
        key = (session.state, session.mood, frozenset(session.flags))
        if key in seen or session.finished:
            session.close()
            continue
        seen.add(key)
        options = session.options()
        size = sum(len(c.text) for c in options)
        if session.state not in best or size > best[session.state][0]:
            best[session.state] = (size, path)
        queue.extend([path + [c.id] for c in options])
        if session.timeout is not None:
            queue.append(path + [None])
        session.close()
    assert set(best) == set(scenario.nodes), f"{scenario.id}: nodes not reached"
    return {node: path for node, (_, path) in best.items()}


def replay(compiled, path):
    session = compiled.start(FakeClock())
    for choice in path:
        session.time_out() if choice is None else session.choose_id(choice)
    return session


def words(text: str) -> str:
    return " ".join(text.split())


def choices_on_screen(app) -> str:
    """The text the screen draws inside the choices box (its border and padding excluded)."""
    screen = app.screen
    box = screen.query_one("#choices").content_region
    rows = [strip.text for strip in screen._compositor.render_strips()]
    assert box.bottom <= len(rows) and box.right <= len(rows[0]), "the choices box goes past the screen"
    return words(" ".join(rows[y][box.x:box.right] for y in range(box.y, box.bottom)))


async def check_every_choice_whole(pilot, what: str) -> None:
    app, screen = pilot.app, pilot.app.screen
    options = screen.session.options()
    expected = [words(f"{n}. {c.text}") for n, c in enumerate(options, 1)]
    choices = screen.query_one("#choices")
    everything = range(len(expected))  # (main had no pages: all its choices were meant to be on screen)
    seen = set()
    for _ in range(len(getattr(choices, "pages", [everything]))):
        drawn = choices_on_screen(app)
        whole = {n for n, text in enumerate(expected, 1) if text in drawn}
        assert whole == {n + 1 for n in getattr(choices, "shown", everything)}, f"{what}: whole {sorted(whole)} in {drawn!r}"
        seen |= whole
        if getattr(choices, "paged", False):
            note = str(screen.query_one("#choices-note").render())
            assert "m for the others" in note and screen.query_one("#choices-note").region.height >= 1
            await pilot.press("m")
            await pilot.pause()
    assert seen == set(range(1, len(expected) + 1)), f"{what}: never shown whole: {set(range(1, len(expected) + 1)) - seen}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_choice_of_every_bundled_step_is_whole_on_screen(size):
    scenarios = [library().get(ident) for ident in sorted(library().summaries)]
    assert len(scenarios) >= 23 and any(s.language.startswith("es") for s in scenarios)
    app = Host()
    checked = 0
    async with app.run_test(size=size) as pilot:
        for scenario in scenarios:  # one screen per scenario, shown at each of its nodes in turn
            compiled = compiled_for(scenario)
            screen = None
            for node, path in sorted(paths_to_every_node(scenario.id).items()):
                session = replay(compiled, path)
                if screen is None:
                    screen = PlayScreen(UnrecordedAttempt(session))
                    await app.push_screen(screen)
                else:  # the conversation that leads to this node, drawn as an undo redraws it (much quicker
                    # than a new screen per node)
                    screen.attempt.close()
                    screen.attempt = UnrecordedAttempt(session)
                    screen.query_one("#lines").remove_children()
                    screen._say_history()
                    screen._show_node()
                await pilot.pause()
                await check_every_choice_whole(pilot, f"{scenario.id} at {node} ({size[0]}x{size[1]})")
                checked += 1
            await app.pop_screen()
    assert checked >= 300


@pytest.mark.parametrize("seed", [1, 3])
async def test_choices_stay_whole_from_step_to_step_in_a_real_practice(tmp_path, seed):
    """Played as a trainee plays it (choose, read the coaching, Enter) at 80x24, the next step's choices are
    whole too: a scrollbar that once appeared re-wrapped a choice a line taller than the box had room for,
    and the last choice was below it (colleague-after-abusive-call at eap-moment, in two shuffles)."""
    from trainer.launch import create_app

    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[], bundled=True, trainee="Jo Park",
                     clock=FakeClock(), order_seed=lambda: seed)
    steps = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_brief("colleague-after-abusive-call", mode="practice")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        while isinstance(app.screen, PlayScreen) and steps < 40:
            choices = app.screen.query_one("#choices")
            if not choices.display:  # the coaching after a choice
                await pilot.press("enter")
                await pilot.pause()
                continue
            drawn = choices_on_screen(app)
            for number, prompt in enumerate(choices.prompts, 1):
                if number - 1 in choices.shown:
                    assert words(str(prompt)) in drawn, f"step {app.screen.session.state}: choice {number} not whole"
            steps += 1
            await pilot.press("1")
            await pilot.pause()
    assert steps >= 5
