"""The `trainer` command line: list, validate, simulate, analyze; stable JSON; clear misuse errors."""

from __future__ import annotations

import json
import shutil

from tests.conftest import FIXTURES, doc_example
from trainer import __version__
from trainer.cli import cli


def test_version_and_help(runner):
    assert runner.invoke(cli, ["--version"]).output.strip() == f"trainer, version {__version__}"
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("list", "validate", "simulate", "analyze"):
        assert command in result.output


def test_every_command_has_help(runner):
    for name, command in cli.load_all().items():
        assert command.help, f"{name} has no help"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_list_json_includes_extra_folder(runner, tmp_path):
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "minimal-extra.yaml")
    result = runner.invoke(cli, ["--scenarios", str(tmp_path), "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    row = next(r for r in rows if r["id"] == "minimal-extra")
    assert {k: row[k] for k in ("title", "category", "difficulty", "nodes", "endings")} == {
        "title": "Minimal", "category": "scheduling", "difficulty": "beginner", "nodes": 2, "endings": 2}
    assert row["skills"] == ["empathy", "de-escalation", "privacy", "resolution"]
    assert row["path"].endswith("minimal-extra.yaml")
    assert len(rows) > 1  # the bundled library is there too


def test_scenarios_env_var(runner, tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "minimal.yaml", tmp_path / "from-env.yaml")
    monkeypatch.setenv("TRAINER_SCENARIOS", str(tmp_path))
    rows = json.loads(runner.invoke(cli, ["list", "--format", "json"]).output)
    assert "from-env" in [r["id"] for r in rows]


def test_validate_exit_codes(runner, write):
    good = write(doc_example(), "good.yaml")
    assert runner.invoke(cli, ["validate", str(good)]).exit_code == 0
    broken = write(doc_example().replace("next: verify", "next: verfy").replace("minutes: 6", "minutes: six"),
                   "broken.yaml")
    result = runner.invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if ": error: " in l]
    assert len(lines) == 2  # the two 'next: verfy' (every reference to 'verify') as one, and the minutes, at once
    assert all(l.startswith(f"{broken}:") or "broken.yaml:" in l for l in lines)
    assert "node 'verify' is never referenced; 2 choices go to 'verfy', which does not exist" in result.output
    assert "change 'next:' on lines" in result.output and "to 'verify'" in result.output
    assert runner.invoke(cli, ["validate", "does-not-exist.yaml"]).exit_code == 2


def test_validate_strict_fails_on_warnings(runner, write):
    text = doc_example().replace("        feedback: A warm AIDET opening with your name sets a calm tone before the harder part.\n", "")
    path = write(text, "warn.yaml")
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["validate", "--strict", str(path)])
    assert result.exit_code == 1
    assert "warning: choice 'warm-opening' in node 'opening' has no feedback" in result.output


def test_validate_json(runner, write):
    path = write(doc_example().replace("next: verify", "next: verfy", 1), "j.yaml")
    data = json.loads(runner.invoke(cli, ["validate", "--format", "json", str(path)]).output)
    assert data["errors"] == 1 and data["files"] == 1
    d = data["diagnostics"][0]
    assert (d["severity"], d["line"] > 0, d["col"] > 0) == ("error", True, True)


def test_simulate_json_shape(runner, write):
    path = write(doc_example(), "spouse.yaml")
    result = runner.invoke(cli, ["simulate", str(path), "--choose", "1,check-authorisation,2", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scenario"] == "spouse" and data["finished"] is True
    assert (data["ending"], data["outcome"], data["passed"]) == ("resolved-well", "resolved", True)
    assert set(data["skills"]["privacy"]) >= {"raw", "max", "percent", "passed"}
    assert data["overall"] == 100.0 and data["critical_errors"] == []
    assert [s["choice"] for s in data["transcript"]] == ["warm-opening", "check-authorisation", "offer-route"]


def test_simulate_critical_error_fails(runner, write):
    path = write(doc_example(), "spouse.yaml")
    data = json.loads(runner.invoke(cli, ["simulate", str(path), "--choose", "1,2", "--format", "json"]).output)
    assert data["passed"] is False and data["outcome"] == "failed"
    assert data["critical_errors"] == ["Disclosed results to a caller without identity or authorisation checks."]


def test_simulate_invalid_choice_names_valid_options(runner, write):
    path = write(doc_example(), "spouse.yaml")
    result = runner.invoke(cli, ["simulate", str(path), "--choose", "1,7"])
    assert result.exit_code == 1
    assert "choice 2 ('7') is not available at node 'verify'; valid: 1 (check-authorisation), 2 (read-results)" \
        in result.output
    after_end = runner.invoke(cli, ["simulate", str(path), "--choose", "1,2,1"])
    assert after_end.exit_code == 1 and "after the scenario ended" in after_end.output


def test_simulate_timeout(runner, write):
    path = write(doc_example(), "spouse.yaml")
    data = json.loads(runner.invoke(cli, ["simulate", str(path), "--choose", "1,1,timeout", "--format", "json"]).output)
    assert data["ending"] == "caller-hangs-up" and data["transcript"][-1]["timed_out"] is True


def test_unknown_scenario_is_a_usage_error(runner):
    result = runner.invoke(cli, ["simulate", "no-such-scenario", "--choose", "1"])
    assert result.exit_code == 2
    assert "no scenario 'no-such-scenario'" in result.output
    assert "Traceback" not in result.output


def test_analyze_best_reproduces_with_simulate(runner, write):
    path = write(doc_example(), "spouse.yaml")
    data = json.loads(runner.invoke(cli, ["analyze", str(path), "--format", "json"]).output)
    assert data["best"]["passed"] and not data["worst"]["passed"]
    assert data["pass_with_critical_error"] is False
    assert data["unreachable"] == [] and data["dead_ends"] == []
    assert data["paths"] is None  # the example has a loop
    sim = json.loads(runner.invoke(cli, ["simulate", str(path), "--choose",
                                         ",".join(map(str, data["best"]["choices"])), "--format", "json"]).output)
    assert sim["overall"] == data["best"]["overall"] and sim["ending"] == data["best"]["ending"]


def test_broken_file_given_to_simulate_prints_diagnostics(runner, write):
    path = write("title: [oops\n", "bad.yaml")
    result = runner.invoke(cli, ["simulate", str(path), "--choose", "1"])
    assert result.exit_code == 1 and "bad.yaml:1:8: error: YAML syntax: the '[' here starts a list" in result.output


def test_every_command_is_found_without_loading_the_others_first():
    """`trainer` loads a command's module only when the command is asked for: a command missing from
    COMMAND_MODULES would be unknown to `trainer NAME` in a fresh process, so every module's commands are
    listed there, and a fresh process finds a nested one (trainees accommodate) from its name alone."""
    import importlib
    import pkgutil
    import subprocess
    import sys

    import trainer.cli as package
    from trainer.cli.base import COMMAND_MODULES

    for found in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"trainer.cli.{found.name}")
    assert set(cli.commands) == set(COMMAND_MODULES)
    for first in ("", "import trainer.cli.accounts\n"):  # its group loaded already, by something else
        code = first + "import sys\nfrom trainer.cli import main\nsys.argv = ['trainer', 'trainees', 'accommodate', '--help']\nmain()"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.returncode == 0 and "--extra-time" in out.stdout, out.stderr
