"""The audit trail cannot be changed through the app, and a change made to the file by other means is
found: each row chains a hash of the one before; `trainer audit` lists the trail and `--verify` names
the first row that does not match (exit 1)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlite_utils import Database

from tests.site_helpers import BOSS, BOSS_PASS, IRI, SAM, SAM_PASS, as_supervisor
from trainer.cli import cli
from trainer.progress import accounts, audit
from trainer.progress.migrations import migrations
from trainer.progress.store import Store, StoreError



def chain_migration() -> str:
    """The migration that adds the chain (its number may change when branches are merged)."""
    return next(m.name for m in migrations._migrations if "audit_chain" in m.name)


@pytest.fixture
def db(tmp_path, fast_hashing, monkeypatch):
    monkeypatch.delenv("TRAINER_CLIENT_ADDRESS", raising=False)
    path = tmp_path / "site.db"
    store = Store.open(path)
    accounts.init_site(store, BOSS, IRI, [], BOSS_PASS)
    accounts.add_account(store, SAM, "trainee", SAM_PASS, BOSS)
    accounts.rename(store, SAM, "Samuel Rivera", BOSS)
    audit.log(store, BOSS, "export", "csv", since=None)
    store.close()
    return path


def _tamper(path, *statements) -> None:
    """What someone with write access to the file could do with the sqlite3 shell: drop the guards, edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for sql in statements:
        conn.execute(sql)
    from trainer.progress.chain import create_guards

    create_guards(conn)  # put back, so only the chain can tell
    conn.commit()
    conn.close()


def _verdict(path):
    store = Store.open(path)
    try:
        return audit.verify(store)
    finally:
        store.close()


def test_the_app_cannot_change_or_remove_an_audit_row(db):
    store = Store.open(db)
    for sql in ("UPDATE audit SET actor = 'Someone Else' WHERE id = 1", "DELETE FROM audit WHERE id = 2",
                "INSERT INTO audit (at, actor, action) VALUES ('2026-01-01', 'x', 'forged')"):
        with pytest.raises(StoreError):
            with store.write():
                store._db.execute(sql)
    assert audit.verify(store).intact and audit.entries(store)[0]["actor"] == BOSS
    store.close()


def test_an_entry_is_added_only_inside_a_write_transaction(db):
    store = Store.open(db)
    with pytest.raises(StoreError, match="write transaction"):
        audit.record(store, BOSS, "note", "x")
    audit.log(store, BOSS, "note", "x")
    assert audit.verify(store).intact
    store.close()


def test_an_intact_trail_verifies_and_each_row_chains_the_one_before(db):
    verdict = _verdict(db)
    assert verdict.intact and verdict.rows == 5 and verdict.head_id == 5 and len(verdict.head_hash) == 64
    store = Store.open(db)
    rows = audit.entries(store)
    store.close()
    assert len({r["hash"] for r in rows}) == len(rows)


@pytest.mark.parametrize("statements, first_bad", [
    (["UPDATE audit SET actor = 'Someone Else' WHERE id = 3"], 3),
    (["UPDATE audit SET detail = '{\"role\": \"trainee\", \"groups\": []}' WHERE id = 2"], 2),
    (["DELETE FROM audit WHERE id = 3"], 4),  # a row removed: the next one no longer chains
    (["DELETE FROM audit WHERE id = 1"], 2),
    (["UPDATE audit SET hash = NULL WHERE id = 4"], 4),
    (["UPDATE audit SET at = '2020-01-01T00:00:00.000+00:00' WHERE id = 5"], 5),
])
def test_a_change_made_outside_the_app_is_found_at_the_first_row_that_does_not_match(db, statements, first_bad):
    _tamper(db, *statements)
    verdict = _verdict(db)
    assert not verdict.intact and verdict.broken_id == first_bad


def test_a_row_slipped_in_with_a_made_up_hash_is_found(db):
    _tamper(db, "INSERT INTO audit (id, at, actor, action, subject, hash) VALUES "
                f"(100, '2026-01-01T00:00:00.000+00:00', 'Mallory', 'sign-off', 'x', '{'0' * 64}')")
    assert _verdict(db).broken_id == 100


def test_a_removed_guard_is_reported(db):
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.commit()
    conn.close()
    verdict = _verdict(db)
    assert not verdict.intact and verdict.broken_id is None and verdict.missing_guards == ("audit_no_delete",)


def test_an_older_database_gets_its_existing_rows_chained(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before=chain_migration())
    old.execute("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                ["2026-01-02T09:00:00.000+00:00", "Morgan Lee", "sign-off", "a1", None])
    old.execute("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                ["2026-01-03T09:00:00.000+00:00", "Morgan Lee", "note", "a1", json.dumps({"x": 1})])
    old.execute("INSERT INTO sign_in_failures (subject, failures, last_failure_at) VALUES ('account:1', 9, 1e12)")
    old.conn.commit()
    old.close()
    store = Store.open(path)
    verdict = audit.verify(store)
    assert verdict.intact and verdict.rows == 2
    assert [e["action"] for e in audit.entries(store)] == ["sign-off", "note"]
    assert store._db.execute("SELECT count(*) FROM sign_in_failures").fetchone()[0] == 0  # no lockout carried over
    audit.log(store, "Morgan Lee", "export", "csv")
    assert audit.verify(store).intact and audit.verify(store).rows == 3
    store.close()


# --- the command ----------------------------------------------------------------------------------------
def test_trainer_audit_needs_a_supervisor_sign_in(runner, db, monkeypatch):
    result = runner.invoke(cli, ["--db", str(db), "audit"])
    assert result.exit_code == 2 and "supervisor sign-in" in result.output
    as_supervisor(monkeypatch, "Samuel Rivera", SAM_PASS)
    result = runner.invoke(cli, ["--db", str(db), "audit", "--verify"])
    assert result.exit_code == 2 and "not a supervisor account" in result.output


def test_trainer_audit_lists_the_trail_as_text_and_json(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    monkeypatch.setenv("TRAINER_CLIENT_ADDRESS", "192.0.2.10")
    result = runner.invoke(cli, ["--db", str(db), "audit"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("#1 ") and "site-init" in lines[0]
    assert "account-rename" in result.output and "old=Sam Rivera" in result.output
    assert lines[-1].endswith(f"sign-in  {BOSS}  from=192.0.2.10")  # this command's own sign-in
    result = runner.invoke(cli, ["--db", str(db), "audit", "--format", "json"])
    rows = json.loads(result.output)
    assert rows[0]["action"] == "site-init" and set(rows[0]) >= {"id", "at", "actor", "action", "subject", "detail", "hash"}
    assert rows[-2]["action"] == "audit"  # the first listing was recorded, after it was read
    store = Store.open(db)
    assert audit.verify(store).intact
    store.close()


def test_trainer_audit_since_a_date(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    result = runner.invoke(cli, ["--db", str(db), "audit", "--since", "2999-01-01"])
    assert result.exit_code == 0 and result.output.strip() == "No audit entries since 2999-01-01."
    result = runner.invoke(cli, ["--db", str(db), "audit", "--since", "yesterday"])
    assert result.exit_code == 2 and "2026-11-01" in result.output
    result = runner.invoke(cli, ["--db", str(db), "audit", "--verify", "--since", "2026-01-01"])
    assert result.exit_code == 2 and "whole trail" in result.output


def test_trainer_audit_text_never_passes_a_control_character_through(runner, db, monkeypatch):
    store = Store.open(db)
    audit.log(store, BOSS, "export", "csv", output="/tmp/\x1b]52;c;aGk=\x07report\x1b[2J.csv")
    store.close()
    as_supervisor(monkeypatch)
    monkeypatch.setenv("TRAINER_CLIENT_ADDRESS", "192.0.2.10\x1b[31m")
    result = runner.invoke(cli, ["--db", str(db), "audit"])
    assert result.exit_code == 0 and "report" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    result = runner.invoke(cli, ["--db", str(db), "audit", "--format", "json"])
    assert "\x1b" not in result.output and json.loads(result.output)[5]["detail"]["output"].startswith("/tmp/\x1b")


def test_trainer_audit_verify_prints_the_last_hash_or_names_the_first_bad_row(runner, db, monkeypatch):
    as_supervisor(monkeypatch)
    result = runner.invoke(cli, ["--db", str(db), "audit", "--verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 6 rows" in result.output and "Last row #6, hash " in result.output
    _tamper(db, "UPDATE audit SET actor = 'Someone Else' WHERE id = 3")
    result = runner.invoke(cli, ["--db", str(db), "audit", "--verify"])
    assert result.exit_code == 1
    assert result.output.startswith("Audit row #3 (") and "The 2 rows before it are intact." in result.output
    result = runner.invoke(cli, ["--db", str(db), "audit", "--verify", "--format", "json"])
    found = json.loads(result.output)
    assert result.exit_code == 1 and found["intact"] is False and found["first_mismatch"]["id"] == 3
    assert found["last_good"]["id"] == 2
