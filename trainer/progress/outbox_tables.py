"""The xAPI outbox's tables and every read and write of them.

Why here and not in trainer.outbox: a fact and the statements that report it must land in one
transaction, and the SQL for both belongs with the store. The statements themselves are built by
trainer.outbox, which registers its builder with `use_statements` when imported; this package never
imports it (no cycle). The store hands the builder the records it has just written (an `Attempt`, a
`StoredChoice`, the skills it scored) instead of the builder re-reading them.

Only a site database has an outbox to fill (its IRI names the actors and activities): on a personal
database nothing here runs. A site database written without a builder registered is refused loudly
(the write rolls back) rather than silently missing statements."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator, Protocol

from trainer.progress import attempts as attempt_queries
from trainer.progress.dbfile import SITE_IRI_KEY, StoreError
from trainer.progress.records import ATTEMPT_COLUMNS, Attempt, StoredChoice

XAPI_NAMES_KEY = "xapi_names"

# A version 4 UUID made by SQLite itself, so a trigger can give every new trainee one.
SQL_UUID4 = ("lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||"
             " substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||"
             " substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))")

SCHEMA = (
    """CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        statement_id TEXT NOT NULL UNIQUE,
        attempt_id TEXT,
        verb TEXT NOT NULL,
        statement TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'parked')),
        created_at TEXT NOT NULL,
        sent_at TEXT,
        reason TEXT
    )""",
    "CREATE INDEX idx_outbox_state ON outbox(state, seq)",
    """CREATE TABLE xapi_agents (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    )""",
    f"""CREATE TRIGGER trainees_xapi_agent AFTER INSERT ON trainees BEGIN
        INSERT OR IGNORE INTO xapi_agents (key, name) VALUES ('trainee:' || NEW.id, {SQL_UUID4});
    END""",
    f"INSERT OR IGNORE INTO xapi_agents (key, name) SELECT 'trainee:' || id, {SQL_UUID4} FROM trainees",
)


@dataclass(frozen=True)
class SiteSettings:
    """Where statements come from: the site IRI, and whether actors carry people's names."""
    home: str
    with_names: bool = False


@dataclass(frozen=True)
class Actor:
    """A person as statements name them: the random UUID kept for them, and their name (shown only when
    the site opted in; the builder decides)."""
    account: str
    name: str | None


class StatementBuilder(Protocol):
    """What trainer.outbox provides: statements from the facts, pure (no database)."""

    def answered(self, site: SiteSettings, actor: Actor, attempt: Attempt, choice: StoredChoice) -> dict: ...

    def answered_id(self, attempt_id: str, seq: int) -> str: ...

    def completion(self, site: SiteSettings, actor: Actor, attempt: Attempt, skills: dict[str, float]
                   ) -> list[dict]: ...

    def sign_off(self, site: SiteSettings, supervisor: Actor, attempt: Attempt, signed_off_at: str,
                 number: int = 1) -> dict: ...

    def voiding(self, site: SiteSettings, actor: Actor, voided_id: str, at: str) -> dict: ...


_builder: StatementBuilder | None = None


def use_statements(builder: StatementBuilder) -> None:
    """Register the statement builder (trainer.outbox does, when imported)."""
    global _builder
    _builder = builder


def _statements() -> StatementBuilder:
    if _builder is None:
        raise StoreError("this is a site database and its xAPI outbox cannot be written: the statement "
                         "builder (trainer.outbox) was not loaded; nothing was saved")
    return _builder


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def create_schema(conn) -> None:
    """The outbox table and the pseudonymous account names (migration m006_outbox)."""
    for sql in SCHEMA:
        conn.execute(sql)


# --- reading the facts -----------------------------------------------------------------------------------
# What `site` reads, as two values: selected on their own, or returned by a write with `RETURNING`
# (parameters: SITE_SETTINGS_KEYS), so recording a choice learns in its own UPDATE whether this is a site
SITE_SETTINGS_SQL = ("(SELECT value FROM settings WHERE key = ?), (SELECT value FROM settings WHERE key = ?)")
SITE_SETTINGS_KEYS = (SITE_IRI_KEY, XAPI_NAMES_KEY)


def site(conn) -> SiteSettings | None:
    """The site statements come from, or None on a personal database."""
    return site_from(*conn.execute(f"SELECT {SITE_SETTINGS_SQL}", SITE_SETTINGS_KEYS).fetchone())


def site_from(home: str | None, names: str | None) -> SiteSettings | None:
    """The site from its two settings (as `site` reads them, or a write returns them)."""
    return SiteSettings(home, with_names=names == "1") if home else None


def agent_name(conn, key: str, create: bool = False) -> str:
    """The random UUID that stands for a person in statements ('trainee:ID' or 'supervisor:NAME_KEY')."""
    if create:
        conn.execute(f"INSERT OR IGNORE INTO xapi_agents (key, name) VALUES (?, {SQL_UUID4})", (key,))
    row = conn.execute("SELECT name FROM xapi_agents WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise LookupError(f"no xAPI account for {key}")
    return row[0]


def trainee_actor(conn, trainee_id: int, create: bool = True) -> Actor:
    row = conn.execute("SELECT name FROM trainees WHERE id = ?", (trainee_id,)).fetchone()
    return Actor(agent_name(conn, f"trainee:{trainee_id}", create=create), row[0] if row else None)


def supervisor_actor(conn, name: str) -> Actor:
    key = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return Actor(agent_name(conn, f"supervisor:{key}", create=True), name)


def assessed_skills(conn, attempt_id: str) -> dict[str, float]:
    """Percent per skill this attempt's path tested, by skill name (what `completed` reports)."""
    return dict(conn.execute("SELECT skill, percent FROM attempt_skills WHERE attempt_id = ? AND assessed"
                             " ORDER BY skill", (attempt_id,)))


def attempt_statements(conn, where: SiteSettings, attempt: Attempt, create_agents: bool = False) -> list[dict]:
    """Every statement an attempt's recorded facts give today: its answered choices, then its completion
    (if completed). What the export writes, and what the outbox gets for an attempt recorded before it."""
    build = _statements()
    actor = trainee_actor(conn, attempt.trainee_id, create=create_agents)
    rows = conn.execute(f"SELECT {StoredChoice.SELECT} FROM choices WHERE attempt_id = ? AND undone = 0"
                        " ORDER BY seq", (attempt.id,)).fetchall()
    out = [build.answered(where, actor, attempt, StoredChoice.from_row(r)) for r in rows]
    if attempt.completed:
        out += build.completion(where, actor, attempt, assessed_skills(conn, attempt.id))
    return out


def attempts(conn, since: str | None = None) -> Iterator[Attempt]:
    where, params = ("WHERE started_at >= ?", (since,)) if since else ("", ())
    for row in conn.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts {where} ORDER BY started_at, id",
                            params).fetchall():
        yield Attempt.from_row(row)


def site_of(store) -> SiteSettings | None:
    """The store's site settings for statements, or None on a personal database."""
    return site(store._db.conn)


def export_statements(store, home: str, since: str | None = None, keep: set[str] | None = None) -> list[dict]:
    """xAPI statements for `trainer export --format xapi`: as the outbox builds them, under `home`, of the
    attempts started since `since` (and among `keep`, when given)."""
    conn = store._db.conn
    configured = site(conn)
    where = SiteSettings(home, with_names=bool(configured and configured.with_names))
    out: list[dict] = []
    for attempt in attempts(conn, since):
        if keep is None or attempt.id in keep:
            out += attempt_statements(conn, where, attempt)
    return out


# --- writing the outbox ----------------------------------------------------------------------------------
def enqueue(conn, statements: Iterable[dict], attempt_id: str | None) -> None:
    stamp = _now()
    conn.executemany(
        "INSERT OR IGNORE INTO outbox (statement_id, attempt_id, verb, statement, created_at) VALUES (?, ?, ?, ?, ?)",
        [(s["id"], attempt_id, s["verb"]["display"]["en-US"], json.dumps(s, ensure_ascii=False, sort_keys=True),
          stamp) for s in statements])


# --- called by the store inside a fact's own transaction, with the facts it has just written -------------
def on_choice(conn, attempt: Attempt, choice: StoredChoice, where: SiteSettings | None = None) -> None:
    """A choice was recorded: its `answered` statement (`where`: the site, when the caller has read it)."""
    where = where or site(conn)
    if where is None:
        return
    build = _statements()
    enqueue(conn, [build.answered(where, trainee_actor(conn, attempt.trainee_id), attempt, choice)], attempt.id)


def on_undo(conn, attempt_id: str, seq: int) -> None:
    """A practice choice was taken back: its `answered` statement is voided (sent or not, the voiding
    statement follows it in order, so the LRS never counts a choice the trainee took back)."""
    where = site(conn)
    if where is None:
        return
    build = _statements()
    answered = build.answered_id(attempt_id, seq)
    if conn.execute("SELECT 1 FROM outbox WHERE statement_id = ?", (answered,)).fetchone() is None:
        return
    attempt = attempt_queries.attempt(conn, attempt_id)
    enqueue(conn, [build.voiding(where, trainee_actor(conn, attempt.trainee_id), answered, _now())], attempt_id)


def on_finish(conn, attempt: Attempt, skills: dict[str, float]) -> None:
    """An attempt was completed (`attempt` as now stored, `skills` the assessed percents just written):
    `completed`, then `passed` or `failed`, with the score."""
    where = site(conn)
    if where is None or not attempt.completed:
        return
    build = _statements()
    enqueue(conn, build.completion(where, trainee_actor(conn, attempt.trainee_id), attempt, skills), attempt.id)


def on_sign_off(conn, attempt: Attempt) -> None:
    """A supervisor signed an attempt off (`attempt` as now stored, with the sign-off)."""
    where = site(conn)
    if where is None or not attempt.signed_off_by:
        return
    build = _statements()
    number = 1 + conn.execute("SELECT count(*) FROM outbox WHERE attempt_id = ? AND verb = 'signed off'",
                              (attempt.id,)).fetchone()[0]
    enqueue(conn, [build.sign_off(where, supervisor_actor(conn, attempt.signed_off_by), attempt,
                                  attempt.signed_off_at, number)], attempt.id)


def on_withdraw(conn, attempt: Attempt, supervisor: str) -> None:
    """A sign-off was withdrawn (`attempt` as stored before it forgets the sign-off): a statement voiding it."""
    where = site(conn)
    if where is None or not attempt.signed_off_by:
        return
    row = conn.execute("SELECT statement_id FROM outbox WHERE attempt_id = ? AND verb = 'signed off'"
                       " ORDER BY seq DESC LIMIT 1", (attempt.id,)).fetchone()
    if row is None:
        return
    enqueue(conn, [_statements().voiding(where, supervisor_actor(conn, supervisor), row[0], _now())], attempt.id)


def backfill(conn) -> int:
    """Enqueue the statements of attempts recorded before the outbox existed (migration m006_outbox),
    in the order they happened; returns how many. Sign-offs in force are included."""
    where = site(conn)
    if where is None:
        return 0
    count = 0
    for attempt in attempts(conn):
        found = attempt_statements(conn, where, attempt, create_agents=True)
        if attempt.signed_off_by and attempt.signed_off_at:
            found.append(_statements().sign_off(where, supervisor_actor(conn, attempt.signed_off_by), attempt,
                                                attempt.signed_off_at))
        enqueue(conn, found, attempt.id)
        count += len(found)
    return count


# --- delivering: what trainer.outbox.sync reads and marks ------------------------------------------------
@dataclass(frozen=True)
class PendingReason:
    reason: str
    count: int


@dataclass(frozen=True)
class ParkedStatement:
    statement_id: str
    attempt_id: str | None
    verb: str
    reason: str | None
    parked_at: str | None


@dataclass(frozen=True)
class OutboxStatus:
    """Counts by state, why statements are still pending, and the parked ones (`trainer sync --status`)."""
    pending: int
    sent: int
    parked: int
    last_sent_at: str | None
    pending_reasons: list[PendingReason]
    parked_statements: list[ParkedStatement]


def status(store) -> OutboxStatus:
    conn = store._db.conn
    counts = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
    waiting = [PendingReason(*r) for r in conn.execute(
        "SELECT reason, count(*) FROM outbox WHERE state = 'pending' AND reason IS NOT NULL GROUP BY reason"
        " ORDER BY min(seq)")]
    parked = [ParkedStatement(*r) for r in conn.execute(
        "SELECT statement_id, attempt_id, verb, reason, sent_at FROM outbox WHERE state = 'parked' ORDER BY seq")]
    last = conn.execute("SELECT max(sent_at) FROM outbox WHERE state = 'sent'").fetchone()[0]
    return OutboxStatus(counts.get("pending", 0), counts.get("sent", 0), counts.get("parked", 0), last, waiting,
                        parked)


def pending(store, after: int, limit: int) -> list[tuple[int, dict]]:
    """Up to `limit` pending statements after outbox row `after`, in order: (row, statement)."""
    rows = store._db.conn.execute("SELECT seq, statement FROM outbox WHERE state = 'pending' AND seq > ?"
                                  " ORDER BY seq LIMIT ?", (after, limit)).fetchall()
    return [(seq, json.loads(text)) for seq, text in rows]


def pending_count(store) -> int:
    return store._db.conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]


def mark(store, seqs: list[int], state: str, reason: str | None = None) -> None:
    """Pending statements delivered ('sent') or refused ('parked', with the LRS's reason)."""
    with store.write() as db:
        db.conn.executemany("UPDATE outbox SET state = ?, sent_at = ?, reason = ? WHERE seq = ? AND state = 'pending'",
                            [(state, _now(), reason, s) for s in seqs])


def keep_pending(store, seqs: list[int], reason: str) -> None:
    """Still pending, with the reason the last try did not deliver them."""
    with store.write() as db:
        db.conn.executemany("UPDATE outbox SET reason = ? WHERE seq = ? AND state = 'pending'",
                            [(reason, s) for s in seqs])


def retry_parked(store) -> int:
    """Put parked statements back in the queue; returns how many."""
    with store.write() as db:
        return db.conn.execute("UPDATE outbox SET state = 'pending', reason = NULL, sent_at = NULL"
                               " WHERE state = 'parked'").rowcount
