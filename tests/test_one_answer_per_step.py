"""One writer per attempt: the database allows one answer per step (a unique index, not a check in the
app). A second window that answers a step already answered is told the attempt moved on and carries on
from the step it is really at; resuming any stored attempt, including one an older version let two
windows answer twice, never raises."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from tests.test_tui_flows import SIZE, open_spouse_call
from tests.tui_helpers import make_app, scenario_folder
from trainer.play.engine import compiled_for
from trainer.play.recording import RecordedAttempt
from trainer.progress import migrations as schema
from trainer.progress.store import AttemptMovedOn, Store, StoreError
from trainer.scenario.loader import load_scenario
from trainer.tui.screens.play import PlayScreen

ROOT = Path(__file__).resolve().parent.parent


def spouse(tmp_path):
    return load_scenario(scenario_folder(tmp_path) / "spouse-call.yaml")


def live_steps(store: Store, attempt_id: str) -> list[tuple]:
    return store._db.execute("SELECT step, node, choice_id FROM choices WHERE attempt_id = ? AND undone = 0"
                             " ORDER BY seq", [attempt_id]).fetchall()


def _resume_after(second_store: Store, first: RecordedAttempt, choice: str):
    """The second window resumes the attempt, and the first answers between the second reading the
    answers and taking the attempt over: the interleaving that let both answer one step."""
    claim = second_store.claim

    def claim_late(attempt_id, owner):
        first.choose(choice)
        second_store.claim = claim
        claim(attempt_id, owner)

    second_store.claim = claim_late


def test_a_step_answered_in_another_window_is_refused_and_this_window_catches_up(tmp_path):
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    first_store, second_store = Store.open(db), Store.open(db)
    first = RecordedAttempt.start(first_store, first_store.trainee("Kim"), scenario, "practice")
    first.choose("warm-opening")
    _resume_after(second_store, first, "check-authorisation")
    second = RecordedAttempt.resume(second_store, first.attempt_id, scenario)
    assert second.session.state == "verify"  # it read the answers before the first window's second one
    with pytest.raises(AttemptMovedOn, match="already answered in another window"):
        second.choose("read-results")
    assert second.session.state == "not-on-file"  # now at the step the attempt is really at
    assert [s.choice for s in second.session.transcript] == ["warm-opening", "check-authorisation"]
    second.choose("offer-route")  # and it carries on from there
    assert second.session.finished
    assert live_steps(second_store, first.attempt_id) == [
        (0, "opening", "warm-opening"), (1, "verify", "check-authorisation"), (2, "not-on-file", "offer-route")]
    assert second_store.attempt(first.attempt_id).status == "completed"
    again = RecordedAttempt.resume(second_store, first.attempt_id, scenario)
    assert again.session.finished
    first_store.close()
    second_store.close()


def test_the_database_itself_refuses_a_second_answer_to_a_step(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    attempt = RecordedAttempt.start(store, store.trainee("Kim"), spouse(tmp_path), "practice")
    attempt.choose("warm-opening")
    row = store._db.execute("SELECT * FROM choices").fetchone()
    columns = [d[0] for d in store._db.execute("SELECT * FROM choices").description]
    copy = dict(zip(columns, row), id=None, seq=2)
    with pytest.raises(sqlite3.IntegrityError):  # straight SQL, past every check in the app
        store._db.conn.execute(f"INSERT INTO choices ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})",
                               list(copy.values()))
    store.close()


def test_two_processes_racing_on_one_attempt_never_answer_a_step_twice(tmp_path):
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    store = Store.open(db)
    attempt = RecordedAttempt.start(store, store.trainee("Kim"), scenario, "practice")
    store.close()
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-m", "tests.race_worker", str(db), scenario.path,
                                 attempt.attempt_id, "40", str(go)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    go.touch()
    outcomes = [w.communicate(timeout=300)[0].split() for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert all(len(o) == 40 for o in outcomes)
    assert sum(o.count("saved") for o in outcomes) >= 40  # each round someone answered
    store = Store.open(db)
    steps = live_steps(store, attempt.attempt_id)
    assert [s[0] for s in steps] == list(range(len(steps)))  # every step answered once, in order
    resumed = RecordedAttempt.resume(store, attempt.attempt_id, scenario)  # and it replays as stored
    assert [s.choice for s in resumed.session.transcript] == [s[2] for s in steps]
    store.close()


# --- old data ---------------------------------------------------------------------------------------------

def _old_database(path: Path) -> None:
    """A database as the version before this index left it."""
    before = Migrations(schema.MIGRATION_SET)
    before._migrations = [m for m in schema.migrations._migrations if "one_answer_per_step" not in m.name]
    db = Database(path)
    before.apply(db)
    db.close()


def _insert_old(conn, attempt_id: str, seq: int, step, shown) -> None:
    conn.execute("INSERT INTO choices (attempt_id, seq, node, choice_id, number, text, points, mood_before,"
                 " mood_after, latency, at, critical, timed_out, tags, shown, undone)"
                 " VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, '[]', ?, 0)",
                 (attempt_id, seq, step.node, step.choice, step.number, step.text, step.mood_before,
                  step.mood_after, step.latency, step.at, step.critical, int(step.timed_out), shown))


def test_resuming_an_attempt_with_a_step_answered_twice_by_an_older_version_keeps_the_first(tmp_path):
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    _old_database(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO trainees (id, name, name_key, created_at) VALUES (1, 'Kim', 'kim', '2026-01-01')")
    conn.execute("INSERT INTO attempts (id, trainee_id, scenario_id, scenario_version, content_hash, scenario_title,"
                 " category, mode, started_at, status, choices, last_activity) VALUES ('a1', 1, ?, 1, ?, 't', 'c',"
                 " 'practice', '2026-01-01T00:00:00+00:00', 'in-progress', 4, '2026-01-01T00:00:00+00:00')",
                 (scenario.id, scenario.content_hash))
    first, second = compiled_for(scenario).start(), compiled_for(scenario).start()
    _insert_old(conn, "a1", 1, first.choose("warm-opening"), None)
    second.choose("warm-opening")
    _insert_old(conn, "a1", 2, first.choose("check-authorisation"), None)  # the first window's answer
    _insert_old(conn, "a1", 3, second.choose("open-his-file"), None)  # the same step, answered again
    _insert_old(conn, "a1", 4, second.choose("policy-wall"), None)  # and the second window went on
    conn.commit()
    conn.close()

    store = Store.open(db)  # upgraded: the index holds, rows numbered in the order they were made
    assert live_steps(store, "a1") == [(0, "opening", "warm-opening"), (1, "verify", "check-authorisation"),
                                       (2, "verify", "open-his-file"), (3, "not-on-file", "policy-wall")]
    resumed = RecordedAttempt.resume(store, "a1", scenario)
    assert [s.choice for s in resumed.session.transcript] == ["warm-opening", "check-authorisation"]
    assert resumed.session.state == "not-on-file" and not resumed.session.finished
    kept = store._db.execute("SELECT seq, undone FROM choices WHERE attempt_id = 'a1' ORDER BY seq").fetchall()
    assert kept == [(1, 0), (2, 0), (3, 1), (4, 1)]  # taken back, never deleted
    assert store.attempt("a1").choices == 2
    resumed.choose("offer-route")
    assert resumed.session.finished and store.attempt("a1").status == "completed"
    assert RecordedAttempt.resume(store, "a1", scenario).session.finished
    store.close()


def test_the_upgrade_takes_back_a_second_answer_that_cannot_follow_the_first(tmp_path):
    """The first window's answer moved the mood; the second window's answer to the same step starts from
    the mood before it, so it cannot follow it: the upgrade itself keeps the first and takes the rest back."""
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    _old_database(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO trainees (id, name, name_key, created_at) VALUES (1, 'Kim', 'kim', '2026-01-01')")
    for attempt_id, status in (("open", "in-progress"), ("done", "completed")):
        conn.execute("INSERT INTO attempts (id, trainee_id, scenario_id, scenario_version, content_hash,"
                     " scenario_title, category, mode, started_at, status, choices, last_activity) VALUES (?, 1, ?, 1,"
                     " ?, 't', 'c', 'practice', '2026-01-01T00:00:00+00:00', ?, 3, '2026-01-01T00:00:00+00:00')",
                     (attempt_id, scenario.id, scenario.content_hash, status))
        first, second = compiled_for(scenario).start(), compiled_for(scenario).start()
        _insert_old(conn, attempt_id, 1, first.choose("warm-opening"), None)  # mood +5
        _insert_old(conn, attempt_id, 2, second.choose("confirm-patient"), None)  # the same step, from the old mood
        _insert_old(conn, attempt_id, 3, second.choose("check-authorisation"), None)
    conn.commit()
    conn.close()
    store = Store.open(db)
    rows = store._db.execute("SELECT attempt_id, seq, undone, step FROM choices ORDER BY attempt_id, seq").fetchall()
    assert rows == [("done", 1, 0, 0), ("done", 2, 0, 1), ("done", 3, 0, 2),  # finished: scored as it stands
                    ("open", 1, 0, 0), ("open", 2, 1, None), ("open", 3, 1, None)]
    assert store.attempt("open").choices == 1
    resumed = RecordedAttempt.resume(store, "open", scenario)
    assert [s.choice for s in resumed.session.transcript] == ["warm-opening"] and resumed.session.state == "verify"
    store.close()


def test_a_finished_attempt_that_does_not_replay_is_a_plain_error_not_a_traceback(tmp_path):
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    store = Store.open(db)
    attempt = RecordedAttempt.start(store, store.trainee("Kim"), scenario, "practice")
    for choice in ("warm-opening", "check-authorisation", "offer-route"):
        attempt.choose(choice)
    store._db.conn.execute("UPDATE choices SET choice_id = 'no-such-choice' WHERE seq = 2")
    store._db.conn.commit()
    machine = compiled_for(scenario).machine
    live = len(machine.models)
    with pytest.raises(StoreError, match="no longer replay"):
        RecordedAttempt.resume(store, attempt.attempt_id, scenario)
    assert len(machine.models) == live  # the failed replays left nothing on the shared machine
    store.close()


async def test_the_second_window_is_told_and_shows_the_current_step(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "1")  # practice; the opening answered
        await pilot.press("enter")  # past the coaching: the verify step's choices
        screen = app.screen
        assert isinstance(screen, PlayScreen) and screen.session.state == "verify"
        other = Store.open(tmp_path / "progress.db")  # another window that read the attempt at this step
        row = other.attempt(screen.attempt.attempt_id)
        window = RecordedAttempt.resume(other, row.id, spouse(tmp_path))
        other.claim(row.id, screen.attempt.owner)  # ... before this one took it over: both may write
        window.owner = screen.attempt.owner
        window.choose("check-authorisation")  # and it answers first
        other.close()
        await pilot.press("3")  # this window answers the same step
        await pilot.pause()
        assert app.screen is screen and screen.session.state == "not-on-file"
        assert "moved on" in str(list(app._notifications)[-1].message)
        assert not screen.awaiting_continue
        stored = Store.open(tmp_path / "progress.db")
        assert [s[2] for s in live_steps(stored, row.id)] == ["warm-opening", "check-authorisation"]
        stored.close()
