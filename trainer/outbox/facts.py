"""Facts to statements to outbox rows. The store calls the `on_*` hooks inside the write transaction of
the fact itself, so a fact and the statements that report it land together or not at all. Only a site
database has an outbox (its IRI names the actors and activities); on a personal database the hooks do
nothing. Also what `trainer export --format xapi` builds its statements with.

Works on the plain sqlite3 connection: this package never imports trainer.progress."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Iterable, Iterator

from trainer.outbox import statements as st

SITE_IRI_KEY = "site_iri"      # the same settings keys as trainer.progress.accounts
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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def create_schema(conn) -> None:
    """The outbox table and the pseudonymous account names (migration m006_outbox)."""
    for sql in SCHEMA:
        conn.execute(sql)


# --- reading the facts ---------------------------------------------------------------------------------
def site(conn, home_page: str | None = None) -> st.Site | None:
    """The site statements come from, or None on a personal database (unless `home_page` is given)."""
    rows = dict(conn.execute("SELECT key, value FROM settings WHERE key IN (?, ?)", (SITE_IRI_KEY, XAPI_NAMES_KEY)))
    home = home_page or rows.get(SITE_IRI_KEY)
    if not home:
        return None
    return st.Site(home, with_names=rows.get(XAPI_NAMES_KEY) == "1")


def agent_name(conn, key: str, create: bool = False) -> str:
    """The random UUID that stands for a person in statements ('trainee:ID' or 'supervisor:NAME_KEY')."""
    if create:
        conn.execute(f"INSERT OR IGNORE INTO xapi_agents (key, name) VALUES (?, {SQL_UUID4})", (key,))
    row = conn.execute("SELECT name FROM xapi_agents WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise LookupError(f"no xAPI account for {key}")
    return row[0]


_ATTEMPT = ("SELECT a.id, a.trainee_id, t.name, a.scenario_id, a.scenario_title, a.scenario_version, a.mode,"
            " a.status, a.started_at, a.finished_at, a.overall, a.passed, a.signed_off_by, a.signed_off_at"
            " FROM attempts a JOIN trainees t ON t.id = a.trainee_id")
_ATTEMPT_KEYS = ("id", "trainee_id", "trainee", "scenario_id", "scenario_title", "scenario_version", "mode",
                 "status", "started_at", "finished_at", "overall", "passed", "signed_off_by", "signed_off_at")
_STEP = ("SELECT seq, node, choice_id, latency, at, points, critical FROM choices"
         " WHERE attempt_id = ? AND undone = 0")


def _attempt(conn, attempt_id: str) -> dict | None:
    row = conn.execute(f"{_ATTEMPT} WHERE a.id = ?", (attempt_id,)).fetchone()
    return dict(zip(_ATTEMPT_KEYS, row)) if row else None


def _step(row) -> dict:
    return {"seq": row[0], "node": row[1], "choice": row[2], "latency": row[3], "at": row[4],
            "points": json.loads(row[5] or "{}"), "critical": row[6]}


def _skills(conn, attempt_id: str) -> dict[str, float]:
    return dict(conn.execute("SELECT skill, percent FROM attempt_skills WHERE attempt_id = ? AND assessed"
                             " ORDER BY skill",
                             (attempt_id,)))


def _trainee_agent(conn, where: st.Site, attempt: dict) -> dict:
    return where.agent(agent_name(conn, f"trainee:{attempt['trainee_id']}", create=True), attempt["trainee"])


def _supervisor_agent(conn, where: st.Site, name: str) -> dict:
    import unicodedata

    key = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return where.agent(agent_name(conn, f"supervisor:{key}", create=True), name)


def attempt_statements(conn, where: st.Site, attempt: dict, create_agents: bool = False) -> list[dict]:
    """Every statement an attempt's recorded facts give today: its answered choices, then its completion
    (if completed). What the export writes, and what the outbox gets for an attempt recorded before it."""
    key = f"trainee:{attempt['trainee_id']}"
    actor = where.agent(agent_name(conn, key, create=create_agents), attempt["trainee"])
    out = [st.answered(where, actor, attempt, _step(r))
           for r in conn.execute(_STEP + " ORDER BY seq", (attempt["id"],))]
    if attempt["status"] == "completed":
        out += st.completion(where, actor, attempt, _skills(conn, attempt["id"]))
    return out


def attempts(conn, since: str | None = None) -> Iterator[dict]:
    where, params = ("WHERE a.started_at >= ?", (since,)) if since else ("", ())
    for row in conn.execute(f"{_ATTEMPT} {where} ORDER BY a.started_at, a.id", params).fetchall():
        yield dict(zip(_ATTEMPT_KEYS, row))


# --- the outbox table ------------------------------------------------------------------------------------
def enqueue(conn, statements: Iterable[dict], attempt_id: str | None) -> None:
    stamp = _now()
    conn.executemany(
        "INSERT OR IGNORE INTO outbox (statement_id, attempt_id, verb, statement, created_at) VALUES (?, ?, ?, ?, ?)",
        [(s["id"], attempt_id, s["verb"]["display"]["en-US"], json.dumps(s, ensure_ascii=False, sort_keys=True),
          stamp) for s in statements])


# --- the hooks the store calls inside a fact's own transaction -------------------------------------------
def on_choice(conn, attempt_id: str, seq: int) -> None:
    """A choice was recorded: its `answered` statement."""
    where = site(conn)
    if where is None:
        return
    attempt = _attempt(conn, attempt_id)
    row = conn.execute(_STEP + " AND seq = ?", (attempt_id, seq)).fetchone()
    if attempt is None or row is None:
        return
    enqueue(conn, [st.answered(where, _trainee_agent(conn, where, attempt), attempt, _step(row))], attempt_id)


def on_undo(conn, attempt_id: str, seq: int) -> None:
    """A practice choice was taken back: its `answered` statement is voided (sent or not, the voiding
    statement follows it in order, so the LRS never counts a choice the trainee took back)."""
    where = site(conn)
    if where is None:
        return
    answered = st.answered_id(attempt_id, seq)
    if conn.execute("SELECT 1 FROM outbox WHERE statement_id = ?", (answered,)).fetchone() is None:
        return
    attempt = _attempt(conn, attempt_id)
    enqueue(conn, [st.voiding(_trainee_agent(conn, where, attempt), answered, _now())], attempt_id)


def on_finish(conn, attempt_id: str) -> None:
    """An attempt was completed: `completed`, then `passed` or `failed`, with the score."""
    where = site(conn)
    if where is None:
        return
    attempt = _attempt(conn, attempt_id)
    if attempt is None or attempt["status"] != "completed":
        return
    enqueue(conn, st.completion(where, _trainee_agent(conn, where, attempt), attempt, _skills(conn, attempt_id)),
            attempt_id)


def on_sign_off(conn, attempt_id: str) -> None:
    """A supervisor signed an attempt off (call after the attempt row says so)."""
    where = site(conn)
    attempt = _attempt(conn, attempt_id) if where else None
    if attempt is None or not attempt["signed_off_by"]:
        return
    agent = _supervisor_agent(conn, where, attempt["signed_off_by"])
    number = 1 + conn.execute("SELECT count(*) FROM outbox WHERE attempt_id = ? AND verb = 'signed off'",
                              (attempt_id,)).fetchone()[0]
    enqueue(conn, [st.sign_off(where, agent, attempt, attempt["signed_off_at"], number)], attempt_id)


def on_withdraw(conn, attempt_id: str, supervisor: str) -> None:
    """A sign-off was withdrawn (call before the attempt row forgets it): a statement voiding it."""
    where = site(conn)
    attempt = _attempt(conn, attempt_id) if where else None
    if attempt is None or not attempt["signed_off_by"]:
        return
    row = conn.execute("SELECT statement_id FROM outbox WHERE attempt_id = ? AND verb = 'signed off'"
                       " ORDER BY seq DESC LIMIT 1", (attempt_id,)).fetchone()
    if row is None:
        return
    voided = row[0]
    enqueue(conn, [st.voiding(_supervisor_agent(conn, where, supervisor), voided, _now())], attempt_id)


def backfill(conn) -> int:
    """Enqueue the statements of attempts recorded before the outbox existed (migration m006_outbox),
    in the order they happened; returns how many. Sign-offs in force are included."""
    where = site(conn)
    if where is None:
        return 0
    count = 0
    for attempt in attempts(conn):
        found = attempt_statements(conn, where, attempt, create_agents=True)
        if attempt["signed_off_by"] and attempt["signed_off_at"]:
            found.append(st.sign_off(where, _supervisor_agent(conn, where, attempt["signed_off_by"]), attempt,
                                     attempt["signed_off_at"]))
        enqueue(conn, found, attempt["id"])
        count += len(found)
    return count
