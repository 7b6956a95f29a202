"""`reply` on a choice: the character's immediate reaction, judged after the choice's effects, shown before
the next node's line wherever a transcript is shown (play is in test_scene_play.py)."""

from __future__ import annotations

import json
import shutil

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.play.engine import compiled_for
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.review.transcript import transcript_text
from trainer.scenario.library import load_library
from trainer.scenario.loader import check_file, load_scenario

SCENE = FIXTURES / "daughter-answers-for-her-father.yaml"

BANDED = """\
title: T
category: billing
summary: S
character: {name: Ana Ruiz, mood: 50}
nodes:
  start:
    says: I was charged twice.
    choices:
      - id: brush-off
        text: That happens.
        next: done
        mood: -20
        reply:
          upset: Is that it?
          angry: That's all you have to say?
      - id: refund
        text: I'll refund the second charge today.
        next: done
        points: {resolution: 1}
        sets: [refunded]
        reply:
          - when: {flags: [refunded]}
            text: Thank you.
          - text: Hm.
      - id: quiet
        text: Let me look.
        next: done
endings:
  done: {outcome: resolved, summary: Done.}
"""


def test_a_reply_is_judged_after_the_choices_mood_and_flags(write):
    scenario = load_scenario(write(BANDED))
    compiled = compiled_for(scenario)
    step = compiled.start().choose_id("brush-off")
    assert step.mood_before == 50 and step.mood_after == 30  # 'upset' before, 'angry' after
    assert step.reply == {"speaker": "", "name": "Ana Ruiz", "text": "That's all you have to say?"}
    assert compiled.start().choose_id("refund").reply["text"] == "Thank you."  # the flag it sets counts
    assert compiled.start().choose_id("quiet").reply is None


def test_simulate_prints_the_reply_under_the_choice_and_before_the_next(runner):
    result = runner.invoke(cli, ["simulate", str(SCENE), "--choose", "greet-him-verify,talk-to-nadia"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first = lines.index("  1. [arrival] 2: Good morning to you both. Mr Haddad, welcome in. Could you tell me your "
                        "date of birth, please?")
    assert lines[first + 1] == "     Farid Haddad: The third of March, 1944. Thank you for asking me."
    assert lines[first + 2].startswith("  2. [his-answer]")
    assert lines[first + 3].startswith("     Nadia Haddad: Sure. Metformin")


def test_simulate_json_carries_the_reply_with_its_speaker(runner):
    result = runner.invoke(cli, ["simulate", str(SCENE), "--choose", "greet-him-verify,talk-to-nadia,carry-on",
                                 "--format", "json"])
    steps = json.loads(result.output)["transcript"]
    assert [s["reply"] for s in steps] == [
        {"speaker": "farid", "name": "Farid Haddad", "text": "The third of March, 1944. Thank you for asking me."},
        {"speaker": "nadia", "name": "Nadia Haddad",
         "text": "Sure. Metformin, the blood-pressure one, and he stopped the statin, it gave him leg cramps."},
        None,
    ]


def test_the_supervisors_transcript_shows_replies(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENE, folder / SCENE.name)
    library = load_library([folder], include_bundled=False)
    store = Store.open(tmp_path / "progress.db")
    try:
        attempt = RecordedAttempt.start(store, store.trainee("Dana Whitfield"), library.get(SCENE.stem), "assessment")
        for choice in ("can-he-answer", "paperwork-first"):
            attempt.choose(choice)
        text = transcript_text(store, library, attempt.attempt_id).plain
    finally:
        store.close()
    assert "   Farid Haddad: I'm standing right here, and I can hear you perfectly well.\n" in text
    assert "   Nadia Haddad: (Taking the clipboard.) I'll do it, Dad, it's quicker.\n" in text
    assert text.index("perfectly well") < text.index("2. [his-answer]")


def test_a_bad_reply_is_an_error_at_its_line(write):
    text = BANDED.replace("          upset: Is that it?", "          upsett: Is that it?").replace(
        "          - text: Hm.", "          - txt: Hm.")
    path = write(text)
    scenario, report = check_file(path)
    errors = [d.format() for d in report.sorted() if d.severity == "error"]
    assert scenario is None
    assert any(f"{path}:14:11: error: 'upsett' is not a mood band (did you mean 'upset'?)" in e for e in errors), errors
    assert any(f"{path}:24:13: error: 'txt' is not a mood band (did you mean 'text'?)" in e
               for e in errors), errors


def test_an_empty_reply_is_an_error(write):
    path = write(BANDED.replace("        reply:\n          upset: Is that it?\n          angry: That's all you have "
                                "to say?\n", "        reply: []\n"))
    scenario, report = check_file(path)
    assert scenario is None
    assert [d.message for d in report.errors] == ["'reply' has no lines"]
