"""The style analysis: a model that reads only the answers' wording, trained on the other scenarios of a
library, must pass a scenario whose best answers all carry the library's cue and fail one whose cues are
balanced; it leaves a scenario's translations out of its training; results repeat exactly; the JSON keys
are the documented ones; and nothing but the analysis loads scikit-learn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT
from trainer.cli import cli
from trainer.scenario.library import load_library
from trainer.scenario.style import classify, cues, family, features

CUE = "Zephyr, "
BASES = ["I will check the bill for you", "the clinic opens at nine on Monday", "we can look at the form together",
         "the referral went to the wrong office", "your results are with the doctor", "a nurse can call you back"]
STEPS = len(BASES)  # so each sentence is the best answer once and a wrong one twice


def scenario_yaml(cued_steps: set[int], cue_on_wrong: set[int] = frozenset()) -> str:
    """A linear scenario of STEPS decision points, three answers each. Every base sentence is the best answer
    at one step and a wrong one at others, so only the planted cue tells best from other: on the best answer
    at `cued_steps`, on a wrong answer at `cue_on_wrong`. The best answer's position rotates."""
    lines = ["title: Style fixture", "category: billing", "summary: A fixture.", "character: {name: Ana Ruiz}",
             "nodes:"]
    for step in range(STEPS):
        after = f"step{step + 1}" if step + 1 < STEPS else "done"
        miss = f"step{step + 1}" if step + 1 < STEPS else "bad"
        best = (CUE if step in cued_steps else "") + BASES[step % len(BASES)] + "."
        wrong = [(CUE if step in cue_on_wrong and i == 0 else "") + BASES[(step + i + 1) % len(BASES)] + "."
                 for i in range(2)]
        answers = [("best", best, after, 1), ("wrong-a", wrong[0], miss, -1), ("wrong-b", wrong[1], miss, -1)]
        shift = step % 3
        answers = answers[shift:] + answers[:shift]
        lines += [f"  step{step}:", "    says: Go on.", "    choices:"]
        for ident, text, target, value in answers:
            lines.append(f"      - {{id: {ident}, text: \"{text}\", next: {target}, points: {{empathy: {value}, "
                         f"de-escalation: {value}, privacy: {value}, resolution: {value}}}, feedback: Why., "
                         "tags: [NURSE:naming]}")
    lines += ["endings:", "  done: {outcome: resolved, summary: Done.}", "  bad: {outcome: failed, summary: Bad.}"]
    return "\n".join(lines) + "\n"


def planted_library(folder: Path) -> Path:
    """Five scenarios whose best answers all carry the cue, and one whose cue sits on the best answer at
    half the steps and on a wrong one at the other half."""
    folder.mkdir(parents=True, exist_ok=True)
    every = set(range(STEPS))
    for name in ("cued-a", "cued-b", "cued-c", "cued-d", "cued-e"):
        (folder / f"{name}.yaml").write_text(scenario_yaml(every), encoding="utf-8")
    even = set(range(0, STEPS, 2))
    (folder / "balanced.yaml").write_text(scenario_yaml(even, every - even), encoding="utf-8")
    return folder


@pytest.fixture
def library_dir(tmp_path) -> Path:
    return planted_library(tmp_path / "planted")


def _all(library):
    return [library.get(i) for i in sorted(library.scenarios)]


def test_the_classifier_passes_a_planted_cue_and_not_balanced_cues(library_dir):
    scenarios = _all(load_library([library_dir], include_bundled=False))
    results = classify(scenarios, scenarios)
    assert results["cued-a"]["passed"] and results["cued-a"]["overall"] == 100.0
    assert results["cued-a"]["trained_on"] == 5  # every scenario but itself
    assert not results["balanced"]["passed"] and results["balanced"]["overall"] < 70


def test_the_cue_table_puts_the_planted_cue_first(library_dir):
    table = cues(_all(load_library([library_dir], include_bundled=False)))
    assert table[0]["cue"] in {"zephyr", ","}
    assert {r["cue"] for r in table[:3]} >= {"zephyr", "zephyr ,"}
    top = table[0]
    assert top["best_share"] > 0.8 and top["other_share"] < 0.2
    strengths = [abs(r["best_share"] - r["other_share"]) for r in table]
    assert strengths == sorted(strengths, reverse=True)


def test_punctuation_and_bigrams_are_features():
    assert features("You're right, I can't.") == ["you're", "right", ",", "i", "can't", ".", "you're right",
                                                  "right ,", ", i", "i can't", "can't ."]


def test_a_translation_is_left_out_with_its_original(library_dir):
    original = (library_dir / "cued-a.yaml").read_text(encoding="utf-8")
    translated = original.replace("title: Style fixture", "title: Caso de estilo\nlanguage: es\n"
                                  "translation_of: cued-a")
    (library_dir / "cued-a-es.yaml").write_text(translated, encoding="utf-8")
    library = load_library([library_dir], include_bundled=False)
    assert library.get("cued-a-es") is not None, [d.format() for d in library.errors]
    scenarios = _all(library)
    results = classify(scenarios, scenarios)
    assert results["cued-a"]["trained_on"] == 5  # not its translation
    assert results["cued-a-es"]["trained_on"] == 5  # not its original
    assert results["cued-b"]["trained_on"] == 6  # both of them


def test_a_form_and_its_translations_share_a_family():
    def s(ident, translation_of="", form_of=None):
        made = SimpleNamespace(id=ident, translation_of=translation_of)
        if form_of is not None:
            made.form_of = form_of
        return made

    known = {x.id: x for x in (s("orig"), s("form", form_of="orig"), s("form-es", translation_of="form"),
                               s("other"))}
    assert {family(x, known) for x in known.values()} == {"orig", "other"}


def test_analyze_library_json_is_identical_on_a_second_run(runner, library_dir):
    first = runner.invoke(cli, ["analyze", "--library", str(library_dir), "--format", "json"])
    second = runner.invoke(cli, ["analyze", "--library", str(library_dir), "--format", "json"])
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    data = json.loads(first.output)
    assert set(data) == {"scenarios", "cues"}
    rows = {r["scenario"]: r for r in data["scenarios"]}
    assert set(rows) == {"balanced", "cued-a", "cued-b", "cued-c", "cued-d", "cued-e"}
    assert all(set(r) == {"scenario", "language", "classifier"} for r in rows.values())
    assert rows["cued-c"]["classifier"] == {"overall": 100.0, "passed": True, "trained_on": 5}
    assert rows["balanced"]["classifier"]["passed"] is False


def test_results_do_not_depend_on_the_process(library_dir, tmp_path):
    """Two processes with different hash seeds (set and dict orders) print the same analysis."""
    outputs = set()
    for seed in ("1", "2"):
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": seed,
               "TRAINER_CACHE_DIR": str(tmp_path / f"cache{seed}"), "TRAINER_DB": str(tmp_path / "db.sqlite")}
        done = subprocess.run([sys.executable, "-m", "trainer", "analyze", "--library", str(library_dir), "--format",
                               "json"], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_analyze_library_text(runner, library_dir):
    result = runner.invoke(cli, ["analyze", "--library", str(library_dir)])
    assert result.exit_code == 0, result.output
    assert "zephyr" in result.output
    assert "5 of 6 scenarios pass on style alone" in result.output


def test_analyze_scenario_json_has_style_with_exactly_the_documented_keys(runner, library_dir):
    args = ["--scenarios", str(library_dir), "analyze", "cued-a", "--format", "json"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    style = json.loads(first.output)["style"]
    assert set(style) == {"classifier", "cues"}
    assert set(style["classifier"]) == {"overall", "passed", "trained_on"}
    assert style["classifier"]["passed"] is True
    bundled = len(load_library().scenarios)
    assert style["classifier"]["trained_on"] == bundled + 5  # the bundled library and the other planted ones
    assert style["cues"] and all(set(c) == {"cue", "best_share", "other_share"} for c in style["cues"])
    assert runner.invoke(cli, args).output == first.output


def test_analyze_usage_errors(runner, library_dir):
    assert runner.invoke(cli, ["analyze"]).exit_code == 2
    assert runner.invoke(cli, ["analyze", "a", "b"]).exit_code == 2
    assert runner.invoke(cli, ["analyze", "--library", "--seed", "1"]).exit_code == 2
    missing = runner.invoke(cli, ["analyze", "--library", str(library_dir / "nowhere")])
    assert missing.exit_code == 2 and "is not a folder" in missing.output


def test_validate_style_warns_only_on_request_and_fails_under_strict(runner, library_dir):
    plain = runner.invoke(cli, ["--scenarios", str(library_dir), "validate", str(library_dir), "--format", "json"])
    assert "style-cue-pass" not in plain.output
    args = ["--scenarios", str(library_dir), "validate", "--style", str(library_dir), "--format", "json"]
    styled = runner.invoke(cli, args)
    assert styled.exit_code == 0, styled.output  # a warning
    flagged = {Path(d["path"]).stem for d in json.loads(styled.output)["diagnostics"] if d["code"] == "style-cue-pass"}
    assert flagged == {"cued-a", "cued-b", "cued-c", "cued-d", "cued-e"}
    assert runner.invoke(cli, [*args[:3], "--strict", *args[3:]]).exit_code == 1


def test_only_the_analysis_imports_scikit_learn(tmp_path):
    """Start-up, the app's modules and a plain validate never load scikit-learn; analyze does."""
    scenario = ROOT / "scenarios" / "waiting-room-delay.yaml"
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from trainer.cli import cli\n"
        "import trainer.launch, trainer.tui.app\n"
        f"for args in (['list'], ['validate', '--strict', {str(scenario)!r}], ['simulate', 'waiting-room-delay']):\n"
        "    CliRunner().invoke(cli, args)\n"
        "print(any(m.split('.')[0] == 'sklearn' for m in sys.modules), end=' ')\n"
        "CliRunner().invoke(cli, ['analyze', 'waiting-room-delay'])\n"
        "print(any(m.split('.')[0] == 'sklearn' for m in sys.modules))\n")
    env = {"TRAINER_CACHE_DIR": str(tmp_path / "cache"), "TRAINER_DB": str(tmp_path / "db.sqlite"),
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    assert out.stdout.strip() == "False True"
