"""Several characters in one scenario (`characters:`): who the main one is, who says each line, and the
mistakes an author can make, each reported at its file:line:col."""

from __future__ import annotations

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.play.engine import compiled_for
from trainer.scenario.loader import check_file, load_scenario
from trainer.scenario.schema import scenario_schema

SCENE = FIXTURES / "daughter-answers-for-her-father.yaml"

TWO = """\
title: T
category: billing
summary: S
characters:
  caller:
    name: Ana Ruiz
    role: Caller
    mood: 40
  coordinator:
    name: Priya Shah
    role: Billing coordinator
nodes:
  start:
    says:
      speaker: coordinator
      text: Hi, Priya from billing joining.
    choices:
      - {id: a, text: Hello, next: done, points: {empathy: 1}}
endings:
  done: {outcome: resolved, summary: Done.}
"""


def diagnostics(path, severity="error"):
    scenario, report = check_file(path)
    return scenario, [d.format() for d in report.sorted() if d.severity == severity]


def test_the_fixture_scene_is_strict_clean(runner):
    result = runner.invoke(cli, ["validate", "--strict", str(SCENE)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_the_main_character_is_the_first_listed_and_owns_the_mood(write):
    scenario = load_scenario(write(TWO))
    assert scenario.character.id == "caller" and scenario.character.name == "Ana Ruiz"
    assert list(scenario.characters) == ["caller", "coordinator"]
    session = compiled_for(scenario).start()
    assert session.mood == 40  # the caller's, not the default 50
    assert session.said() == ("coordinator", "Hi, Priya from billing joining.")
    assert scenario.speaker("coordinator").role == "Billing coordinator"
    assert scenario.speaker("").name == "Ana Ruiz"  # a line that names nobody is the main character's


def test_main_true_marks_another_character_as_the_main_one(write):
    text = TWO.replace("    role: Billing coordinator\n", "    role: Billing coordinator\n    main: true\n")
    scenario, warnings = diagnostics(write(text), "warning")
    assert scenario.character.id == "coordinator"
    assert compiled_for(scenario).start().mood == 50  # the coordinator's (default) mood, not the caller's 40
    assert any(":8:11: warning: 'mood' of 'caller' is ignored: only the main character ('coordinator') has a "
               "mood" in w for w in warnings), warnings


def test_a_scenario_with_one_character_is_unchanged(write):
    scenario = load_scenario(FIXTURES / "minimal.yaml")
    assert scenario.character.name == "Ana Ruiz" and dict(scenario.characters) == {}
    session = compiled_for(scenario).start()
    assert session.said() == ("", "Hello, I need to move my appointment.")
    assert session.line() == "Hello, I need to move my appointment."


def test_both_character_and_characters_is_an_error(write):
    path = write(TWO.replace("characters:\n", "character: {name: Ana Ruiz}\ncharacters:\n"))
    scenario, errors = diagnostics(path)
    assert scenario is None
    assert errors == [f"{path}:6:3: error: the scenario has both 'character' and 'characters'; use one of them"
                      "\n  hint: Several people in the scene, by id; the first listed (or the one marked `main: "
                      "true`) is the main character."], errors


def test_neither_character_nor_characters_is_an_error(write):
    path = write(TWO.split("characters:\n")[0] + TWO.split("    role: Billing coordinator\n")[1].replace(
        "      speaker: coordinator\n", ""))
    scenario, errors = diagnostics(path)
    assert scenario is None
    assert len(errors) == 1 and ":1:1: error: the scenario is missing required key 'character' or 'characters'" \
        in errors[0], errors


def test_an_unknown_speaker_is_an_error_with_did_you_mean(write):
    path = write(TWO.replace("speaker: coordinator", "speaker: cordinator"))
    scenario, errors = diagnostics(path)
    assert scenario is None
    assert errors == [f"{path}:15:16: error: unknown speaker 'cordinator' (did you mean 'coordinator'?)"
                      "\n  hint: speakers are the ids under 'characters:': caller, coordinator"], errors


def test_a_speaker_in_a_one_character_scenario_says_how_to_add_characters(write):
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace(
        "    says: OK...", "    says: {speaker: nurse, text: OK...}")
    scenario, errors = diagnostics(write(text))
    assert scenario is None and len(errors) == 1
    assert "unknown speaker 'nurse'" in errors[0] and "list several under 'characters:'" in errors[0]


def test_two_main_characters_is_an_error(write):
    text = TWO.replace("    mood: 40\n", "    mood: 40\n    main: true\n").replace(
        "    role: Billing coordinator\n", "    role: Billing coordinator\n    main: true\n")
    scenario, errors = diagnostics(write(text))
    assert scenario is None
    assert len(errors) == 1 and ":13:11: error: 'coordinator' and 'caller' are both marked main: true" in errors[0]


def test_a_character_needs_a_name_and_known_keys(write):
    text = TWO.replace("    name: Priya Shah\n", "    nmae: Priya Shah\n")
    scenario, errors = diagnostics(write(text))
    assert scenario is None
    assert any(":10:5: error: unknown key 'nmae' in character 'coordinator' (did you mean 'name'?)" in e
               for e in errors), errors
    assert any("character 'coordinator' is missing required key 'name'" in e for e in errors), errors


@pytest.mark.parametrize("text, valid", [
    (TWO, True),
    (TWO.replace("characters:\n", "character: {name: Ana Ruiz}\ncharacters:\n"), False),
    (TWO.split("characters:\n")[0] + "nodes: {}\n", False),
])
def test_the_schema_agrees_with_the_loader(text, valid):
    errors = list(Draft202012Validator(scenario_schema()).iter_errors(yaml.safe_load(text)))
    assert (not errors) == valid, errors


def test_the_fixture_validates_against_the_schema():
    data = yaml.safe_load(SCENE.read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(scenario_schema()).iter_errors(data))


def test_a_translation_keeps_the_character_ids_and_the_main_character(write):
    from trainer.scenario.translation import differences

    original = load_scenario(write(TWO, "billing-call.yaml"))
    same = TWO.replace("title: T\n", "title: T\nlanguage: es\ntranslation_of: billing-call\n").replace(
        "Hi, Priya from billing joining.", "Hola, soy Priya, de facturación.")
    assert differences(load_scenario(write(same, "llamada.yaml")), original) == []
    renamed = same.replace("  coordinator:\n", "  coordinadora:\n").replace("speaker: coordinator",
                                                                           "speaker: coordinadora")
    found = [message for _, message in differences(load_scenario(write(renamed, "llamada.yaml")), original)]
    assert "character 'coordinator' in the original 'billing-call' is missing here (did you mean 'coordinadora'?)" \
        in found, found
    assert ("entry 1 of what is said at node 'start' is said by coordinadora always here but by coordinator always "
            "in the original 'billing-call'") in found, found
    main = same.replace("    role: Billing coordinator\n", "    role: Billing coordinator\n    main: true\n")
    found = [message for _, message in differences(load_scenario(write(main, "llamada.yaml")), original)]
    assert "the main character is 'coordinator' here but 'caller' in the original 'billing-call'" in found, found
