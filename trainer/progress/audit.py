"""The audit trail: every supervisor action (sign-off and its withdrawal, notes, account changes,
exports) and every sign-in, failed sign-in, lockout and sign-out, as who, when, what and from where.

Rows are only ever added. Each row keeps a SHA-256 hash over its own fields and the hash of the row
before it, so a row changed, removed or slipped in by someone who can write the file breaks the chain
from there on (`verify` names the first row that no longer matches); triggers refuse UPDATE and DELETE
on the table, so the app itself cannot change a row either. What the chain cannot show: a trail cut
short at its end, or rewritten whole with every hash recomputed; comparing the last hash with one kept
elsewhere (`trainer audit --verify` prints it) catches both.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from trainer.progress import outbox_tables as outbox
from trainer.progress.chain import FIELDS as _FIELDS, GENESIS, GUARDS, row_hash
from trainer.progress.records import TraineeNote
from trainer.progress.store import Store, StoreError, now_iso

TERMINAL = "terminal"  # also passphrase.TERMINAL (that module does not import this one at load time)
CLIENT_ADDRESS_VARIABLE = "TRAINER_CLIENT_ADDRESS"


def client_address() -> str:
    """Where this process's sign-ins come from: the browser's address as the web server saw it (it passes
    it to each app process in TRAINER_CLIENT_ADDRESS), or "terminal" when there is none."""
    raw = os.environ.get(CLIENT_ADDRESS_VARIABLE, "")
    text = "".join(ch for ch in raw if ch.isprintable() and not ch.isspace())[:100]
    return text or TERMINAL


def record(store: Store, actor: str, action: str, subject: str | None = None, **detail) -> None:
    """Add one entry; call it inside the write transaction of the change it describes, so the change and
    its record land together or not at all (and no other writer can slip a row in between the last
    hash read here and this row)."""
    if not store._db.conn.in_transaction:  # two writers could otherwise chain onto the same row
        raise StoreError("an audit entry must be added inside the write transaction of its change (Store.write)")
    last = store._db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row = ((last[0] + 1) if last else 1, now_iso(), actor, action, subject,
           json.dumps(detail, ensure_ascii=False) if detail else None)
    store._db.execute(f"INSERT INTO audit ({_FIELDS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [*row, row_hash(last[1] if last else GENESIS, row)])


def log(store: Store, actor: str, action: str, subject: str | None = None, **detail) -> None:
    """Record an action that changes nothing else in the database (an export, say)."""
    with store.write():
        record(store, actor, action, subject, **detail)


def entries(store: Store, action: str | None = None, since: str | None = None) -> list[dict]:
    """The trail, oldest first: every row, or one action's, or those from `since` (an ISO date) on."""
    clauses, params = [], []
    if action:
        clauses.append("action = ?")
        params.append(action)
    if since:
        clauses.append("at >= ?")
        params.append(since)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store._db.execute(f"SELECT {_FIELDS}, hash FROM audit {where} ORDER BY id", params)
    return [{"id": r[0], "at": r[1], "actor": r[2], "action": r[3], "subject": r[4],
             "detail": json.loads(r[5]) if r[5] else {}, "hash": r[6]} for r in rows]


def signing_in(store: Store, outcome, name: str | None, address: str, refusal: str | None = None,
               record_success: bool = True, **detail) -> None:
    """Audit one checked sign-in try (a passphrase.Outcome) inside the transaction that settled it: a
    sign-in, or a failure with its reason and any lockout it started, all with where it came from.
    `name` None is a name with no account (the typed name is not kept: it may be a mistyped passphrase);
    `refusal` is why a right passphrase was still refused (a disabled account, the wrong role)."""
    actor = name if name is not None else "(unknown name)"
    where = {"from": address, **detail}
    if outcome.ok and refusal is None:
        if record_success:
            record(store, actor, "sign-in", name, **where)
        return
    reason = refusal or ("wrong passphrase" if name is not None else "unknown name")
    record(store, actor, "sign-in-failed", name, reason=reason, **where)
    for scope, wait in outcome.lockouts:
        record(store, actor, "sign-in-lockout", name, scope=scope, seconds=int(wait + 0.999), **where)


def sign_out(store: Store, name: str, address: str | None = None) -> None:
    """The signed-in person left (quit the app, or closed the browser tab)."""
    log(store, name, "sign-out", name, **{"from": address or client_address()})


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the rows checked, the last good row's id and hash (the head to note down
    elsewhere), and the first row that does not match, if any, with why."""

    rows: int
    head_id: int | None
    head_hash: str | None
    broken_id: int | None = None
    broken_at: str | None = None
    broken_action: str | None = None
    reason: str | None = None
    missing_guards: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.broken_id is None and not self.missing_guards


def verify(store: Store) -> Verdict:
    """Recompute the chain from the first row; stop at the first row whose hash does not match: its own
    fields were changed, or a row before it was changed, removed or slipped in (each row's hash covers
    its id and the hash before it, so a gap or an extra row breaks the next one)."""
    present = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = tuple(g for g in GUARDS if g not in present)
    previous, count, head = GENESIS, 0, None
    for row in store._db.execute(f"SELECT {_FIELDS}, hash FROM audit ORDER BY id"):
        fields, stored = row[:6], row[6]
        if stored != row_hash(previous, fields):
            return Verdict(count, head, previous or None, row[0], row[1], row[3],
                           "no-hash" if stored is None else "mismatch", missing)
        previous, count, head = stored, count + 1, row[0]
    return Verdict(count, head, previous or None, missing_guards=missing)


def can_sign_off(store: Store, attempt_id: str) -> str | None:
    """Why this attempt cannot be signed off, or None if it can."""
    row = store._db.execute("SELECT status, choices, signed_off_by FROM attempts WHERE id = ?", [attempt_id]).fetchone()
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
        store._db.execute("UPDATE attempts SET signed_off_by = ?, signed_off_at = ? WHERE id = ?",
                          [supervisor, now_iso(), attempt_id])
        outbox.on_sign_off(store._db.conn, store.attempt(attempt_id))
        record(store, supervisor, "sign-off", attempt_id)


def withdraw_sign_off(store: Store, attempt_id: str, supervisor: str) -> None:
    """Take a sign-off back: the attempt is no longer signed off, and the audit keeps both events."""
    with store.write():
        row = store._db.execute("SELECT signed_off_by, signed_off_at FROM attempts WHERE id = ?",
                                [attempt_id]).fetchone()
        if row is None or row[0] is None:
            raise StoreError("this attempt is not signed off")
        outbox.on_withdraw(store._db.conn, store.attempt(attempt_id), supervisor)
        store._db.execute("UPDATE attempts SET signed_off_by = NULL, signed_off_at = NULL WHERE id = ?", [attempt_id])
        record(store, supervisor, "withdraw-sign-off", attempt_id, signed_off_by=row[0], signed_off_at=row[1])


def add_note(store: Store, attempt_id: str, author: str, text: str) -> None:
    with store.write():
        store._db["notes"].insert({"attempt_id": attempt_id, "author": author, "text": text, "created_at": now_iso()})
        record(store, author, "note", attempt_id)


def notes_for_trainee(store: Store, trainee_id: int) -> list[TraineeNote]:
    """The notes supervisors left on this trainee's attempts, newest first: what a trainee may read."""
    rows = store._db.execute(
        "SELECT n.created_at, n.author, n.text, a.scenario_title, a.scenario_id, a.id FROM notes n"
        " JOIN attempts a ON a.id = n.attempt_id WHERE a.trainee_id = ? ORDER BY n.id DESC", [trainee_id])
    return [TraineeNote(r[0], r[1], r[2], r[3] or r[4], r[5]) for r in rows]
