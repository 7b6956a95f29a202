"""The audit trail's hash chain: what each row's hash covers, and the triggers that keep the table
append-only. Apart from trainer.progress.audit so the schema migration can use it (it imports no store)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

GENESIS = ""  # what the first row chains to
FIELDS = "id, at, actor, action, subject, detail"  # what a row's hash covers, in this order
GUARDS = ("audit_no_update", "audit_no_delete", "audit_needs_hash")  # the triggers create_guards makes


def row_hash(previous: str, row) -> str:
    """The hash a row must carry: over the previous row's hash and this row's id, time, actor, action,
    subject and detail exactly as stored."""
    payload = json.dumps([previous, *row], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def create_guards(conn: sqlite3.Connection) -> None:
    """Triggers that keep the trail append-only and chained, whatever program writes through SQLite."""
    for event in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS audit_no_{event.lower()} BEFORE {event} ON audit BEGIN"
                     " SELECT RAISE(ABORT, 'the audit trail cannot be changed: rows are only ever added'); END")
    conn.execute("CREATE TRIGGER IF NOT EXISTS audit_needs_hash BEFORE INSERT ON audit WHEN NEW.hash IS NULL BEGIN"
                 " SELECT RAISE(ABORT, 'an audit row needs its chain hash (add it with trainer.progress.audit)'); END")


def rechain(conn: sqlite3.Connection) -> None:
    """Give every row its chain hash, oldest first (the migration that adds the chain; before the triggers)."""
    previous = GENESIS
    for row in conn.execute(f"SELECT {FIELDS} FROM audit ORDER BY id").fetchall():
        previous = row_hash(previous, row)
        conn.execute("UPDATE audit SET hash = ? WHERE id = ?", [previous, row[0]])
