"""Playing a scene with two characters: every line credited to its speaker, replies before the next line,
and the mood meter following the main character."""

from __future__ import annotations

import shutil

from textual.widgets import DataTable, Static

from tests.conftest import FIXTURES
from tests.tui_helpers import FakeClock
from trainer.launch import create_app
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen
from trainer.ui.widgets import MoodMeter

SIZE = (80, 24)
SCENE = "daughter-answers-for-her-father"


def scene_app(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / f"{SCENE}.yaml", folder)
    return create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Robin Test",
                      clock=FakeClock(), order_seed=lambda: None)


async def open_scene(pilot, *keys):
    await pilot.pause()  # the catalogue is pushed once Textual's start-up batch is over (trainer.tui.app)
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(SCENE))
    await pilot.press("enter", *keys, "enter")
    if "m" in keys:  # an assessment asks once before it starts
        await pilot.press("y")
    assert isinstance(pilot.app.screen, PlayScreen)


async def test_the_brief_names_everyone_who_speaks(tmp_path):
    app = scene_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(SCENE))
        await pilot.press("enter")
        body = str(app.screen.query_one("#brief-body", Static).render())
        assert ("You talk to  Farid Haddad (Patient, 81, retired watchmaker, here for a medication review)\n"
                "Also speaking  Nadia Haddad (His daughter, who does his pill box)\n") in body


def transcript(app) -> list[str]:
    return [str(w.render()) for w in app.screen.query("#lines > Static")]


async def test_a_reply_and_a_second_speaker_appear_on_the_play_screen(tmp_path):
    app = scene_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_scene(pilot)
        panel = str(app.screen.query_one("#character-name", Static).render())
        assert panel.startswith("Farid Haddad · Patient, 81")  # the main character, whose mood the meter shows
        assert app.screen.query_one(MoodMeter).mood == 45
        assert transcript(app)[-1] == ("Nadia Haddad (His daughter, who does his pill box): Hi, my dad's here for "
                                       "his nine-fifteen with Dr Ferreira. Farid Haddad. I've got his card here.")
        await pilot.press("2", "enter")  # greet-him-verify (file order), past the coaching
        assert transcript(app)[-3:] == [
            "You: Good morning to you both. Mr Haddad, welcome in. Could you tell me your date of birth, please?",
            "Farid Haddad: The third of March, 1944. Thank you for asking me.",  # the reply, before the next line
            "Nadia Haddad: (Smiling.) Sorry, I'm in organiser mode. Go ahead, Dad.",  # role shown once only
        ]
        assert app.screen.query_one(MoodMeter).mood == 60
        await pilot.press("1", "enter", "2", "enter")  # ask-permission, record-and-seat
        assert isinstance(app.screen, DebriefScreen)
        annotated = str(app.screen.query_one("#annotated", Static).render())
        assert "   Farid Haddad: Of course. She fills my pill box every Sunday. Better she hears it too." in annotated


async def test_undo_shows_the_history_again_with_its_speakers(tmp_path):
    app = scene_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_scene(pilot)
        await pilot.press("3", "enter", "u")  # can-he-answer, then take it back
        lines = transcript(app)
        assert len(lines) == 2 and lines[1].startswith("Nadia Haddad (His daughter, who does his pill box): Hi,")


def test_snapshot_two_speakers(snap_compare, tmp_path):
    async def run_before(pilot):
        await open_scene(pilot, "m")  # assessment: no coaching panel between the lines
        await pilot.press("2")

    assert snap_compare(scene_app(tmp_path), terminal_size=SIZE, run_before=run_before)
