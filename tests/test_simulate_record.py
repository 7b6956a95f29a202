"""`simulate --record` on a site database: only the trainee's own sign-in, only practice, only the site's
scenarios; a personal database records as before."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.site_helpers import ANA, SAM, SAM_PASS, make_site
from trainer.cli import cli
from trainer.progress.store import Store

BEST = ["simulate", "minimal", "--choose", "help", "--record", "--format", "json"]


@pytest.fixture
def site(tmp_path, runner, monkeypatch, fast_hashing):
    folder = tmp_path / "site-scenarios"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal.yaml", folder / "minimal.yaml")
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db, [folder])
    return db, folder


def attempts(db) -> list[tuple]:
    store = Store.open(db)
    rows = store._db.execute("SELECT t.name, a.mode, a.scenario_id FROM attempts a JOIN trainees t"
                             " ON t.id = a.trainee_id").fetchall()
    store.close()
    return rows


def as_trainee(monkeypatch, name=SAM, secret=SAM_PASS) -> None:
    monkeypatch.setenv("TRAINER_TRAINEE", name)
    monkeypatch.setenv("TRAINER_PASSPHRASE", secret)


def test_recording_on_a_site_needs_the_trainees_own_sign_in(runner, site):
    db, folder = site
    for extra in ([], ["--trainee", SAM]):
        result = runner.invoke(cli, ["--db", str(db), "--scenarios", str(folder), *BEST, *extra])
        assert result.exit_code == 2 and "needs your own sign-in" in result.output
    assert attempts(db) == []


def test_a_wrong_passphrase_or_another_trainees_name_records_nothing(runner, site, monkeypatch):
    db, folder = site
    as_trainee(monkeypatch, ANA, SAM_PASS)
    result = runner.invoke(cli, ["--db", str(db), "--scenarios", str(folder), *BEST])
    assert result.exit_code == 2 and "do not match" in result.output
    assert attempts(db) == []


def test_a_signed_in_trainee_records_practice_only(runner, site, monkeypatch):
    db, folder = site
    as_trainee(monkeypatch)
    result = runner.invoke(cli, ["--db", str(db), "--scenarios", str(folder), *BEST])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["attempt_id"]
    assessment = runner.invoke(cli, ["--db", str(db), "--scenarios", str(folder), *BEST, "--mode", "assessment"])
    assert assessment.exit_code == 2 and "assessments are recorded only by the app" in assessment.output
    assert attempts(db) == [(SAM, "practice", "minimal")]


def test_a_scenario_from_outside_the_site_is_never_recorded(runner, site, monkeypatch, tmp_path):
    db, folder = site
    as_trainee(monkeypatch)
    copy = tmp_path / "elsewhere" / "minimal.yaml"
    copy.parent.mkdir()
    copy.write_text((FIXTURES / "minimal.yaml").read_text().replace("Hold on.", "Hold on a moment."))
    by_path = runner.invoke(cli, ["--db", str(db), "simulate", str(copy), "--choose", "help", "--record"])
    assert by_path.exit_code == 2 and "never recorded" in by_path.output
    by_folder = runner.invoke(cli, ["--db", str(db), "--scenarios", str(copy.parent), *BEST])
    assert by_folder.exit_code == 2 and "never recorded" in by_folder.output
    same_file = runner.invoke(cli, ["--db", str(db), "simulate", str(folder / "minimal.yaml"), "--choose", "help",
                                    "--record"])
    assert same_file.exit_code == 0, same_file.output
    assert attempts(db) == [(SAM, "practice", "minimal")]


def test_a_personal_database_records_as_before(runner, tmp_path):
    db = tmp_path / "p.db"
    result = runner.invoke(cli, ["--db", str(db), "simulate", str(FIXTURES / "minimal.yaml"), "--choose", "help",
                                 "--record", "--trainee", "Dana Whitfield"])
    assert result.exit_code == 0, result.output
    assert attempts(db) == [("Dana Whitfield", "assessment", "minimal")]
    missing = runner.invoke(cli, ["--db", str(db), "simulate", str(FIXTURES / "minimal.yaml"), "--record"])
    assert missing.exit_code == 2 and "--record needs --trainee NAME" in missing.output
