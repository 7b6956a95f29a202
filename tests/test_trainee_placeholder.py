"""`{trainee}` in a scenario's lines: the trainee's first name when played (the role when there is no
name), everywhere the words are shown again; any other `{word}` is a validate error at its position."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT
from tests.tui_helpers import FakeClock
from trainer.cli import cli
from trainer.launch import create_app
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.review.transcript import transcript_text
from trainer.scenario.library import load_library
from trainer.scenario.loader import check_file, load_scenario
from trainer.tui.screens.play import PlayScreen

BUNDLED = ROOT / "scenarios"
# the names the bundled library used to give the trainee ("I'm Alex, at the front desk")
OLD_NAMES = ("Alex", "Marcus", "Casey", "Nadia", "Sam", "Ama", "Robin", "Jordan", "Noor")


def _played_texts(scenario):
    for node in scenario.nodes.values():
        for choice in node.choices:
            yield choice.text
            for line in choice.reply:
                yield from (text for _, text in line.text)
        for line in node.says:
            yield from (text for _, text in line.text)
    for ending in scenario.endings.values():
        for line in ending.says:
            yield from (text for _, text in line.text)


def test_no_bundled_scenario_hard_codes_the_trainees_name():
    found = []
    for path in sorted(BUNDLED.glob("*.yaml")) + sorted((BUNDLED / "es").glob("*.yaml")):
        scenario = load_scenario(path)
        for text in _played_texts(scenario):
            for name in OLD_NAMES:
                if re.search(rf"(I'm|this is|it's|Soy|habla|Thanks,|Thank you,|Gracias,|for me,) {name}\b", text):
                    found.append(f"{path.name}: {name}")
    assert not found
    waiting = load_scenario(BUNDLED / "waiting-room-delay.yaml")
    assert "I'm {trainee}, at the front desk" in waiting.nodes["arrival"].choices[0].text \
        or any("I'm {trainee}" in c.text for c in waiting.nodes["arrival"].choices)


def test_an_unknown_placeholder_is_an_error_at_its_line_and_column(write):
    path = write("""\
        title: T
        category: privacy
        summary: S
        character: {name: Pat}
        nodes:
          start:
            says: Hello, {trainee}.
            choices:
              - text: "Hi, I'm {trainees} from the desk."
                next: done
        endings:
          done: {outcome: resolved, summary: "Thanks, {name}"}
        """)
    scenario, report = check_file(path)
    assert scenario is None
    errors = [d.format() for d in report.errors]
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{report.path}:9:24: error: unknown placeholder {{trainees}}")
    assert "{trainee}" in errors[0]
    assert ":12:" in errors[1] and "{name}" in errors[1]


def test_braces_that_are_not_a_placeholder_are_plain_text(write):
    path = write("""\
        title: T
        category: privacy
        summary: S
        character: {name: Pat}
        nodes:
          start:
            says: "Hello {…} and { } and {1}"
            choices: [{text: "I'm {trainee}.", next: done}]
        endings:
          done: {outcome: resolved, summary: S}
        """)
    scenario, report = check_file(path)
    assert scenario is not None, [d.format() for d in report.errors]


def _waiting_room(tmp_path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(BUNDLED / "waiting-room-delay.yaml", folder)
    return folder


def test_a_recorded_attempt_shows_records_and_reviews_the_trainees_first_name(tmp_path):
    library = load_library([_waiting_room(tmp_path)], include_bundled=False)
    scenario = library.get("waiting-room-delay")
    store = Store.open(tmp_path / "p.db")
    maria = store.trainee("María López")
    attempt = RecordedAttempt.start(store, maria, scenario, "practice", clock=FakeClock())
    greeting = next(c for c in attempt.session.options() if "I'm María" in c.text)
    assert "{trainee}" not in greeting.text
    attempt.choose(greeting.id)
    assert "I'm María, at the front desk" in store.steps(attempt.attempt_id)[0].text
    review = transcript_text(store, library, attempt.attempt_id).plain
    assert "I'm María" in review and "{trainee}" not in review
    resumed = RecordedAttempt.resume(store, attempt.attempt_id, scenario, FakeClock())
    assert all("{trainee}" not in c.text for c in resumed.session.options())
    # another trainee gets their own name, and the library's scenario is untouched
    other = RecordedAttempt.start(store, store.trainee("Lee"), scenario, "practice", clock=FakeClock())
    assert any("I'm Lee," in c.text for c in other.session.options())
    assert any("I'm {trainee}," in c.text for c in scenario.nodes["arrival"].choices)


def test_simulate_uses_the_role_where_there_is_no_trainee(runner, tmp_path):
    folder = _waiting_room(tmp_path)
    result = runner.invoke(cli, ["--scenarios", str(folder), "simulate", "waiting-room-delay", "--choose", "1"])
    assert result.exit_code == 0, result.output
    assert "I'm Front desk, at the front desk" in result.output


async def test_the_play_screen_shows_the_trainees_first_name(tmp_path):
    app = create_app(db=tmp_path / "p.db", scenario_dirs=[_waiting_room(tmp_path)], bundled=False,
                     trainee="Maria Lopez", clock=FakeClock(), play="waiting-room-delay", order_seed=lambda: None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        from textual.widgets import OptionList

        shown = " ".join(str(option.prompt) for box in app.screen.query(OptionList) for option in box.options)
        assert "I'm Maria, at the front desk" in " ".join(shown.split())
        assert "{trainee}" not in shown
