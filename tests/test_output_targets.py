"""`-o` never names the database, its -wal, -shm or -journal, or anything else in the data folder (exit 2,
one line, nothing written); `backup` is audited once the copy is whole, and a backup killed with SIGTERM or
SIGINT leaves no temporary copy beside its target."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.site_helpers import BOSS, BOSS_PASS, SAM, as_supervisor, make_site
from trainer.cli import cli


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    as_supervisor(monkeypatch)
    (tmp_path / "out").mkdir(exist_ok=True)
    return path


def _digest(path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


COMMANDS = {
    "report": ["report", "--format", "csv"],
    "export": ["export", "--format", "jsonl"],
    "record": ["record", SAM],
    "backup": ["backup"],
    "graph": ["graph", "surprise-bill"],
    "schema": ["schema"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", ["site.db", "site.db-wal", "site.db-shm", "site.db-journal", "notes.pdf"])
def test_o_onto_the_database_or_its_folder_is_refused_with_one_line(site_db, runner, tmp_path, command, name):
    sqlite3.connect(site_db).execute("PRAGMA journal_mode = WAL").close()
    target = tmp_path / name
    if name == "site.db-journal":
        target.write_bytes(b"journal")
    if name.endswith(("-wal", "-shm")) and not target.exists():
        target.write_bytes(b"sidecar")
    before = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()}
    args = COMMANDS[command] + ["-o", str(target)]
    result = runner.invoke(cli, ["--db", str(site_db), *args])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert str(target) in result.output and ("database" in result.output or "data folder" in result.output)
    after = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # nothing written, nothing replaced


def test_a_link_to_the_database_from_elsewhere_is_refused(site_db, runner, tmp_path):
    link = tmp_path / "out" / "copy.csv"
    link.symlink_to(site_db)
    before = _digest(site_db)
    result = runner.invoke(cli, ["--db", str(site_db), "export", "--format", "csv", "-o", str(link)])
    assert result.exit_code == 2 and "the database itself" in result.output
    assert _digest(site_db) == before


def test_the_default_database_and_the_user_data_folder_are_refused(runner, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir(exist_ok=True)
    data = tmp_path / "home" / "trainer"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(data))
    monkeypatch.delenv("TRAINER_DB")
    result = runner.invoke(cli, ["schema", "-o", str(data / "progress.db")])
    assert result.exit_code == 2 and "the database itself" in result.output
    result = runner.invoke(cli, ["schema", "-o", str(data / "sub" / "schema.json")])
    assert result.exit_code == 2 and "data folder" in result.output
    assert runner.invoke(cli, ["schema", "-o", str(tmp_path / "out" / "schema.json")]).exit_code == 0


def _backup_rows(db) -> int:
    return sqlite3.connect(db).execute("SELECT count(*) FROM audit WHERE action = 'backup'").fetchone()[0]


def test_a_backup_is_audited_after_it_is_written_not_before(site_db, runner, tmp_path):
    failed = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(tmp_path / "out" / "gone" / "c.db")])
    assert failed.exit_code == 1 and _backup_rows(site_db) == 0  # not written, so not audited
    done = runner.invoke(cli, ["--db", str(site_db), "backup", "-o", str(tmp_path / "out" / "c.db")])
    assert done.exit_code == 0 and _backup_rows(site_db) == 1


KILLED_DURING_COPY = """
import os, signal, sys
real_fsync, signum = os.fsync, getattr(signal, sys.argv[1])
def fsync_then_killed(fd):  # the copy is on disk, not yet renamed over the target: the signal lands here
    real_fsync(fd)
    os.kill(os.getpid(), signum)
os.fsync = fsync_then_killed
sys.argv = ["trainer", "--db", sys.argv[2], "backup", "-o", sys.argv[3]]
from trainer.cli import main
main()
"""


@pytest.mark.parametrize("signame, code", [("SIGTERM", 128 + signal.SIGTERM), ("SIGINT", 1)])  # 1: click's "Aborted!"
def test_a_killed_backup_leaves_no_temporary_copy_and_no_audit_row(site_db, tmp_path, signame, code):
    out = tmp_path / "out" / "nightly.db"
    out.write_bytes(b"yesterday's backup")
    env = {**os.environ, "TRAINER_SUPERVISOR": BOSS, "TRAINER_PASSPHRASE": BOSS_PASS}
    result = subprocess.run([sys.executable, "-c", KILLED_DURING_COPY, signame, str(site_db), str(out)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["nightly.db"]  # no temporary copy left beside it
    assert out.read_bytes() == b"yesterday's backup"
    assert _backup_rows(site_db) == 0
