"""`trainer validate` keeps each file's findings keyed on its exact content: an unchanged file's
warnings print again on the next run without checking it again, and an edited file is always checked."""

from __future__ import annotations

import json

import pytest

import trainer.scenario.lint
from tests.conftest import FIXTURES
from trainer.cli import cli

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
NO_TAGS = MINIMAL.replace(", tags: [AIDET:duration]", "")
NO_FEEDBACK = MINIMAL.replace(" feedback: Vague.,", "")
SAME_TEXT = MINIMAL.replace('"Hold on."', '"Of course, let me help."')
BROKEN = MINIMAL.replace("next: meh", "next: mhe")


@pytest.fixture
def linted(monkeypatch) -> list[str]:
    """The scenario ids that were really linted (not served from the cache) during a run."""
    calls: list[str] = []
    real = trainer.scenario.lint.lint

    def counting(scenario, report):
        calls.append(scenario.id)
        return real(scenario, report)

    monkeypatch.setattr(trainer.scenario.lint, "lint", counting)
    return calls


@pytest.fixture
def folder(tmp_path):
    """A file missing technique tags, one missing feedback, and the plain fixture."""
    root = tmp_path / "mine"
    root.mkdir()
    assert len({MINIMAL, NO_TAGS, NO_FEEDBACK, SAME_TEXT, BROKEN}) == 5  # every edit took
    (root / "no-tags.yaml").write_text(NO_TAGS, encoding="utf-8")
    (root / "no-feedback.yaml").write_text(NO_FEEDBACK, encoding="utf-8")
    (root / "plain.yaml").write_text(MINIMAL, encoding="utf-8")
    return root


def validate(runner, *args):
    result = runner.invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_unchanged_files_keep_their_warnings_without_being_checked_again(runner, folder, linted):
    first = validate(runner, str(folder))
    assert first[0] == 0
    assert "has no technique tags" in first[1] and "has no feedback" in first[1]
    assert "3 files checked: 0 errors" in first[1]
    assert sorted(linted) == ["no-feedback", "no-tags", "plain"]
    linted.clear()
    assert validate(runner, str(folder)) == first
    assert linted == []


def test_an_edited_file_is_checked_again_and_its_new_problems_show(runner, folder, linted):
    validate(runner, str(folder))
    linted.clear()
    plain = folder / "plain.yaml"
    plain.write_text(SAME_TEXT, encoding="utf-8")
    code, output = validate(runner, str(folder))
    assert linted == ["plain"]
    assert "plain.yaml:10:26: warning: choices 'help' and 'wait' in node 'start' have the same text" in output
    assert "has no technique tags" in output and "has no feedback" in output  # the others' still print
    assert code == 0

    plain.write_text(BROKEN, encoding="utf-8")
    code, output = validate(runner, str(folder))
    assert code == 1
    assert "'next' names 'mhe', which is not a node or ending" in output
    assert "have the same text" not in output

    plain.write_text(MINIMAL, encoding="utf-8")  # fixed again: exit 0, no error, no same-text warning
    code, output = validate(runner, str(folder))
    assert code == 0 and "error:" not in output and "same text" not in output


def test_errors_come_back_on_a_warm_run_too(runner, folder):
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    first = validate(runner, str(folder))
    assert first[0] == 1 and "broken.yaml:10:44: error: 'next' names 'mhe'" in first[1]
    assert validate(runner, str(folder)) == first
    assert validate(runner, "--strict", str(folder))[0] == 1


def test_json_is_the_same_from_the_cache(runner, folder):
    cold = validate(runner, "--format", "json", str(folder))
    warm = validate(runner, "--format", "json", str(folder))
    assert cold == warm
    data = json.loads(warm[1])
    assert data["files"] == 3 and data["warnings"] >= 2
    assert {d["code"] for d in data["diagnostics"]} >= {"no-tags", "no-feedback"}


def test_paths_print_relative_to_where_validate_runs(runner, folder, monkeypatch):
    monkeypatch.chdir(folder.parent)
    validate(runner, "mine")
    monkeypatch.chdir(folder)
    _, output = validate(runner, ".")
    assert "no-tags.yaml:" in output and "mine/no-tags.yaml" not in output


def test_a_damaged_cache_is_ignored(runner, folder, tmp_path, linted):
    first = validate(runner, str(folder))
    for cache in (tmp_path / "cache").glob("checks-*.pickle"):
        cache.write_bytes(b"not a pickle")
    linted.clear()
    assert validate(runner, str(folder)) == first
    assert len(linted) == 3


def test_no_cache_checks_everything_every_time(runner, folder, linted, monkeypatch):
    monkeypatch.setenv("TRAINER_NO_CACHE", "1")
    first = validate(runner, str(folder))
    assert validate(runner, str(folder)) == first
    assert len(linted) == 6
