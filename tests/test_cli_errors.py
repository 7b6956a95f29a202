"""Clear errors, never a traceback: each case reproduced, then checked for its exit status (docs/cli.md) and
its one-line reason. Run through the real entry point, `trainer.cli.main`, which turns anything
unexpected into exit 3: none of these may get there.

The machine that runs the suite may be root, for whom file permissions do not apply; there a read-only
file and an unreadable folder are simulated by giving the program the exact error the operating system
or SQLite would have given it. As any other user the real permissions are used.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.tui_helpers import FakeClock, scenario_folder
from trainer.cli import main
from trainer.launch import create_app
from trainer.progress.store import Store, StoreError, explain
from trainer.scenario.yamlsrc import MAX_BYTES
from trainer.tui.screens.brief import BriefScreen

ROOT = os.geteuid() == 0
SIZE = (80, 24)


def run_main(monkeypatch, capsys, *args) -> tuple[int, str]:
    """`trainer ARGS` in this process, through the console entry point; (exit status, all output)."""
    monkeypatch.setattr(sys, "argv", ["trainer", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.out + out.err


def assert_one_line(output: str, *needles: str) -> None:
    assert "Traceback" not in output and "unexpected error" not in output
    reason = [line for line in output.splitlines() if line.startswith("Error:") or ": error:" in line]
    assert len(reason) == 1, output
    for needle in needles:
        assert needle in reason[0], output


def future_db(path: Path) -> Path:
    store = Store.open(path)
    with store.write():
        store._db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                          " VALUES ('trainer', 'm999_from_the_future', '2030-01-01')")
    store.close()
    return path


def truncated_db(path: Path) -> Path:
    future_db(path.with_name("whole.db"))
    path.write_bytes(path.with_name("whole.db").read_bytes()[:2000])
    return path


# --- the app, started straight on a brief -----------------------------------------------------------

@pytest.mark.parametrize("problem, says", [
    ("future", "newer version of trainer"),
    ("truncated", "damaged"),
    ("full", "disk holding the progress database is full"),
])
async def test_play_straight_to_a_brief_on_a_database_that_cannot_open_exits_1_with_the_reason(
        tmp_path, monkeypatch, problem, says):
    db = tmp_path / "progress.db"
    if problem == "future":
        future_db(db)
    elif problem == "truncated":
        truncated_db(db)
    else:  # a fresh database on a full disk: SQLite's own "database or disk is full" while creating it
        original = Store._migrate

        def full_disk(self):
            self._db.execute("PRAGMA max_page_count = 1")
            original(self)

        monkeypatch.setattr(Store, "_migrate", full_disk)
    app = create_app(db=db, scenario_dirs=[scenario_folder(tmp_path)], bundled=False, trainee="Sam Rivera",
                     play="spouse-call", clock=FakeClock())
    messages, leave = [], app.exit
    app.exit = lambda *args, **kwargs: (messages.append(str(kwargs.get("message"))), leave(*args, **kwargs))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert len(messages) == 1 and says in messages[0], messages


@pytest.mark.parametrize("problem, says", [("read-only", "read-only"), ("full", "full")])
async def test_an_attempt_that_cannot_start_says_why_and_stays_on_the_brief(tmp_path, monkeypatch, problem, says):
    store = Store.open(tmp_path / "progress.db")
    if problem == "read-only":  # what SQLite says when the file cannot be written: SQLITE_READONLY
        store._db.execute("PRAGMA query_only = ON")
    else:
        def full(*args, **kwargs):
            raise StoreError(explain(sqlite3.OperationalError("database or disk is full"), store.path))

        monkeypatch.setattr(store, "start_attempt", full)
    app = create_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False, trainee=None,
                     play=None, clock=FakeClock())
    app._trainee = store.memory().trainee("Sam Rivera")  # (a trainee row cannot be written either)
    app.trainee_name = "Sam Rivera"
    async with app.run_test(size=SIZE) as pilot:
        app.open_brief("spouse-call")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefScreen)
        messages = [str(n.message) for n in app._notifications]
        assert any("Could not start the attempt" in m and says in m for m in messages), messages
    store._db.execute("PRAGMA query_only = OFF")
    assert store._db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
    store.close()


# --- names, databases and filters on the command line ------------------------------------------------

@pytest.mark.parametrize("name, says", [("", "cannot be empty"), ("a" * 81, "at most 80 characters")])
@pytest.mark.parametrize("where", ["simulate", "play"])
def test_a_bad_trainee_name_is_a_usage_error(monkeypatch, capsys, tmp_path, name, says, where):
    if where == "simulate":
        args = ["simulate", str(FIXTURES / "minimal.yaml"), "--choose", "1", "--record", "--trainee", name]
    else:  # refused before any screen opens
        args = ["--trainee", name, "play", "spouse-wants-results"]
    code, output = run_main(monkeypatch, capsys, "--db", str(tmp_path / "p.db"), *args)
    assert code == 2
    assert_one_line(output, "--trainee", says)


def _read_only(monkeypatch, db: Path) -> None:
    if ROOT:
        real = sqlite3.connect

        def read_only(path, *args, **kwargs):
            return real(f"file:{os.path.abspath(path)}?mode=ro", *args, uri=True, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", read_only)
    else:
        os.chmod(db, 0o444)


def test_a_read_only_database_is_one_line_and_exit_1(monkeypatch, capsys, tmp_path):
    db = tmp_path / "p.db"
    Store.open(db).close()
    _read_only(monkeypatch, db)
    code, output = run_main(monkeypatch, capsys, "--db", str(db), "simulate", str(FIXTURES / "minimal.yaml"),
                            "--choose", "1", "--record", "--trainee", "Sam Rivera")
    assert code == 1
    assert_one_line(output, "read-only")
    code, output = run_main(monkeypatch, capsys, "--db", str(db), "report")  # a report is audited: a write
    assert code == 1
    assert_one_line(output, "read-only")


def test_a_database_in_a_folder_that_cannot_be_read_exits_1(monkeypatch, capsys, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "p.db"
    if ROOT:  # what stat() gives everyone else for a file in a folder without search permission
        real = Path.exists

        def exists(self, *args, **kwargs):
            if folder in self.parents:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "exists", exists)
    else:
        os.chmod(folder, 0)
    try:
        for args in (["report"], ["simulate", str(FIXTURES / "minimal.yaml"), "--record", "--trainee", "Sam"],
                     ["--trainee", "Sam", "play", "spouse-wants-results"]):
            code, output = run_main(monkeypatch, capsys, "--db", str(db), *args)
            assert code == 1, (args, output)
            assert_one_line(output, "Permission denied", str(db))
    finally:
        os.chmod(folder, 0o700)


def test_report_on_an_unknown_scenario_is_a_usage_error_with_a_suggestion(monkeypatch, capsys, tmp_path):
    code, output = run_main(monkeypatch, capsys, "--db", str(tmp_path / "p.db"), "report", "--scenario", "nope")
    assert code == 2
    assert_one_line(output, "no scenario 'nope'")
    code, output = run_main(monkeypatch, capsys, "--db", str(tmp_path / "p.db"), "report",
                            "--scenario", "spouse-wants-result")
    assert code == 2
    assert_one_line(output, "did you mean 'spouse-wants-results'?")


def test_a_scenario_known_only_from_recorded_attempts_can_still_be_reported(monkeypatch, capsys, tmp_path):
    """A scenario since removed from the library keeps its attempts: filtering on it is not an error."""
    db = tmp_path / "p.db"
    code, _ = run_main(monkeypatch, capsys, "--db", str(db), "simulate", str(FIXTURES / "minimal.yaml"),
                       "--choose", "1", "--record", "--trainee", "Sam Rivera", "--mode", "practice")
    assert code == 0
    code, output = run_main(monkeypatch, capsys, "--db", str(db), "report", "--scenario", "minimal")
    assert code == 0 and "minimal" in output


# --- trainer validate and scenario files that are not files -----------------------------------------

def _validate(*paths, timeout: float = 60) -> subprocess.CompletedProcess:
    """In a child process with a time limit: a regression that reads a device must fail, not hang the suite."""
    return subprocess.run([sys.executable, "-m", "trainer", "validate", *map(str, paths)], capture_output=True,
                          text=True, timeout=timeout)


def test_validate_a_folder_without_scenario_files_or_a_folder_named_like_one(tmp_path, monkeypatch, capsys):
    empty, named = tmp_path / "empty", tmp_path / "x.yaml"
    empty.mkdir()
    named.mkdir()
    (empty / "notes.txt").write_text("not a scenario")
    for folder in (empty, named):
        code, output = run_main(monkeypatch, capsys, "validate", str(folder))
        assert code == 1
        assert_one_line(output, "no scenario files found")


@pytest.mark.parametrize("kind", ["fifo", "device", "link-to-device"])
def test_a_scenario_path_that_is_not_a_regular_file_is_refused_unread(tmp_path, kind):
    if kind == "fifo":  # nobody writes to it: reading would block for ever
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")  # never ends
    else:
        path = tmp_path / "zero.yaml"
        path.symlink_to("/dev/zero")
    result = _validate(path, timeout=20)
    assert result.returncode == 1
    assert_one_line(result.stdout + result.stderr, "not a regular file")
    simulate = subprocess.run([sys.executable, "-m", "trainer", "simulate", str(path)], capture_output=True,
                              text=True, timeout=20)
    assert simulate.returncode == 1 and "not a regular file" in simulate.stderr


def test_reads_stop_at_the_size_limit(tmp_path, monkeypatch, capsys):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    code, output = run_main(monkeypatch, capsys, "validate", str(big))
    assert code == 1
    assert_one_line(output, "limited to 1,000,000")
    from trainer.scenario.diagnostics import Report
    from trainer.scenario.yamlsrc import read_bytes

    growing = tmp_path / "growing.yaml"  # claims a small size when checked, then has grown
    growing.write_bytes(b"x" * (MAX_BYTES + 10))
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: os.stat_result((*real_stat(p)[:6], 10, *real_stat(p)[7:])))
    report = Report("growing.yaml")
    assert read_bytes(growing, report) is None and "over 1,000,000 bytes" in report.errors[0].message


def test_an_unreadable_scenario_file_is_reported_without_its_contents(tmp_path, monkeypatch, capsys):
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: PATIENT-SSN-123-45-6789\n")
    if ROOT:
        real_open = os.open

        def denied(path, *args, **kwargs):
            if Path(path) == secret:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    else:
        os.chmod(secret, 0)
    code, output = run_main(monkeypatch, capsys, "validate", str(secret))
    assert code == 1
    assert_one_line(output, "cannot read file: Permission denied")
    assert "PATIENT-SSN" not in output


def test_a_file_name_that_is_not_a_valid_id_is_an_error_with_a_fix(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "front desk (v2).yaml"
    bad.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    code, output = run_main(monkeypatch, capsys, "validate", str(bad))
    assert code == 1
    assert_one_line(output, "'front desk (v2)' cannot be a scenario id")
    assert "rename the file, e.g. front-desk-v2.yaml" in output
    code, output = run_main(monkeypatch, capsys, "--scenarios", str(tmp_path), "list", "--format", "json")
    assert code == 0 and "front desk (v2)" not in output
