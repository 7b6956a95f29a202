"""`trainer schema`: generated from the loader's models, accepted by a real 2020-12 validator, and in
agreement with the loader over the whole library and on broken files."""

from __future__ import annotations

import json

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.conftest import ROOT, doc_example
from trainer.cli import cli
from trainer.scenario.library import bundled_dir, scenario_files
from trainer.scenario.schema import scenario_schema

VALIDATOR = Draft202012Validator(scenario_schema())


def test_schema_is_a_valid_2020_12_schema():
    Draft202012Validator.check_schema(scenario_schema())


def test_cli_prints_the_schema_and_committed_copy_is_current(runner):
    printed = json.loads(runner.invoke(cli, ["schema"]).output)
    assert printed == scenario_schema()
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert committed == printed, "run: trainer schema -o docs/scenario.schema.json"


@pytest.mark.parametrize("path", scenario_files(bundled_dir()), ids=lambda p: p.stem)
def test_every_bundled_scenario_validates_against_the_schema(path):
    errors = sorted(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))), key=str)
    assert not errors, errors[0].message


def test_doc_example_validates():
    assert not list(VALIDATOR.iter_errors(yaml.safe_load(doc_example())))


@pytest.mark.parametrize("change", [
    ("difficulty: intermediate", "difficulty: hard"),
    ("minutes: 6", "minutes: six"),
    ("pass_mark: 70", "pass_mark: 70\ncolour: blue"),
    ("        mood: +5\n", "        mood: +5\n        moood: 1\n"),
    ("  privacy: {weight: 2", "  privacy: {weight: -2"),
])
def test_schema_and_loader_reject_the_same_mistakes(write, change):
    from trainer.scenario.loader import check_file

    text = doc_example().replace(*change)
    assert text != doc_example()
    assert list(VALIDATOR.iter_errors(yaml.safe_load(text)))
    scenario, report = check_file(write(text))
    assert scenario is None and report.errors


def test_readme_shows_the_editor_comment():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in readme
