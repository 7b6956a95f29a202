"""The audit trail: every supervisor action (sign-off and its withdrawal, notes, account changes,
exports) as who, when and what. Rows are only ever added."""

from __future__ import annotations

import json

from trainer.outbox import facts as outbox
from trainer.progress.store import Store, StoreError, now_iso


def record(store: Store, actor: str, action: str, subject: str | None = None, **detail) -> None:
    """Add one entry; call it inside the write transaction of the change it describes, so the change and
    its record land together or not at all."""
    store.db.execute("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                     [now_iso(), actor, action, subject, json.dumps(detail, ensure_ascii=False) if detail else None])


def log(store: Store, actor: str, action: str, subject: str | None = None, **detail) -> None:
    """Record an action that changes nothing else in the database (an export, say)."""
    with store.write():
        record(store, actor, action, subject, **detail)


def entries(store: Store, action: str | None = None) -> list[dict]:
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    rows = store.db.execute(f"SELECT id, at, actor, action, subject, detail FROM audit {where} ORDER BY id", params)
    return [{"id": r[0], "at": r[1], "actor": r[2], "action": r[3], "subject": r[4],
             "detail": json.loads(r[5]) if r[5] else {}} for r in rows]


def can_sign_off(store: Store, attempt_id: str) -> str | None:
    """Why this attempt cannot be signed off, or None if it can."""
    row = store.db.execute("SELECT status, choices, signed_off_by FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    if row is None:
        return "there is no such attempt"
    status, choices, signed_by = row
    if status == "in-progress":
        return "this attempt is still in progress; it can be signed off once it is finished"
    if not choices:
        return "this attempt has no choices recorded; there is nothing to sign off"
    if signed_by:
        return f"this attempt is already signed off by {signed_by}"
    return None


def sign_off(store: Store, attempt_id: str, supervisor: str) -> None:
    with store.write():
        reason = can_sign_off(store, attempt_id)
        if reason:
            raise StoreError(reason)
        store.db.execute("UPDATE attempts SET signed_off_by = ?, signed_off_at = ? WHERE id = ?",
                         [supervisor, now_iso(), attempt_id])
        outbox.on_sign_off(store.db.conn, attempt_id)
        record(store, supervisor, "sign-off", attempt_id)


def withdraw_sign_off(store: Store, attempt_id: str, supervisor: str) -> None:
    """Take a sign-off back: the attempt is no longer signed off, and the audit keeps both events."""
    with store.write():
        row = store.db.execute("SELECT signed_off_by, signed_off_at FROM attempts WHERE id = ?",
                               [attempt_id]).fetchone()
        if row is None or row[0] is None:
            raise StoreError("this attempt is not signed off")
        outbox.on_withdraw(store.db.conn, attempt_id, supervisor)
        store.db.execute("UPDATE attempts SET signed_off_by = NULL, signed_off_at = NULL WHERE id = ?", [attempt_id])
        record(store, supervisor, "withdraw-sign-off", attempt_id, signed_off_by=row[0], signed_off_at=row[1])


def add_note(store: Store, attempt_id: str, author: str, text: str) -> None:
    with store.write():
        store.db["notes"].insert({"attempt_id": attempt_id, "author": author, "text": text, "created_at": now_iso()})
        record(store, author, "note", attempt_id)


def notes_for_trainee(store: Store, trainee_id: int) -> list[dict]:
    """The notes supervisors left on this trainee's attempts, newest first: what a trainee may read."""
    rows = store.db.execute(
        "SELECT n.created_at, n.author, n.text, a.scenario_title, a.scenario_id, a.id FROM notes n"
        " JOIN attempts a ON a.id = n.attempt_id WHERE a.trainee_id = ? ORDER BY n.id DESC", [trainee_id])
    return [{"at": r[0], "author": r[1], "text": r[2], "scenario": r[3] or r[4], "attempt_id": r[5]} for r in rows]
