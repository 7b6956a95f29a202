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

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """A database problem explained for the user (never a traceback)."""


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
class Trainee:
    id: int
    name: str


def database_exists(path: Path) -> bool:
    """Whether the file is there; a folder we may not look into is a clear error, not a traceback."""
    try:
        return path.exists()
    except OSError as exc:
        raise StoreError(f"cannot reach the database {path}: {exc.strerror or exc} "
                         "(check the permissions of its folder)") from exc


def check_existing_file(path: Path) -> None:
    """Refuse, without writing anything, a file that is not an SQLite database."""
    try:
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a database file")
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is not a trainer database (not an SQLite file); it was left untouched")


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the database at {path}: cannot make its folder "
                         f"({exc.strerror or exc})") from exc
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass  # another process created it first: fine
    except OSError as exc:
        raise StoreError(f"cannot create the database at {path}: {exc.strerror or exc}") from exc


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
            _create_private(path)
        import sqlite3

        from sqlite_utils import Database

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

        from sqlite_utils import Database

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
    def start_attempt(self, trainee: Trainee, scenario, mode: str, at: str | None = None) -> str:
        if mode not in ("practice", "assessment"):
            raise StoreError(f"unknown mode '{mode}'")
        attempt_id = uuid.uuid4().hex
        stamp = at or now_iso()
        with self.write():
            self.db["attempts"].insert({
                "id": attempt_id, "trainee_id": trainee.id, "scenario_id": scenario.id,
                "scenario_version": scenario.version, "content_hash": scenario.content_hash,
                "scenario_title": scenario.title, "category": scenario.category, "mode": mode,
                "started_at": stamp, "status": "in-progress", "choices": 0, "last_activity": stamp,
            })
            self.db.execute(
                "INSERT INTO trainee_stats (trainee_id, attempts, last_activity) VALUES (?, 1, ?)"
                " ON CONFLICT (trainee_id) DO UPDATE SET attempts = attempts + 1, last_activity = excluded.last_activity",
                [trainee.id, stamp])
            self.db.execute(
                "INSERT INTO scenario_stats (scenario_id, title, category, attempts) VALUES (?, ?, ?, 1)"
                " ON CONFLICT (scenario_id) DO UPDATE SET attempts = attempts + 1, title = excluded.title,"
                " category = excluded.category", [scenario.id, scenario.title, scenario.category])
        return attempt_id

    _INSERT_CHOICE = ("INSERT INTO choices (attempt_id, seq, node, choice_id, number, text, points, mood_before,"
                      " mood_after, latency, at, critical, timed_out, tags, undone)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
    _COUNT_ITEM = ("INSERT INTO item_stats (scenario_id, node, choice_id, text, picks, points, critical)"
                   " VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (scenario_id, node, choice_id) DO UPDATE SET"
                   " picks = picks + 1, points = points + excluded.points, critical = critical + excluded.critical,"
                   " text = excluded.text")
    _TOUCH_ATTEMPT = "UPDATE attempts SET choices = choices + 1, last_activity = ? WHERE id = ?"

    def record_choice(self, attempt_id: str, scenario_id: str, seq: int, step) -> None:
        """Commit one choice, the attempt's activity and the item statistics in one transaction.
        (The hot path of play: plain prepared statements on the connection, nothing else.)"""
        critical = step.critical is not None
        with self.write():
            execute = self.db.conn.execute
            execute(self._INSERT_CHOICE, (attempt_id, seq, step.node, step.choice, step.number, step.text,
                                          json.dumps(step.points), step.mood_before, step.mood_after,
                                          step.latency, step.at, step.critical, int(step.timed_out),
                                          json.dumps(step.tags)))
            execute(self._COUNT_ITEM, (scenario_id, step.node, step.choice, step.text, sum(step.points.values()),
                                       int(critical)))
            execute(self._TOUCH_ATTEMPT, (step.at, attempt_id))
            outbox.on_choice(self.db.conn, attempt_id, seq)

    def undo_choice(self, attempt_id: str, scenario_id: str, seq: int) -> None:
        """Mark a choice taken back (practice undo); the row stays for the record."""
        with self.write():
            row = self.db.execute("SELECT node, choice_id, points, critical FROM choices WHERE attempt_id = ? AND"
                                  " seq = ? AND undone = 0", [attempt_id, seq]).fetchone()
            if row is None:
                return
            self.db.execute("UPDATE choices SET undone = 1 WHERE attempt_id = ? AND seq = ?", [attempt_id, seq])
            self.db.execute("UPDATE item_stats SET picks = picks - 1, points = points - ?, critical = critical - ?"
                            " WHERE scenario_id = ? AND node = ? AND choice_id = ?",
                            [sum(json.loads(row[2]).values()), int(row[3] is not None), scenario_id, row[0], row[1]])
            self.db.execute("UPDATE attempts SET choices = choices - 1, last_activity = ? WHERE id = ?",
                            [now_iso(), attempt_id])
            outbox.on_undo(self.db.conn, attempt_id, seq)

    def finish_attempt(self, attempt_id: str, ending: str, outcome: str, score, at: str | None = None) -> None:
        stamp = at or now_iso()
        with self.write():
            row = self.db.execute("SELECT trainee_id, scenario_id, status FROM attempts WHERE id = ?",
                                  [attempt_id]).fetchone()
            if row is None or row[2] == "completed":
                return
            trainee_id, scenario_id, _ = row
            passed = int(score.passed)
            self.db.execute("UPDATE trainee_stats SET completed = completed + 1, passed = passed + ?,"
                            " overall_sum = overall_sum + ?, last_activity = ? WHERE trainee_id = ?",
                            [passed, score.overall, stamp, trainee_id])
            self.db.execute("UPDATE scenario_stats SET completed = completed + 1, passed = passed + ?,"
                            " overall_sum = overall_sum + ? WHERE scenario_id = ?", [passed, score.overall, scenario_id])
            for name, r in score.skills.items():
                if r.scored:
                    self.db.execute(
                        "INSERT INTO trainee_skill_stats (trainee_id, skill, n, percent_sum) VALUES (?, ?, 1, ?)"
                        " ON CONFLICT (trainee_id, skill) DO UPDATE SET n = n + 1, percent_sum = percent_sum + ?",
                        [trainee_id, name, r.percent, r.percent])
            self.db["attempts"].update(attempt_id, {
                "finished_at": stamp, "last_activity": stamp, "status": "completed", "ending": ending,
                "outcome": outcome, "overall": score.overall, "passed": int(score.passed),
            })
            self.db["attempt_skills"].upsert_all([
                {"attempt_id": attempt_id, "skill": name, "raw": r.raw, "max": r.best, "percent": r.percent,
                 "threshold": r.threshold, "passed": int(r.passed)}
                for name, r in score.skills.items() if r.scored
            ], pk=("attempt_id", "skill"))
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
            " timed_out, tags FROM choices WHERE attempt_id = ? AND undone = 0 ORDER BY seq", [attempt_id])
        keys = ("seq", "node", "choice", "number", "text", "points", "mood_before", "mood_after", "latency", "at",
                "critical", "timed_out", "tags")
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            item["points"] = json.loads(item["points"] or "{}")
            item["tags"] = json.loads(item["tags"] or "[]")
            item["timed_out"] = bool(item["timed_out"])
            out.append(item)
        return out

    def next_seq(self, attempt_id: str) -> int:
        row = self.db.execute("SELECT coalesce(max(seq), 0) FROM choices WHERE attempt_id = ?", [attempt_id]).fetchone()
        return row[0] + 1

    def resumable(self, trainee: Trainee, scenario_id: str | None = None) -> list[dict]:
        where = "trainee_id = ? AND status = 'in-progress'"
        params: list = [trainee.id]
        if scenario_id:
            where += " AND scenario_id = ?"
            params.append(scenario_id)
        return list(self.db["attempts"].rows_where(where, params, order_by="last_activity desc"))

    def attempts_for(self, trainee: Trainee) -> list[dict]:
        return list(self.db["attempts"].rows_where("trainee_id = ?", [trainee.id], order_by="started_at desc"))

    def best_by_scenario(self, trainee: Trainee) -> dict[str, dict]:
        """Per scenario: best overall score, whether any attempt passed, attempts, and any in progress."""
        rows = self.db.execute(
            "SELECT scenario_id, max(overall), max(passed), count(*), sum(status = 'in-progress'),"
            " sum(status = 'completed') FROM attempts WHERE trainee_id = ? GROUP BY scenario_id", [trainee.id])
        return {r[0]: {"best": r[1], "passed": bool(r[2]), "attempts": r[3], "in_progress": r[4],
                       "completed": r[5]} for r in rows}

    def skills_for(self, attempt_id: str) -> list[dict]:
        return list(self.db["attempt_skills"].rows_where("attempt_id = ?", [attempt_id]))

    def skill_averages(self, trainee: Trainee) -> dict[str, float]:
        rows = self.db.execute("SELECT skill, percent_sum / n FROM trainee_skill_stats WHERE trainee_id = ? AND n > 0"
                               " ORDER BY skill", [trainee.id])
        return {r[0]: r[1] for r in rows}

    def add_note(self, attempt_id: str, author: str, text: str) -> None:
        with self.write():
            self.db["notes"].insert({"attempt_id": attempt_id, "author": author, "text": text, "created_at": now_iso()})

    def notes(self, attempt_id: str) -> list[dict]:
        return list(self.db["notes"].rows_where("attempt_id = ?", [attempt_id], order_by="id"))
