"""A site database made through the CLI, as a supervisor would: for the site, gate and sign-in tests."""

from __future__ import annotations

from pathlib import Path

from trainer.cli import cli

IRI = "https://clinic.example/training"
BOSS, BOSS_PASS = "Morgan Lee", "morgans passphrase"
SAM, SAM_PASS = "Sam Rivera", "sams passphrase"
ANA, ANA_PASS = "Ana Costa", "anas passphrase"


def as_supervisor(monkeypatch, name: str = BOSS, secret: str = BOSS_PASS) -> None:
    monkeypatch.setenv("TRAINER_SUPERVISOR", name)
    monkeypatch.setenv("TRAINER_PASSPHRASE", secret)


def make_site(runner, monkeypatch, db: Path, scenario_dirs=()) -> None:
    extra = [arg for d in scenario_dirs for arg in ("--scenarios", str(d))]
    result = runner.invoke(cli, ["--db", str(db), "site", "init", "--supervisor", BOSS, "--site-iri", IRI, *extra,
                                 "--passphrase-stdin"], input=BOSS_PASS + "\n")
    assert result.exit_code == 0, result.output
    with monkeypatch.context() as m:
        as_supervisor(m)
        for name, secret, group in ((SAM, SAM_PASS, "Front desk"), (ANA, ANA_PASS, "Call centre")):
            result = runner.invoke(cli, ["--db", str(db), "trainees", "add", name, "--group", group,
                                         "--passphrase-stdin"], input=secret + "\n")
            assert result.exit_code == 0, result.output
