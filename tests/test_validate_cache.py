"""`trainer validate` keeps each file's findings keyed on its exact content: an unchanged file's
warnings print again on the next run without checking it again, and an edited file is always checked."""

from __future__ import annotations

import json

import pytest

import trainer.scenario.lint
from tests.test_lint import BASE, CASES
from trainer.cli import cli


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
    """Two files with a warning each and one clean file."""
    root = tmp_path / "mine"
    root.mkdir()
    (root / "no-tags.yaml").write_text(CASES["no-tags"], encoding="utf-8")
    (root / "no-feedback.yaml").write_text(CASES["no-feedback"], encoding="utf-8")
    (root / "clean.yaml").write_text(BASE, encoding="utf-8")
    return root


def validate(runner, *args):
    result = runner.invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_unchanged_files_keep_their_warnings_without_being_checked_again(runner, folder, linted):
    first = validate(runner, str(folder))
    assert first[0] == 0
    assert "has no technique tags" in first[1] and "has no feedback" in first[1]
    assert "3 file(s) checked: 0 error(s), 2 warning(s)" in first[1]
    assert sorted(linted) == ["clean", "no-feedback", "no-tags"]
    linted.clear()
    assert validate(runner, str(folder)) == first
    assert linted == []


def test_an_edited_file_is_checked_again_and_its_new_problems_show(runner, folder, linted):
    validate(runner, str(folder))
    linted.clear()
    clean = folder / "clean.yaml"
    clean.write_text(BASE.replace("text: Poor answer.", "text: Good  answer."), encoding="utf-8")
    code, output = validate(runner, str(folder))
    assert linted == ["clean"]
    assert "clean.yaml" in output and "have the same text" in output  # the edit's new warning
    assert "has no technique tags" in output and "has no feedback" in output  # the others' still print
    assert code == 0

    clean.write_text(BASE.replace("next: middle, points: {empathy: 2", "next: midle, points: {empathy: 2"),
                     encoding="utf-8")
    code, output = validate(runner, str(folder))
    assert code == 1
    assert "'next' names 'midle', which is not a node or ending" in output
    assert "have the same text" not in output

    clean.write_text(BASE, encoding="utf-8")  # fixed: back to clean, and to exit 0
    code, output = validate(runner, str(folder))
    assert code == 0 and "clean.yaml" not in output


def test_errors_come_back_on_a_warm_run_too(runner, folder):
    (folder / "broken.yaml").write_text(BASE.replace("next: done", "next: nowhere"), encoding="utf-8")
    first = validate(runner, str(folder))
    assert first[0] == 1 and "'nowhere'" in first[1]
    assert validate(runner, str(folder)) == first
    assert validate(runner, "--strict", str(folder))[0] == 1


def test_json_is_the_same_from_the_cache(runner, folder):
    cold = validate(runner, "--format", "json", str(folder))
    warm = validate(runner, "--format", "json", str(folder))
    assert cold == warm
    assert json.loads(warm[1])["warnings"] == 2


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
    validate(runner, str(folder))
    assert validate(runner, str(folder))[1].count("warning:") == 2
    assert len(linted) == 6
