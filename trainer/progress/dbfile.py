"""The database file itself, before SQLite opens it: is it there, is it ours, and a new one created private;
and what SQLite's errors on it mean in plain words (`explain`). Kept apart from the store so
`trainer.launch` can check a path without importing sqlite-utils."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """A problem with the progress database, in words a trainee or supervisor can act on."""


def default_db_path() -> Path:
    """The personal database: in the user's data folder (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("trainer", appauthor=False)) / "progress.db"


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


def create_private(path: Path) -> None:
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


BUSY_TIMEOUT_MS = 30_000


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


def copy_database(source, target: Path) -> None:
    """A consistent copy of the open SQLite connection `source` into the file `target`, with SQLite's online
    backup API (one snapshot, safe while others write), as one self-contained file (no -wal beside it)."""
    import sqlite3

    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()


# --- which kind of database, read before the store opens ------------------------------------------------
SITE_IRI_KEY = "site_iri"  # the settings keys trainer.progress.accounts writes
SITE_SCENARIOS_KEY = "site_scenarios"


@dataclass(frozen=True)
class Site:
    iri: str
    scenario_dirs: tuple[Path, ...]


def read_site(conn) -> Site | None:
    """The site settings through an SQLite connection (the store's, or peek_site's read-only one); None for
    a personal database."""
    rows = dict(conn.execute("SELECT key, value FROM settings WHERE key IN (?, ?)", [SITE_IRI_KEY, SITE_SCENARIOS_KEY]))
    if SITE_IRI_KEY not in rows:
        return None
    return Site(rows[SITE_IRI_KEY], tuple(Path(p) for p in json.loads(rows.get(SITE_SCENARIOS_KEY) or "[]")))


def peek_site(path: Path) -> Site | None:
    """The site settings of a database file, read without opening (or upgrading) the store, so the CLI
    can choose the first screen before the app paints. None for a personal or a new database. Here, not
    with the accounts, so that choosing imports neither the store nor the passphrase hashing."""
    import sqlite3

    if not Path(path).is_file():
        return None
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return read_site(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not ours, or no settings yet: opening the store says why
