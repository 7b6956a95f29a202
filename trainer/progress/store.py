"""The progress store: every choice committed as it is made, in SQLite through sqlite-utils.

WAL mode and a busy timeout let several trainee processes write to one file; writes take the lock up
front (BEGIN IMMEDIATE) so concurrent writers queue instead of failing. No Textual here.
"""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator


from trainer.progress import attempts as queries
from trainer.progress import outbox_tables as outbox
from trainer.progress import totals
from trainer.progress.records import Attempt, Note, ScenarioBest, SkillResult, StoredChoice
from trainer.progress.dbfile import (BUSY_TIMEOUT_MS, SQLITE_HEADER, StoreError, check_existing_file,  # noqa: F401
                                     create_private, database_exists, default_db_path, explain)


class AttemptElsewhere(StoreError):
    """The attempt was taken over, finished or closed by another window: this one must stop writing."""


class AttemptMovedOn(AttemptElsewhere):
    """The step this window answered was already answered in another window (the database allows one
    answer per step): nothing was saved here, and the attempt carries on from the other window's answer."""


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
        self._db = db  # private: SQL lives in trainer.progress only (#23)
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
        known = set(migrations.names)
        if applied - known:
            raise StoreError(f"{path} was written by a newer version of trainer (schema "
                             f"{sorted(applied - known)[-1]}); upgrade trainer to open it. The file was left untouched")

    def _migrate(self) -> None:
        from trainer.progress.migrations import migrations

        if not migrations.pending(self._db):
            return
        with self.write():
            migrations.apply(self._db)

    def close(self) -> None:
        self._db.close()

    def backup_source(self):
        """The SQLite connection to copy with SQLite's online backup API (`trainer backup`), and for nothing
        else: reads and writes go through the store's named queries."""
        return self._db.conn

    @contextmanager
    def write(self) -> Iterator:
        """One write transaction, taking the write lock up front so concurrent writers wait their turn.
        Either all of it lands or none of it does; SQLite failures become a `StoreError` that says why."""
        import sqlite3  # already loaded by open(); imported here so start-up need not load it

        conn = self._db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
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

        return [m.name for m in migrations.applied(self._db)]

    # --- trainees --------------------------------------------------------------------------------
    def trainee(self, name: str) -> Trainee:
        """The trainee with this name (the same person whatever the case; see names.py), created if new."""
        clean = self.clean_name(name)
        row = self._trainee_row(clean)
        if row is None:
            with self.write():
                self._db.execute("INSERT OR IGNORE INTO trainees (name, name_key, created_at) VALUES (?, ?, ?)",
                                 [clean, clean.casefold(), now_iso()])
            row = self._trainee_row(clean)
        return Trainee(row[0], row[1])

    def trainee_name(self, trainee_id: int | None) -> str | None:
        """The name of the trainee with this id (None when there is none)."""
        found = self._db.execute("SELECT name FROM trainees WHERE id = ?", [trainee_id]).fetchone()
        return found[0] if found else None

    @staticmethod
    def clean_name(name: str, what: str = "trainee name") -> str:
        from trainer.progress.names import InvalidName, clean_name

        try:
            return clean_name(name, what)
        except InvalidName as exc:
            raise StoreError(str(exc)) from None

    def _trainee_row(self, clean: str):
        return self._db.execute("SELECT id, name FROM trainees WHERE name_key = ?", [clean.casefold()]).fetchone()

    def find_trainee(self, name: str) -> Trainee | None:
        from trainer.progress.names import InvalidName, clean_name

        try:
            row = self._trainee_row(clean_name(name))
        except InvalidName:
            return None
        return Trainee(row[0], row[1]) if row else None

    def trainees(self) -> list[Trainee]:
        return [Trainee(r[0], r[1]) for r in self._db.execute("SELECT id, name FROM trainees ORDER BY name COLLATE NOCASE")]

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
            self._db["attempts"].insert({
                "id": attempt_id, "trainee_id": trainee.id, "scenario_id": original,
                "scenario_version": scenario.version, "content_hash": scenario.content_hash,
                "scenario_title": scenario.title, "category": scenario.category, "mode": mode,
                "started_at": stamp, "status": "in-progress", "choices": 0, "last_activity": stamp,
                "order_seed": seed, "owner": owner, "owner_seen": stamp, "language": scenario.language,
                "translation_id": translation, "form_id": scenario.form_id,
            })
            totals.on_start(self._db.conn, trainee.id, original, mode, stamp, scenario.title, scenario.category,
                            translation is not None, scenario.language, scenario.form_id or original)
        return attempt_id

    def _check_owner(self, attempt_id: str, owner: str | None) -> None:
        """Inside a write: refuse to write an attempt that is closed, or that another window now holds."""
        row = self._db.conn.execute("SELECT status, owner FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
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
            self._db.conn.execute("UPDATE attempts SET owner = ?, owner_seen = ? WHERE id = ?",
                                  (owner, now_iso(), attempt_id))

    def release(self, attempt_id: str, owner: str) -> None:
        """This window has left the attempt: no other window is warned that it may be open here."""
        with self.write():
            self._db.conn.execute("UPDATE attempts SET owner_seen = NULL WHERE id = ? AND owner = ?",
                                  (attempt_id, owner))

    def node_shown(self, attempt_id: str, seq: int, at: float, deadline: float | None,
                   owner: str | None = None) -> tuple[float, float | None]:
        """When the node the next choice (number `seq`) answers was first shown, and its deadline: stored
        the first time, read back after that, so leaving and resuming never restarts a timer."""
        query = "SELECT shown_seq, shown_at, deadline FROM attempts WHERE id = ?"
        row = self._db.conn.execute(query, (attempt_id,)).fetchone()
        if row is None or row[0] != seq or row[1] is None:
            with self.write():
                self._check_owner(attempt_id, owner)
                row = self._db.conn.execute(query, (attempt_id,)).fetchone()
                if row[0] != seq or row[1] is None:
                    self._db.conn.execute("UPDATE attempts SET shown_seq = ?, shown_at = ?, deadline = ?,"
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
    # each returns the site settings (outbox.SITE_SETTINGS_SQL) read in the same statement
    _TOUCH_ATTEMPT = ("UPDATE attempts SET choices = choices + 1, last_activity = ?, owner_seen = ? WHERE id = ?"
                      f" RETURNING {outbox.SITE_SETTINGS_SQL}")
    _TOUCH_AND_SHOW = ("UPDATE attempts SET choices = choices + 1, last_activity = ?, owner_seen = ?, shown_seq = ?,"
                       f" shown_at = ?, deadline = ? WHERE id = ? RETURNING {outbox.SITE_SETTINGS_SQL}")

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
            execute = self._db.conn.execute
            choice = StoredChoice(seq, step.node, step.choice, step.number, step.text, dict(step.points),
                                  step.mood_before, step.mood_after, step.latency, step.at, step.critical,
                                  bool(step.timed_out), list(step.tags), list(shown) if shown is not None else None,
                                  getattr(step, "wording", 0) or 0)
            try:
                inserted = execute(self._INSERT_CHOICE, (
                    attempt_id, seq, choice.node, choice.choice, choice.number, choice.text, json.dumps(choice.points),
                    choice.mood_before, choice.mood_after, choice.latency, choice.at, choice.critical,
                    int(choice.timed_out), json.dumps(choice.tags),
                    json.dumps(choice.shown) if choice.shown is not None else None,
                    choice.wording, position, attempt_id, attempt_id, owner, owner)).rowcount
            except sqlite3.IntegrityError as exc:  # this step (or this choice number) is already stored
                raise AttemptMovedOn("this step was already answered in another window, and the attempt has "
                                     "moved on; nothing was saved here") from exc
            if not inserted:
                self._check_owner(attempt_id, owner)  # raises, saying why
                raise AttemptElsewhere("this attempt is open elsewhere; nothing was saved here")
            if next_shown is None:
                touched = execute(self._TOUCH_ATTEMPT, (step.at, now_iso(), attempt_id, *outbox.SITE_SETTINGS_KEYS))
            else:
                touched = execute(self._TOUCH_AND_SHOW, (step.at, now_iso(), *next_shown, attempt_id,
                                                         *outbox.SITE_SETTINGS_KEYS))
            [settings] = touched.fetchall()  # the attempt's one row (the insert just found it in progress)
            where = outbox.site_from(*settings)
            if where is not None:  # a site database: the statement lands with the choice
                outbox.on_choice(self._db.conn, queries.attempt(self._db, attempt_id), choice, where)
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
                if self._db.execute("UPDATE choices SET undone = 1 WHERE attempt_id = ? AND seq = ? AND undone = 0",
                                    [attempt_id, seq]).rowcount:
                    self._db.execute("UPDATE attempts SET choices = choices - 1, last_activity = ?, shown_seq = NULL"
                                     " WHERE id = ?", [now_iso(), attempt_id])
                    outbox.on_undo(self._db.conn, attempt_id, seq)

    def finish_attempt(self, attempt_id: str, ending: str, outcome: str, score, at: str | None = None,
                       owner: str | None = None) -> None:
        """Record the result of an attempt whose recorded choices already reach an ending (a resume)."""
        with self.write():
            row = self._db.conn.execute("SELECT status FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None or row[0] == "completed":
                return
            self._check_owner(attempt_id, owner)
            self._finish(attempt_id, Finish(ending, outcome, score, at or now_iso()))

    def _finish(self, attempt_id: str, finish: "Finish") -> None:
        """Inside a write: the attempt's result, its skills, and the totals for its mode (results.py)."""
        from trainer.progress.results import record_result

        record_result(self._db.conn, attempt_id, finish)

    def abandon_attempt(self, attempt_id: str) -> None:
        with self.write():
            self._db.execute("UPDATE attempts SET status = 'abandoned', last_activity = ? WHERE id = ? AND"
                             " status = 'in-progress'", [now_iso(), attempt_id])

    # --- reading back (the queries are in attempts.py) ----------------------------------------------
    def attempt(self, attempt_id: str) -> Attempt | None:
        return queries.attempt(self._db, attempt_id)

    def steps(self, attempt_id: str) -> list[StoredChoice]:
        """Recorded choices still in effect, in order."""
        return queries.steps(self._db, attempt_id)

    def next_seq(self, attempt_id: str) -> int:
        return queries.next_seq(self._db, attempt_id)

    def resumable(self, trainee: Trainee, scenario=None, forms: bool = False) -> list[Attempt]:
        """Unfinished attempts, newest first; of one scenario (a model: the very version it is, original,
        form or translation) when given, and with `forms` of any of its forms too (an assessment opened
        on a scenario may have played one)."""
        return queries.resumable(self._db, trainee.id, scenario, forms)

    def attempts_for(self, trainee: Trainee | int, limit: int | None = None) -> list[Attempt]:
        """A trainee's (or trainee id's) attempts, newest first; the first `limit` when given."""
        return queries.attempts_for(self._db, trainee if isinstance(trainee, int) else trainee.id, limit)

    def best_by_scenario(self, trainee: Trainee) -> dict[str, dict[str, ScenarioBest]]:
        """Per scenario and mode: best overall score, whether any attempt passed, attempts, any in progress."""
        return queries.best_by_scenario(self._db, trainee.id)

    def skills_for(self, attempt_id: str) -> list[SkillResult]:
        return queries.skills_for(self._db, attempt_id)

    def skill_averages(self, trainee: Trainee, mode: str) -> dict[str, float]:
        """Average percent per skill over the trainee's completed attempts in one mode."""
        return queries.skill_averages(self._db, trainee.id, mode)

    def add_note(self, attempt_id: str, author: str, text: str) -> None:
        with self.write():
            self._db["notes"].insert({"attempt_id": attempt_id, "author": author, "text": text, "created_at": now_iso()})

    def notes(self, attempt_id: str) -> list[Note]:
        return queries.notes(self._db, attempt_id)
