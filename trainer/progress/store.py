"""The progress store: every choice committed as it is made, in SQLite through sqlite-utils.

WAL mode and a busy timeout let several trainee processes write to one file; writes take the lock up
front (BEGIN IMMEDIATE) so concurrent writers queue instead of failing. No Textual here.
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from platformdirs import user_data_dir

from trainer.outbox import facts as outbox
from trainer.progress import totals
from trainer.progress.dbfile import (SQLITE_HEADER, StoreError, check_existing_file, create_private,  # noqa: F401
                                     database_exists)

BUSY_TIMEOUT_MS = 30_000




class AttemptElsewhere(StoreError):
    """The attempt was taken over, finished or closed by another window: this one must stop writing."""


class AttemptMovedOn(AttemptElsewhere):
    """The step this window answered was already answered in another window (the database allows one
    answer per step): nothing was saved here, and the attempt carries on from the other window's answer."""


def explain(exc: Exception, path: Path | None) -> str:
    """A sentence a trainee or supervisor can act on, for the SQLite errors people actually meet."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "disk is full" in text or "database or disk is full" in text:
        return f"the disk holding the progress database is full{where}; nothing was saved for this step"
    if "readonly" in text or "read-only" in text:
        return f"the progress database is read-only{where}; nothing was saved for this step"
    if "malformed" in text or "not a database" in text:
        return f"the progress database is damaged{where} ({exc}); restore it from a backup or move it aside"
    if "unable to open" in text:
        return f"the progress database cannot be opened{where}: check the file and its folder can be read and written"
    if "locked" in text or "busy" in text:
        return f"the progress database stayed busy for {BUSY_TIMEOUT_MS // 1000}s{where}; try again"
    return f"the progress database could not be written{where}: {exc}"


def default_db_path() -> Path:
    return Path(user_data_dir("trainer", appauthor=False)) / "progress.db"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Finish:
    """An attempt's result, written in the same transaction as its last choice."""
    ending: str
    outcome: str
    score: object  # scoring.AttemptScore
    at: str


@dataclass(frozen=True)
class Trainee:
    id: int
    name: str


class Store:
    """One connection to the progress database. (sqlite-utils is imported when a store is opened, so
    merely importing this module stays cheap for start-up.)"""

    def __init__(self, db, path: Path | None):
        self.db = db
        self.path = path

    # --- opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None) -> "Store":
        path = Path(path) if path is not None else default_db_path()
        if database_exists(path):
            check_existing_file(path)
        else:
            create_private(path)
        import sqlite3

        from trainer.progress.sqlite_import import database_class

        Database = database_class()

        try:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db = Database(conn, execute_plugins=False)
            cls._check_ours(db, path)
            with db.ensure_autocommit_on():
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            store = cls(db, path)
            store._migrate()
            return store
        except StoreError:
            raise
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the database {path}: {explain(exc, None)}") from exc

    @classmethod
    def memory(cls) -> "Store":
        import sqlite3

        from trainer.progress.sqlite_import import database_class

        Database = database_class()

        conn = sqlite3.connect(":memory:", check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        db.execute("PRAGMA foreign_keys = ON")
        store = cls(db, None)
        store._migrate()
        return store

    @staticmethod
    def _check_ours(db, path: Path) -> None:
        from trainer.progress.migrations import migrations

        tables = set(db.table_names())
        if not tables:
            return
        if "_sqlite_migrations" not in tables or "attempts" not in tables:
            raise StoreError(f"{path} is an SQLite database but not a trainer database; it was left untouched")
        applied = {m.name for m in migrations.applied(db)}
        known = {m.name for m in migrations._migrations}
        if applied - known:
            raise StoreError(f"{path} was written by a newer version of trainer (schema "
                             f"{sorted(applied - known)[-1]}); upgrade trainer to open it. The file was left untouched")

    def _migrate(self) -> None:
        from trainer.progress.migrations import migrations

        if not migrations.pending(self.db):
            return
        with self.write():
            migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator:
        """One write transaction, taking the write lock up front so concurrent writers wait their turn.
        Either all of it lands or none of it does; SQLite failures become a `StoreError` that says why."""
        import sqlite3  # already loaded by open(); imported here so start-up need not load it

        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(explain(exc, self.path)) from exc

    @property
    def schema_version(self) -> list[str]:
        from trainer.progress.migrations import migrations

        return [m.name for m in migrations.applied(self.db)]

    # --- trainees --------------------------------------------------------------------------------
    def trainee(self, name: str) -> Trainee:
        """The trainee with this name (the same person whatever the case; see names.py), created if new."""
        clean = self.clean_name(name)
        row = self._trainee_row(clean)
        if row is None:
            with self.write():
                self.db.execute("INSERT OR IGNORE INTO trainees (name, name_key, created_at) VALUES (?, ?, ?)",
                                [clean, clean.casefold(), now_iso()])
            row = self._trainee_row(clean)
        return Trainee(row[0], row[1])

    def trainee_name(self, trainee_id: int | None) -> str | None:
        """The name of the trainee with this id (None when there is none)."""
        found = self.db.execute("SELECT name FROM trainees WHERE id = ?", [trainee_id]).fetchone()
        return found[0] if found else None

    @staticmethod
    def clean_name(name: str, what: str = "trainee name") -> str:
        from trainer.progress.names import InvalidName, clean_name

        try:
            return clean_name(name, what)
        except InvalidName as exc:
            raise StoreError(str(exc)) from None

    def _trainee_row(self, clean: str):
        return self.db.execute("SELECT id, name FROM trainees WHERE name_key = ?", [clean.casefold()]).fetchone()

    def find_trainee(self, name: str) -> Trainee | None:
        from trainer.progress.names import InvalidName, clean_name

        try:
            row = self._trainee_row(clean_name(name))
        except InvalidName:
            return None
        return Trainee(row[0], row[1]) if row else None

    def trainees(self) -> list[Trainee]:
        return [Trainee(r[0], r[1]) for r in self.db.execute("SELECT id, name FROM trainees ORDER BY name COLLATE NOCASE")]

    # --- attempts ------------------------------------------------------------------------------------
    def start_attempt(self, trainee: Trainee, scenario, mode: str, at: str | None = None, seed: int | None = None,
                      owner: str | None = None) -> str:
        """A new in-progress attempt; `seed` fixes its choice order, `owner` the window allowed to write it."""
        if mode not in ("practice", "assessment"):
            raise StoreError(f"unknown mode '{mode}'")
        attempt_id = uuid.uuid4().hex
        stamp = at or now_iso()
        original = scenario.counts_toward  # a translation's or a form's attempts count toward its original
        translation = scenario.id if original != scenario.id else None  # the very file played
        with self.write():
            self.db["attempts"].insert({
                "id": attempt_id, "trainee_id": trainee.id, "scenario_id": original,
                "scenario_version": scenario.version, "content_hash": scenario.content_hash,
                "scenario_title": scenario.title, "category": scenario.category, "mode": mode,
                "started_at": stamp, "status": "in-progress", "choices": 0, "last_activity": stamp,
                "order_seed": seed, "owner": owner, "owner_seen": stamp, "language": scenario.language,
                "translation_id": translation, "form_id": scenario.form_id,
            })
            totals.on_start(self.db.conn, trainee.id, original, mode, stamp, scenario.title, scenario.category,
                            translation is not None, scenario.language, scenario.form_id or original)
        return attempt_id

    def _check_owner(self, attempt_id: str, owner: str | None) -> None:
        """Inside a write: refuse to write an attempt that is closed, or that another window now holds."""
        row = self.db.conn.execute("SELECT status, owner FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise AttemptElsewhere("this attempt no longer exists; nothing was saved for this step")
        if row[0] != "in-progress":
            raise AttemptElsewhere(f"this attempt was {'finished' if row[0] == 'completed' else 'closed'} in "
                                   "another window; nothing was saved here")
        if owner is not None and row[1] is not None and row[1] != owner:
            raise AttemptElsewhere("this attempt is now open in another window, where it carries on; "
                                   "nothing was saved here")

    def claim(self, attempt_id: str, owner: str) -> None:
        """Take an in-progress attempt over for this window: any other window's next write is refused."""
        with self.write():
            self._check_owner(attempt_id, None)
            self.db.conn.execute("UPDATE attempts SET owner = ?, owner_seen = ? WHERE id = ?",
                                 (owner, now_iso(), attempt_id))

    def release(self, attempt_id: str, owner: str) -> None:
        """This window has left the attempt: no other window is warned that it may be open here."""
        with self.write():
            self.db.conn.execute("UPDATE attempts SET owner_seen = NULL WHERE id = ? AND owner = ?",
                                 (attempt_id, owner))

    def node_shown(self, attempt_id: str, seq: int, at: float, deadline: float | None,
                   owner: str | None = None) -> tuple[float, float | None]:
        """When the node the next choice (number `seq`) answers was first shown, and its deadline: stored
        the first time, read back after that, so leaving and resuming never restarts a timer."""
        query = "SELECT shown_seq, shown_at, deadline FROM attempts WHERE id = ?"
        row = self.db.conn.execute(query, (attempt_id,)).fetchone()
        if row is None or row[0] != seq or row[1] is None:
            with self.write():
                self._check_owner(attempt_id, owner)
                row = self.db.conn.execute(query, (attempt_id,)).fetchone()
                if row[0] != seq or row[1] is None:
                    self.db.conn.execute("UPDATE attempts SET shown_seq = ?, shown_at = ?, deadline = ?,"
                                         " owner_seen = ? WHERE id = ?", (seq, at, deadline, now_iso(), attempt_id))
                    return at, deadline
        return row[1], row[2]

    # The owner check is the INSERT's own condition (one statement, not a read then a write): no row is
    # inserted for an attempt closed or held by another window, and only then is the reason looked up.
    _INSERT_CHOICE = ("INSERT INTO choices (attempt_id, seq, node, choice_id, number, text, points, mood_before,"
                      " mood_after, latency, at, critical, timed_out, tags, shown, undone, wording, step)"
                      " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, coalesce(?, (SELECT count(*)"
                      " FROM choices WHERE attempt_id = ? AND undone = 0)) FROM attempts WHERE id = ?"
                      " AND status = 'in-progress' AND (? IS NULL OR owner IS NULL OR owner = ?)")
    _TOUCH_ATTEMPT = "UPDATE attempts SET choices = choices + 1, last_activity = ?, owner_seen = ? WHERE id = ?"
    _TOUCH_AND_SHOW = ("UPDATE attempts SET choices = choices + 1, last_activity = ?, owner_seen = ?, shown_seq = ?,"
                       " shown_at = ?, deadline = ? WHERE id = ?")

    def record_choice(self, attempt_id: str, scenario_id: str, seq: int, step, owner: str | None = None,
                      shown: list[str] | None = None, next_shown: tuple | None = None,
                      finish: "Finish | None" = None, position: int | None = None) -> None:
        """Commit one choice and the attempt's activity in one transaction; with `finish`, the attempt's
        finish too (the last choice and the result land together or not at all). `next_shown` is
        (seq, shown_at, deadline) of the node shown straight after, so its timer is stored with the choice.
        `position`: the step answered as this window saw it (0 first; default: the next); one already
        answered is refused by the database (a unique index), raised as `AttemptMovedOn`."""
        import sqlite3

        with self.write():
            execute = self.db.conn.execute
            try:
                inserted = execute(self._INSERT_CHOICE, (
                    attempt_id, seq, step.node, step.choice, step.number, step.text, json.dumps(step.points),
                    step.mood_before, step.mood_after, step.latency, step.at, step.critical, int(step.timed_out),
                    json.dumps(step.tags), json.dumps(shown) if shown is not None else None,
                    getattr(step, "wording", 0), position, attempt_id, attempt_id, owner, owner)).rowcount
            except sqlite3.IntegrityError as exc:  # this step (or this choice number) is already stored
                raise AttemptMovedOn("this step was already answered in another window, and the attempt has "
                                     "moved on; nothing was saved here") from exc
            if not inserted:
                self._check_owner(attempt_id, owner)  # raises, saying why
                raise AttemptElsewhere("this attempt is open elsewhere; nothing was saved here")
            if next_shown is None:
                execute(self._TOUCH_ATTEMPT, (step.at, now_iso(), attempt_id))
            else:
                execute(self._TOUCH_AND_SHOW, (step.at, now_iso(), *next_shown, attempt_id))
            outbox.on_choice(self.db.conn, attempt_id, seq)
            if finish is not None:
                self._finish(attempt_id, finish)

    def undo_choice(self, attempt_id: str, scenario_id: str, seq: int, owner: str | None = None) -> None:
        """Mark a choice taken back (practice undo); the row stays for the record."""
        self.take_back(attempt_id, [seq], owner)

    def take_back(self, attempt_id: str, seqs: list[int], owner: str | None = None) -> None:
        """Mark choices taken back in one transaction, rows kept: an undo, or the rows an older version let a
        second window record after answering a step already answered (see `RecordedAttempt.resume`)."""
        with self.write():
            self._check_owner(attempt_id, owner)
            for seq in seqs:
                if self.db.execute("UPDATE choices SET undone = 1 WHERE attempt_id = ? AND seq = ? AND undone = 0",
                                   [attempt_id, seq]).rowcount:
                    self.db.execute("UPDATE attempts SET choices = choices - 1, last_activity = ?, shown_seq = NULL"
                                    " WHERE id = ?", [now_iso(), attempt_id])
                    outbox.on_undo(self.db.conn, attempt_id, seq)

    def finish_attempt(self, attempt_id: str, ending: str, outcome: str, score, at: str | None = None,
                       owner: str | None = None) -> None:
        """Record the result of an attempt whose recorded choices already reach an ending (a resume)."""
        with self.write():
            row = self.db.conn.execute("SELECT status FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None or row[0] == "completed":
                return
            self._check_owner(attempt_id, owner)
            self._finish(attempt_id, Finish(ending, outcome, score, at or now_iso()))

    def _finish(self, attempt_id: str, finish: "Finish") -> None:
        """Inside a write: the attempt's result, its skills, and the totals for its mode (completed only)."""
        row = self.db.conn.execute("SELECT trainee_id, scenario_id, mode, status FROM attempts WHERE id = ?",
                                   (attempt_id,)).fetchone()
        if row is None or row[3] == "completed":
            return
        trainee_id, _, mode, _ = row
        score, stamp = finish.score, finish.at
        passed = int(score.passed)
        execute = self.db.conn.execute
        for name, r in score.skills.items():
            if not r.scored:
                continue
            execute("INSERT INTO attempt_skills (attempt_id, skill, raw, max, percent, threshold, passed, assessed)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (attempt_id, skill) DO UPDATE SET"
                    " raw = excluded.raw, max = excluded.max, percent = excluded.percent,"
                    " threshold = excluded.threshold, passed = excluded.passed, assessed = excluded.assessed",
                    (attempt_id, name, r.raw, r.best, r.percent if r.assessed else None, r.threshold,
                     int(r.passed), int(r.assessed)))
        totals.on_finish(self.db.conn, attempt_id, trainee_id, mode, passed, score.overall, stamp)
        execute("UPDATE attempts SET finished_at = ?, last_activity = ?, status = 'completed', ending = ?,"
                " outcome = ?, overall = ?, passed = ?, shown_seq = NULL, deadline = NULL WHERE id = ?",
                (stamp, stamp, finish.ending, finish.outcome, score.overall, passed, attempt_id))
        outbox.on_finish(self.db.conn, attempt_id)

    def abandon_attempt(self, attempt_id: str) -> None:
        with self.write():
            self.db.execute("UPDATE attempts SET status = 'abandoned', last_activity = ? WHERE id = ? AND"
                            " status = 'in-progress'", [now_iso(), attempt_id])

    def attempt(self, attempt_id: str) -> dict | None:
        rows = list(self.db["attempts"].rows_where("id = ?", [attempt_id]))
        return rows[0] if rows else None

    def steps(self, attempt_id: str) -> list[dict]:
        """Recorded choices still in effect, in order."""
        rows = self.db.execute(
            "SELECT seq, node, choice_id, number, text, points, mood_before, mood_after, latency, at, critical,"
            " timed_out, tags, shown, wording FROM choices WHERE attempt_id = ? AND undone = 0 ORDER BY seq",
            [attempt_id])
        keys = ("seq", "node", "choice", "number", "text", "points", "mood_before", "mood_after", "latency", "at",
                "critical", "timed_out", "tags", "shown", "wording")
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            item["points"] = json.loads(item["points"] or "{}")
            item["tags"] = json.loads(item["tags"] or "[]")
            item["timed_out"] = bool(item["timed_out"])
            item["shown"] = json.loads(item["shown"]) if item["shown"] else None  # choice ids in the order shown
            out.append(item)
        return out

    def next_seq(self, attempt_id: str) -> int:
        row = self.db.execute("SELECT coalesce(max(seq), 0) FROM choices WHERE attempt_id = ?", [attempt_id]).fetchone()
        return row[0] + 1

    def resumable(self, trainee: Trainee, scenario=None, forms: bool = False) -> list[dict]:
        """Unfinished attempts, newest first; of one scenario (a model: the very version it is, original,
        form or translation) when given, and with `forms` of any of its forms too (an assessment opened
        on a scenario may have played one)."""
        where = "trainee_id = ? AND status = 'in-progress'"
        params: list = [trainee.id]
        if scenario is not None:
            where += " AND scenario_id = ? AND (coalesce(translation_id, '') = ?"
            where += " OR form_id IS NOT NULL)" if forms else ")"
            params += [scenario.counts_toward, scenario.id if scenario.counts_toward != scenario.id else ""]
        return list(self.db["attempts"].rows_where(where, params, order_by="last_activity desc"))

    def attempts_for(self, trainee: Trainee) -> list[dict]:
        return list(self.db["attempts"].rows_where("trainee_id = ?", [trainee.id], order_by="started_at desc"))

    def best_by_scenario(self, trainee: Trainee) -> dict[str, dict]:
        """Per scenario and mode: best overall score, whether any attempt passed, attempts, any in progress."""
        rows = self.db.execute(
            "SELECT scenario_id, mode, max(overall), max(passed), count(*), sum(status = 'in-progress'),"
            " sum(status = 'completed') FROM attempts WHERE trainee_id = ? GROUP BY scenario_id, mode", [trainee.id])
        out: dict[str, dict] = {}
        for sid, mode, best, passed, count, in_progress, completed in rows:
            out.setdefault(sid, {})[mode] = {"best": best, "passed": bool(passed), "attempts": count,
                                             "in_progress": in_progress, "completed": completed}
        return out

    def skills_for(self, attempt_id: str) -> list[dict]:
        return list(self.db["attempt_skills"].rows_where("attempt_id = ?", [attempt_id]))

    def skill_averages(self, trainee: Trainee, mode: str) -> dict[str, float]:
        """Average percent per skill over the trainee's completed attempts in one mode."""
        rows = self.db.execute("SELECT skill, percent_sum / n FROM trainee_skill_totals WHERE trainee_id = ?"
                               " AND mode = ? AND n > 0 ORDER BY skill", [trainee.id, mode])
        return {r[0]: r[1] for r in rows}

    def add_note(self, attempt_id: str, author: str, text: str) -> None:
        with self.write():
            self.db["notes"].insert({"attempt_id": attempt_id, "author": author, "text": text, "created_at": now_iso()})

    def notes(self, attempt_id: str) -> list[dict]:
        return list(self.db["notes"].rows_where("attempt_id = ?", [attempt_id], order_by="id"))
