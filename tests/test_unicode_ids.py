"""Ids in any language: Unicode letters and digits plus '-' and '_', compared NFC-normalised, so an id
typed decomposed (as macOS and some keyboards produce it) and composed is the same id."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from jsonschema import Draft202012Validator

from trainer.cli import cli
from trainer.play.engine import compiled_for
from trainer.scenario.loader import check_file, load_scenario
from trainer.scenario.schema import scenario_schema

SPANISH = """\
title: Petición de historial
category: privacy
summary: Una paciente pide su historial.
character: {name: Lucía Ortega}
skills:
  cortesía: {description: Trato amable.}
nodes:
  petición:
    says: Necesito mi historial.
    choices:
      - {id: aclaración, text: "¿Para qué fecha lo necesita?", next: año, points: {cortesía: 2, resolution: 1},
         sets: [pidió_fecha]}
      - {id: rápido, text: "Llene este formulario.", next: fin, points: {resolution: -1}}
  año:
    says: Para el viernes.
    choices:
      - {id: confirmar-2, text: "Lo tendrá el jueves.", next: fin, points: {resolution: 2},
         when: {flags: [pidió_fecha]}}
endings:
  fin: {outcome: resolved, summary: Listo.}
"""


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_accented_ids_load_and_play(write):
    scenario = load_scenario(write(SPANISH, "petición-de-historial.yaml"))
    assert scenario.id == "petición-de-historial"
    assert scenario.start == "petición"
    assert [c.id for c in scenario.nodes["petición"].choices] == ["aclaración", "rápido"]
    assert "cortesía" in scenario.skills
    session = compiled_for(scenario).start()
    session.choose("aclaración")
    session.choose("confirmar-2")
    assert session.state == "fin"


@pytest.mark.parametrize("bad, where", [
    ("mi petición", "node"),      # a space
    ("petición!", "node"),        # punctuation
    ("-petición", "node"),        # a leading '-'
    ("_año", "node"),             # a leading '_'
    ("¿petición", "node"),        # Spanish punctuation is punctuation too
])
def test_ids_with_spaces_punctuation_or_a_leading_dash_are_errors(write, bad, where):
    text = SPANISH.replace("  petición:\n", f"  '{bad}':\n", 1)
    scenario, report = check_file(write(text))
    assert scenario is None
    messages = [d.format() for d in report.errors]
    assert any(f"'{bad}' is not a valid {where} id" in m and "letters (any language)" in m for m in messages), \
        messages
    assert any(":8:3: error:" in m for m in messages), messages  # at the key, line 8


def test_a_bad_choice_id_or_flag_is_an_error_at_its_place(write):
    text = SPANISH.replace("id: rápido", "id: 'muy rápido'").replace("sets: [pidió_fecha]", "sets: ['pidió fecha']")
    scenario, report = check_file(write(text))
    assert scenario is None
    found = {(d.loc.line, d.message.split(" value")[0]) for d in report.errors}
    assert (13, "'id'") in found and (12, "'sets[1]'") in found, report.errors


def test_decomposed_and_composed_spellings_are_the_same_id(write):
    # the node is written decomposed, the reference to it composed, the flag the other way round
    text = SPANISH.replace("  año:\n", f"  {nfd('año')}:\n").replace("sets: [pidió_fecha]",
                                                                      f"sets: [{nfd('pidió_fecha')}]")
    assert nfd("año") in text and "next: año" in text
    scenario = load_scenario(write(text, nfd("petición.yaml")))
    assert scenario.id == "petición"  # the file name too
    assert "año" in scenario.nodes
    session = compiled_for(scenario).start()
    session.choose(nfd("aclaración"))  # what a user types may arrive decomposed as well
    assert [c.id for c in session.options()] == ["confirmar-2"]  # the flag set decomposed is the one tested


def test_the_schema_accepts_accented_ids_and_refuses_what_the_loader_refuses(write):
    validator = Draft202012Validator(scenario_schema())
    assert not list(validator.iter_errors(yaml.safe_load(SPANISH)))
    for bad in ("mi petición", "-petición", "petición!"):
        text = SPANISH.replace("  petición:\n", f"  '{bad}':\n", 1)
        assert list(validator.iter_errors(yaml.safe_load(text))), bad
        assert check_file(write(text))[0] is None


def test_validate_and_simulate_take_accented_ids_from_the_command_line(runner, write):
    path = write(SPANISH, "petición.yaml")
    checked = runner.invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 0 and "0 errors" in checked.output, checked.output
    result = runner.invoke(cli, ["simulate", str(path), "--choose", f"{nfd('aclaración')},confirmar-2"])
    assert result.exit_code == 0, result.output
    assert "fin" in result.output


def test_new_accepts_an_accented_slug_and_refuses_a_space(runner, tmp_path):
    ok = runner.invoke(cli, ["new", "petición-de-historial", "--category", "privacy", "--dir", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert load_scenario(tmp_path / "petición-de-historial.yaml").id == "petición-de-historial"
    bad = runner.invoke(cli, ["new", "mi petición", "--category", "privacy", "--dir", str(tmp_path)])
    assert bad.exit_code == 2 and "letters (any language)" in bad.output


def test_a_spanish_original_with_accented_ids_is_strict_clean_and_plays(runner):
    from tests.conftest import FIXTURES

    path = FIXTURES / "es" / "petición-de-expediente.yaml"
    checked = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.output, checked.output
    scenario = load_scenario(path)
    assert (scenario.id, scenario.language, scenario.translation_of) == ("petición-de-expediente", "es", "")
    best = "saludo-y-verificación,preguntar-qué-necesita,envío-seguro,plazo-honesto,teach-back"
    played = runner.invoke(cli, ["simulate", str(path), "--choose", nfd(best), "--format", "json"])
    assert played.exit_code == 0, played.output
    import json

    data = json.loads(played.output)
    assert data["ending"] == "resuelto" and data["passed"] is True
