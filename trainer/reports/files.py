"""Writing a report, an export or a backup to a file: every `-o` and the review app's export go through here.

The text lands in a temporary file created exclusively (O_CREAT|O_EXCL, O_NOFOLLOW, mode 0600) in the
target's folder, then renamed over the target, so a reader never sees half a file, a symlink planted at
the target is never followed, and results are never readable by other accounts.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class OutputRefused(Exception):
    """The target is not a place we write to (a symlink, a folder, a device); the message says why."""


JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


def protected_target(output: Path | str, database: Path | str, data_folder: Path | str | None = None) -> str | None:
    """Why a file written for `-o` must not go to `output`, or None: it is the database, one of SQLite's
    files beside it (`-wal`, `-shm`, `-journal`: replacing one loses or corrupts committed work), or
    anything else in the database's folder or in trainer's data folder. Symbolic links and other names
    for the same file are seen through."""
    from trainer.i18n import _

    # the folder it lands in, links resolved; the name itself is not followed (a link there is refused later)
    target = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(output))), os.path.basename(output))
    db = os.path.realpath(database)
    protected = [db] + [db + suffix for suffix in JOURNAL_SUFFIXES]
    for name, suffix in zip(protected, ("", *JOURNAL_SUFFIXES)):
        if target == name or _same_file(target, name):
            if not suffix:
                return _("-o {path} is the database itself; write the file outside its folder").format(path=output)
            return _("-o {path} is the database's {suffix} file; write the file outside its folder").format(
                path=output, suffix=suffix)
    beside = os.path.dirname(db)  # the database's own folder: its files, not its subfolders
    data = os.path.realpath(data_folder) if data_folder is not None else None  # trainer's: all of it
    for folder in (beside, data):
        if folder is not None and (os.path.dirname(target) == folder or
                                   (folder == data and target.startswith(folder + os.sep))):
            return _("-o {path} is in the data folder {folder}, beside the database; write it somewhere else").format(
                path=output, folder=folder)
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_private(path: Path | str, text: str | bytes) -> None:
    """Replace `path` with `text` (UTF-8; bytes as they are, for a PDF), readable and writable by its
    owner only.
    Raises OutputRefused for a target we will not write through, OSError when writing fails."""

    def fill(fd: int, tmp: Path) -> None:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    _replace_private(Path(path), fill)


def backup_private(path: Path | str, source, then=None) -> None:
    """Replace `path` with a consistent copy of the open SQLite connection `source`, made with SQLite's
    online backup API (safe while other processes write: it copies one snapshot), owner-only like `-o`.
    `then()` runs once the copy is complete and before it takes the target's place (the audit row): if it
    fails, the copy is removed and the target left as it was."""
    from trainer.progress.dbfile import copy_database

    def fill(fd: int, tmp: Path) -> None:
        os.close(fd)
        copy_database(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if then is not None:
            then()

    _replace_private(Path(path), fill)


def _replace_private(path: Path, fill) -> None:
    """Refuse an unsafe target, let `fill(fd, tmp)` write a private temporary file beside it, rename."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputRefused(f"{path} is a symbolic link; refusing to write through it "
                                "(remove the link or choose another file)")
        if stat.S_ISDIR(info.st_mode):
            raise OutputRefused(f"{path} is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise OutputRefused(f"{path} is not a regular file; give a file name")
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        fill(fd, tmp)
        os.replace(tmp, path)  # rename never follows a symlink at the destination
    except BaseException:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
