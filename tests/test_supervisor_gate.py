"""The supervisor gate on report, export and account commands: exit 2 and not one trainee's data without a
sign-in or with a wrong one; TRAINER_SUPERVISOR/TRAINER_PASSPHRASE for scheduled jobs; a personal database
with a passphrase gets the same gate; a locked-out command exits non-zero; exports are audited."""

from __future__ import annotations

import pytest

from tests.recorded import recorded_store
from tests.site_helpers import ANA, BOSS, BOSS_PASS, IRI, SAM, SAM_PASS, as_supervisor, make_site
from trainer.cli import cli
from trainer.progress import audit, passphrase
from trainer.progress.store import Store

COMMANDS = [["report"], ["report", "--format", "json"], ["export", "--format", "csv"],
            ["export", "--format", "jsonl"], ["export", "--format", "xapi"]]


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    return path


def _no_trainee_data(result) -> None:
    assert SAM not in result.output and ANA not in result.output and "Dana" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args", COMMANDS)
def test_refused_without_a_sign_in_on_a_site(runner, site_db, args):
    result = runner.invoke(cli, ["--db", str(site_db), *args])
    assert result.exit_code == 2 and "needs a supervisor sign-in" in result.output
    _no_trainee_data(result)


@pytest.mark.parametrize("args", COMMANDS)
def test_refused_with_a_wrong_passphrase_or_a_trainee_account(runner, site_db, monkeypatch, args):
    as_supervisor(monkeypatch, BOSS, "not the passphrase")
    wrong = runner.invoke(cli, ["--db", str(site_db), *args])
    assert wrong.exit_code == 2 and "do not match an account" in wrong.output
    _no_trainee_data(wrong)
    as_supervisor(monkeypatch, SAM, SAM_PASS)
    trainee = runner.invoke(cli, ["--db", str(site_db), *args])
    assert trainee.exit_code == 2 and "not a supervisor account" in trainee.output


def test_a_supervisor_from_the_environment_gets_the_report_and_the_export_is_audited(runner, site_db, monkeypatch,
                                                                                     tmp_path):
    as_supervisor(monkeypatch, "morgan LEE", BOSS_PASS)
    report = runner.invoke(cli, ["--db", str(site_db), "report", "--format", "json"])
    assert report.exit_code == 0 and SAM in report.output
    out = tmp_path / "out" / "x.json"
    export = runner.invoke(cli, ["--db", str(site_db), "export", "--format", "xapi", "-o", str(out)])
    assert export.exit_code == 0, export.output
    trail = [(e["actor"], e["action"], e["subject"]) for e in audit.entries(Store.open(site_db))
             if e["action"] != "sign-in"][-2:]
    assert trail == [(BOSS, "report", "json"), (BOSS, "export", "xapi")]


def test_the_site_iri_identifies_the_site_in_xapi_exports(runner, site_db, monkeypatch, tmp_path):
    from tests.conftest import FIXTURES
    from trainer.play.recording import RecordedAttempt
    from trainer.scenario.loader import load_scenario

    store = Store.open(site_db)
    attempt = RecordedAttempt.start(store, store.find_trainee(SAM), load_scenario(FIXTURES / "minimal.yaml"), "practice")
    attempt.choose("help")
    store.close()
    as_supervisor(monkeypatch)
    result = runner.invoke(cli, ["--db", str(site_db), "export", "--format", "xapi"])
    assert f'"homePage": "{IRI}"' in result.output and "example.org" not in result.output


def test_the_lockout_reaches_the_command_and_it_exits_non_zero(runner, site_db, monkeypatch):
    as_supervisor(monkeypatch, BOSS, "wrong wrong wrong")
    for _ in range(5):
        assert runner.invoke(cli, ["--db", str(site_db), "report"]).exit_code == 2
    as_supervisor(monkeypatch)
    locked = runner.invoke(cli, ["--db", str(site_db), "report"])
    assert locked.exit_code == 2 and "too many wrong passphrases in a row; try again in" in locked.output
    _no_trainee_data(locked)


def test_a_personal_database_with_a_passphrase_gets_the_same_gate(runner, tmp_path, monkeypatch, fast_hashing):
    store = recorded_store(tmp_path)
    db = str(store.path)
    open_report = runner.invoke(cli, ["--db", db, "report"])
    assert open_report.exit_code == 0 and "Dana" in open_report.output  # no passphrase set: the file owner is trusted
    passphrase.set_passphrase(store, "correct horse battery")
    store.close()
    for args in COMMANDS:
        refused = runner.invoke(cli, ["--db", db, *args])
        assert refused.exit_code == 2 and "needs the supervisor passphrase" in refused.output
        _no_trainee_data(refused)
    monkeypatch.setenv("TRAINER_PASSPHRASE", "wrong horse")
    wrong = runner.invoke(cli, ["--db", db, "export", "--format", "csv"])
    assert wrong.exit_code == 2 and "not the supervisor passphrase" in wrong.output
    monkeypatch.setenv("TRAINER_PASSPHRASE", "correct horse battery")
    assert "Dana" in runner.invoke(cli, ["--db", db, "export", "--format", "csv"]).output


def test_the_interactive_prompt_signs_in_without_echoing(runner, site_db, monkeypatch):
    monkeypatch.setattr("trainer.cli.gate.interactive", lambda: True)
    result = runner.invoke(cli, ["--db", str(site_db), "report"], input=f"{BOSS}\n{BOSS_PASS}\n")
    assert result.exit_code == 0 and "Supervisor name" in result.output and BOSS_PASS not in result.output


def test_set_passphrase_is_for_personal_databases(runner, site_db):
    result = runner.invoke(cli, ["--db", str(site_db), "supervisor", "set-passphrase"])
    assert result.exit_code == 1 and "site database" in result.output
