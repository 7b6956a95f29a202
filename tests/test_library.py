"""The bundled library plays fair: every scenario's best path passes, its worst fails, no path passes on
points while committing a critical error, and nothing is unreachable or a dead end."""

from __future__ import annotations

import json

import pytest

from trainer.play.analyze import analyze
from trainer.cli import cli
from trainer.scenario.library import bundled_dir, load_library, scenario_files
from trainer.scenario.lint import lint
from trainer.scenario.loader import check_file
from trainer.scenario.model import CATEGORIES

LIBRARY = load_library()
SCENARIOS = sorted(LIBRARY.scenarios)
REQUIRED_CATEGORIES = ("upset-patient", "wait-times", "scheduling", "billing", "insurance", "difficult-news",
                       "privacy", "emergency", "feedback", "team-care")


def test_every_bundled_file_loads():
    assert not LIBRARY.errors, "\n".join(d.format() for d in LIBRARY.errors)
    assert len(SCENARIOS) == len(scenario_files(bundled_dir()))


def test_library_size_and_categories(runner):
    rows = json.loads(runner.invoke(cli, ["list", "--format", "json"]).output)
    assert len(rows) >= 12
    assert set(REQUIRED_CATEGORIES) <= {r["category"] for r in rows}
    assert all(r["category"] in CATEGORIES for r in rows)


FAIRNESS_CODES = {"test-wise-pass", "length-cue", "unforgiving-slip"}


def _diagnostics(scenario_id: str):
    scenario, report = check_file(LIBRARY.get(scenario_id).path)
    lint(scenario, report)
    return report.diagnostics


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_is_strictly_clean(scenario_id):
    found = [d for d in _diagnostics(scenario_id) if d.code not in FAIRNESS_CODES]
    assert found == [], "\n".join(d.format() for d in found)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_library_fairness(scenario_id):
    """No test-wise strategy passes and small slips are forgiven."""
    found = [d for d in _diagnostics(scenario_id) if d.code in FAIRNESS_CODES - {"length-cue"}]
    assert found == [], "\n".join(d.format() for d in found)


# Since #25 `length-cue` counts every decision point, off the best path too (where a trainee who slipped
# recovers); these scenarios were written against the best path only and await the library's rework.
# Remove a scenario from this list once it is fixed (strict: an unexpected pass fails, as a reminder).
KNOWN_LENGTH_CUE: set[str] = set()


def _known(ids, known: set[str], reason: str, strict: bool):
    return [pytest.param(i, marks=pytest.mark.xfail(reason=reason, strict=strict)) if i in known else i for i in ids]


@pytest.mark.parametrize("scenario_id", _known(SCENARIOS, KNOWN_LENGTH_CUE, "length-cue over every decision point "
                                               "(#25): awaiting the library's rework", strict=True))
def test_library_length_cue(scenario_id):
    """The best answer is the longest at no more than 40% of all decision points."""
    found = [d for d in _diagnostics(scenario_id) if d.code == "length-cue"]
    assert found == [], "\n".join(d.format() for d in found)


@pytest.fixture(scope="module")
def style_results() -> dict:
    from trainer.scenario.style import classify

    scenarios = [LIBRARY.get(i) for i in SCENARIOS]
    return classify(scenarios, scenarios)


def test_every_bundled_scenario_has_a_style_result(style_results):
    """Each is played by a model trained on the others (its translations and forms left out with it)."""
    from trainer.scenario.style import family

    assert set(style_results) == set(SCENARIOS)
    known = {i: LIBRARY.get(i) for i in SCENARIOS}
    for ident, result in style_results.items():
        kin = sum(1 for other in known.values() if family(other, known) == family(known[ident], known))
        assert result["overall"] is not None and result["trained_on"] == len(SCENARIOS) - kin, (ident, result)


# The style classifier (`style-cue-pass`, #25) passes these: their best answers share a house style that
# `trainer analyze --library` shows. They await the library's rework; the results depend on the whole
# library (each is played by a model trained on the others), so an unexpected pass is not an error here.
KNOWN_STYLE_CUE: set[str] = set()


@pytest.mark.parametrize("scenario_id", _known(SCENARIOS, KNOWN_STYLE_CUE, "style-cue-pass (#25): awaiting the "
                                               "library's rework", strict=False))
def test_library_style(scenario_id, style_results):
    """Always choosing the answer whose wording sounds best (to a model of the other scenarios) fails."""
    result = style_results[scenario_id]
    assert not result["passed"], result


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_plays_fair(scenario_id):
    scenario = LIBRARY.get(scenario_id)
    data = analyze(scenario)
    assert data["best"]["passed"], data["best"]
    assert not data["worst"]["passed"], data["worst"]
    assert data["pass_with_critical_error"] is False
    assert data["pass_at_failed_ending"] is False
    assert data["unreachable"] == [] and data["dead_ends"] == [] and data["traps"] == []
    assert all(data["endings"].values())


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_shape(scenario_id):
    scenario = LIBRARY.get(scenario_id)
    assert len(scenario.nodes) >= 12
    outcomes = {e.outcome for e in scenario.endings.values()}
    assert len(scenario.endings) >= 3 and "resolved" in outcomes and "failed" in outcomes
    assert outcomes & {"partial", "referred", "escalated"}
    varied = sum(1 for n in scenario.nodes.values() if sum(len(entry.text) for entry in n.says) > 1)
    assert varied >= 2, "lines should change with the mood in several nodes"
    assert any(c.when is not None for n in scenario.nodes.values() for c in n.choices), "no conditions"
    for node in scenario.nodes.values():
        for choice in node.choices:
            assert choice.feedback and choice.tags, f"{node.id}/{choice.id}"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_best_path_reproduces_with_simulate(runner, scenario_id):
    data = analyze(LIBRARY.get(scenario_id))
    choose = ",".join(map(str, data["best"]["choices"]))
    result = runner.invoke(cli, ["simulate", scenario_id, "--choose", choose, "--format", "json"])
    assert result.exit_code == 0, result.output
    played = json.loads(result.output)
    assert played["overall"] == data["best"]["overall"] and played["passed"]


def test_library_doc_lists_every_scenario_and_is_current():
    from tests.conftest import ROOT
    from tests.gen_library_doc import render

    text = (ROOT / "docs" / "scenario-library.md").read_text(encoding="utf-8")
    for scenario_id in SCENARIOS:
        assert f"`{scenario_id}`" in text, scenario_id
    assert text == render(), "regenerate: python -m tests.gen_library_doc > docs/scenario-library.md"
