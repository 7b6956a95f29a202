"""Reliability: hostile and random input never escapes as anything but our error with a location; the
store fails cleanly on a full disk or a read-only location; markup is always shown literally."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Static

from tests.conftest import ROOT, doc_example
from tests.tui_helpers import FakeClock
from trainer.launch import create_app
from trainer.scenario.library import bundled_dir, scenario_files
from trainer.scenario.lint import lint
from trainer.scenario.loader import check_file, check_text
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store, StoreError

LIBRARY_TEXTS = [p.read_text(encoding="utf-8") for p in scenario_files(bundled_dir())]


def assert_clean_outcome(text: str, tmp_path) -> None:
    """Either a scenario, or errors that all carry a location; and lint never crashes either."""
    path = tmp_path / "fuzz.yaml"
    scenario, report = check_text(text, path)
    if scenario is None:
        assert report.errors, "rejected without saying why"
    else:
        lint(scenario, report)
    for d in report.diagnostics:
        assert d.loc.line >= 1 and d.loc.col >= 1 and d.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(json_values)
def test_arbitrary_yaml_documents(tmp_path, value):
    assert_clean_outcome(yaml.safe_dump(value, allow_unicode=True), tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_arbitrary_text(tmp_path, text):
    assert_clean_outcome(text, tmp_path)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(range(len(LIBRARY_TEXTS))), st.lists(
    st.tuples(st.sampled_from(["delete", "duplicate", "swap", "char", "indent", "dedent"]),
              st.integers(0, 10**6), st.integers(0, 10**6), st.characters()), min_size=1, max_size=4))
def test_mutated_real_scenarios(tmp_path, index, mutations):
    lines = LIBRARY_TEXTS[index].splitlines()
    for kind, a, b, ch in mutations:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "char" and lines[i]:
            k = b % len(lines[i])
            lines[i] = lines[i][:k] + ch + lines[i][k + 1:]
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:]
    assert_clean_outcome("\n".join(lines) + "\n", tmp_path)



def test_unpaired_surrogate_in_text_is_an_error_with_a_place(tmp_path):
    """Found by fuzzing: text handed over as a string (a preview, a test) may hold a lone surrogate."""
    scenario, report = check_text('title: "Ana\ud800"\n', tmp_path / "s.yaml")
    assert scenario is None
    assert [(d.loc.line, d.loc.col) for d in report.errors] == [(1, 12)]
    assert "surrogate" in report.errors[0].message

@pytest.mark.parametrize("name,content,expected", [
    ("bomb.yaml", "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")), "alias expansion"),
    ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    ("binary.yaml", bytes(range(256)) * 4, "NUL bytes"),
    ("tags.yaml", "title: !!python/object/new:os.system [echo hacked]\n", "unsupported YAML tag"),
    ("set.yaml", "title: !!set {a, b}\n", "unsupported YAML tag"),
])
def test_hostile_inputs_give_a_clear_error(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    scenario, report = check_file(path)
    assert scenario is None
    assert any(expected in d.message for d in report.errors), [d.format() for d in report.errors]


def test_thirty_megabyte_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.truncate(30 * 1024 * 1024)
    scenario, report = check_file(path)
    assert scenario is None and "limited to 1,000,000" in report.errors[0].message


def test_directory_named_like_a_file_via_cli(runner, tmp_path):
    from trainer.cli import cli

    (tmp_path / "trap.yaml").mkdir()
    result = runner.invoke(cli, ["simulate", str(tmp_path / "trap.yaml"), "--choose", "1"])
    assert result.exit_code == 1 and "this is a folder" in result.output and "Traceback" not in result.output


# --- the store under hostile conditions --------------------------------------------------------------

@pytest.fixture
def spouse(write):
    from trainer.scenario.loader import load_scenario

    return load_scenario(write(doc_example(), "spouse.yaml"))


def test_full_disk_gives_a_clear_error_and_no_partial_write(tmp_path, spouse):
    store = Store.open(tmp_path / "p.db")
    attempt = RecordedAttempt.start(store, store.trainee("Full Disk"), spouse, "practice")
    attempt.choose(1)
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")  # the 'disk' is now full
    big = "x" * 200_000
    before = (store._db["choices"].count, list(store._db["attempts"].rows))
    with pytest.raises(StoreError, match="disk holding the progress database is full"):
        store.add_note(attempt.attempt_id, "sup", big)
    # the disk fills up half-way through saving a choice (after its row, before the attempt's activity):
    # the whole step rolls back, and a choice that cannot be saved is not made
    real_conn = store._db.conn
    calls = []

    class DiskFillsUp:
        """The real connection, except that the attempt's activity update hits a full disk."""

        def __getattr__(self, name):
            return getattr(real_conn, name)

        def execute(self, sql, params=()):
            calls.append(sql)
            if sql.startswith("UPDATE attempts SET choices"):
                raise sqlite3.OperationalError("database or disk is full")
            return real_conn.execute(sql, params)

    store._db.conn = DiskFillsUp()
    with pytest.raises(StoreError, match="full"):
        attempt.choose(1)
    store._db.conn = real_conn
    assert any(c.startswith("INSERT INTO choices") for c in calls)
    assert len(attempt.session.transcript) == 1 and attempt.session.state == "verify"
    assert (store._db["choices"].count, list(store._db["attempts"].rows)) == before
    assert store.attempt(attempt.attempt_id).choices == 1
    store._db.execute("PRAGMA max_page_count = 1073741823")
    attempt.choose(1)  # once there is room again, play goes on
    assert store._db["choices"].count == 2
    store.close()


def test_read_only_location_gives_a_clear_error(tmp_path, monkeypatch):
    import os

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(StoreError, match="cannot create the database .*Permission denied"):
        Store.open(tmp_path / "locked" / "p.db")


def test_read_only_database_file_gives_a_clear_error(tmp_path, spouse):
    path = tmp_path / "p.db"
    Store.open(path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    from sqlite_utils import Database

    store = Store(Database(conn, execute_plugins=False), path)
    with pytest.raises(StoreError, match="read-only"):
        store.trainee("Reader")
    assert store._db["trainees"].count == 0


def test_cli_on_unwritable_db_path(runner, tmp_path):
    from trainer.cli import cli

    folder = tmp_path / "somefile"
    folder.write_text("I am a file, not a folder")
    result = runner.invoke(cli, ["--db", str(folder / "p.db"), "report"])
    assert result.exit_code == 1 and "cannot create the database" in result.output


def test_kill_at_random_points_keeps_every_committed_choice(tmp_path, write):
    path = write(doc_example(), "spouse.yaml")
    db = tmp_path / "p.db"
    Store.open(db).close()
    rng = random.Random(20261126)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-m", "tests.store_worker", str(db), str(path), "Kay", "0"],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
        attempt_id = proc.stdout.readline().split()[1]
        target, committed = rng.randint(1, 60), 0
        while committed < target:
            committed = int(proc.stdout.readline().split()[1])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = Store.open(db)
        steps = store.steps(attempt_id)
        assert len(steps) >= committed and store.attempt(attempt_id).choices == len(steps)
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.close()


# --- markup is data, never instructions ------------------------------------------------------------

async def test_markup_in_scenario_text_and_names_is_literal(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    hostile = (doc_example()
               .replace("title: A caller asking for her husband's results", "title: '[bold red]Alarm[/] [link=x]y[/link]'")
               .replace("name: Priya Raman", "name: '[reverse]Priya[/reverse]'")
               .replace("Are they back?", "Are they [blink]back[/blink]?"))
    (folder / "hostile.yaml").write_text(hostile, encoding="utf-8")
    app = create_app(db=tmp_path / "p.db", scenario_dirs=[folder], bundled=False, trainee="[i]Eve[/i]",
                     clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "[bold red]Alarm[/] [link=x]y[/link]"
        assert "[i]Eve[/i]" in str(app.screen.query_one("#catalogue-title", Static).render())
        await pilot.press("enter", "enter")
        lines = "\n".join(str(w.render()) for w in app.screen.query("#transcript Static"))
        assert "[reverse]Priya[/reverse]: Hi" in lines and "Are they [blink]back[/blink]?" in lines
        name = str(app.screen.query_one("#character-name", Static).render())
        assert name.startswith("[reverse]Priya[/reverse]")
