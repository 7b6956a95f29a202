"""The progress store on real SQLite files: migrations, durability, concurrency, and refusing bad files."""

from __future__ import annotations

import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, doc_example
from trainer.scenario.loader import load_scenario
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store, StoreError


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "spouse-call.yaml"
    path.write_text(doc_example(), encoding="utf-8")
    return path


def test_new_database_is_private_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "progress.db"
    store = Store.open(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.schema_version[:7] == ["m001_initial", "m002_review", "m003_summaries", "m004_accounts", "m007_programme",
                                        "m006_outbox", "m005_attempt_integrity"]  # definition order
    store.close()


def test_v1_database_upgrades_in_place_keeping_every_row(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "progress-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    store = Store.open(path)
    assert store.schema_version[:7] == ["m001_initial", "m002_review", "m003_summaries", "m004_accounts", "m007_programme",
                                        "m006_outbox", "m005_attempt_integrity"]  # definition order
    assert [t.name for t in store.trainees()] == ["Dana Whitfield", "Luis Ortega"]
    assert store._db["attempts"].count == 2 and store._db["choices"].count == 3
    assert store._db["attempt_skills"].count == 2
    row = store.attempt("a1")
    assert (row.overall, row.passed, row.signed_off_by) == (91.7, True, None)
    stats = {r["choice_id"]: r for r in store._db["item_totals"].rows}
    assert stats["hear-him-out"]["picks"] == 1 and stats["hear-him-out"]["points"] == 4
    assert "blame-doctor" not in stats  # picked in an attempt that never finished: no average counts it
    assert [s.choice for s in store.steps("a1")] == ["hear-him-out", "name-and-check"]
    dana = store._db["trainee_totals"].get((1, "practice"))
    assert (dana["attempts"], dana["completed"], dana["passed"], dana["overall_sum"]) == (1, 1, 1, 91.7)
    assert store._db["scenario_totals"].get(("waiting-room-delay", "practice"))["attempts"] == 1
    luis = store._db["trainee_totals"].get((2, "assessment"))
    assert (luis["attempts"], luis["completed"], luis["overall_sum"]) == (1, 0, 0.0)
    assert store.skill_averages(store.find_trainee("dana whitfield"), "practice") == {"empathy": 100.0,
                                                                                      "resolution": 33.3}
    store.close()


def test_non_database_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list: eggs\n")
    before = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(StoreError, match="not a trainer database"):
        Store.open(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not Path(str(path) + "-wal").exists()


def test_foreign_sqlite_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a trainer database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('trainer', 'm999_future', 'x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer version of trainer"):
        Store.open(path)
    assert path.read_bytes() == before


def test_cli_reports_bad_database_in_one_line(runner, tmp_path):
    from trainer.cli import cli

    path = tmp_path / "notes.db"
    path.write_text("not a database")
    result = runner.invoke(cli, ["--db", str(path), "simulate", str(FIXTURES / "minimal.yaml"), "--choose", "1",
                                 "--record", "--trainee", "Sam"])
    assert result.exit_code == 1
    assert "not a trainer database" in result.output and "Traceback" not in result.output


def test_every_choice_is_committed_as_it_is_made(tmp_path, scenario_file):
    store = Store.open(tmp_path / "p.db")
    attempt = RecordedAttempt.start(store, store.trainee("Kim"), load_scenario(scenario_file), "practice")
    attempt.choose(1)
    other = sqlite3.connect(tmp_path / "p.db")  # a second connection sees it at once
    assert other.execute("SELECT choice_id FROM choices").fetchall() == [("warm-opening",)]
    other.close()
    store.close()


def test_trainee_names_are_case_insensitive_and_trimmed(tmp_path):
    store = Store.open(tmp_path / "p.db")
    a = store.trainee("  Jo   Park ")
    assert store.trainee("jo park") == a and a.name == "Jo Park"
    with pytest.raises(StoreError):
        store.trainee("   ")
    store.close()


def _worker(db: Path, scenario: Path, trainee: str, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.store_worker", str(db), str(scenario), trainee, str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_process_loses_no_committed_choice_and_attempt_resumes(tmp_path, scenario_file):
    db = tmp_path / "p.db"
    Store.open(db).close()
    proc = _worker(db, scenario_file, "Killed Kay", 0)
    attempt_id = proc.stdout.readline().split()[1]
    committed = 0
    while committed < 25:
        committed = int(proc.stdout.readline().split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = Store.open(db)
    steps = store.steps(attempt_id)
    assert len(steps) >= committed  # everything reported as committed is there (one more may have landed)
    assert [s.seq for s in steps] == list(range(1, len(steps) + 1))
    assert store.attempt(attempt_id).choices == len(steps)
    resumed = RecordedAttempt.resume(store, attempt_id, load_scenario(scenario_file))
    assert resumed.session.state == "not-on-file" and len(resumed.session.transcript) == len(steps)
    resumed.choose("offer-route")
    assert store.attempt(attempt_id).status == "completed"
    store.close()


def test_eight_processes_recording_at_once_lose_nothing(tmp_path, scenario_file):
    db = tmp_path / "shared.db"
    procs = [_worker(db, scenario_file, f"Trainee {i}", 300) for i in range(8)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "locked" not in err
    store = Store.open(db)
    assert store._db["choices"].count == 2400
    per_attempt = store._db.execute("SELECT count(*), max(seq) FROM choices GROUP BY attempt_id").fetchall()
    assert per_attempt == [(300, 300)] * 8
    assert store._db.execute("SELECT sum(choices) FROM attempts").fetchone()[0] == 2400
    assert store._db.execute("SELECT sum(attempts), sum(completed) FROM trainee_totals").fetchone() == (8, 0)
    store.close()
