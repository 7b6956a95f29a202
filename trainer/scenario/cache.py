"""Caches keyed on each file's path and exact content: validated scenario models for start-up, and
`trainer validate`'s findings.

Every run reads each file anyway (to hash it), so an edited file can never be served stale: its hash
no longer matches and it is loaded and checked afresh. The cache file's name carries trainer's
version, so an upgrade starts a new cache. Only scenarios that loaded without errors are cached.

A pickle runs code when it is loaded, so a cache is unpickled only when nobody else could have written
it: the file (checked through the open descriptor, never through a symbolic link) must belong to this
user and be writable by no one else, and so must its folder (or belong to root). Anything else is
refused with a warning and the scenarios are loaded from their files; a folder others can write to is
not written either. The folder is created owner-only.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from types import MappingProxyType

from platformdirs import user_cache_dir

from trainer import __version__
from trainer.i18n import _

FORMAT = 13  # 4: Unicode ids, NFC-normalised; 5: language and translation_of; 6: several characters,
# says/reply entries; 7: findings for misspelt skills, misnamed nodes and mood conditions no path meets;
# 8: a comma inside {…} explained; 9: summaries keep their language's own name; 10: length-cue counts
# every decision point, not only the best path's; 11: jurisdiction and topics in summaries; 12: forms
# (form_of) and a choice's wordings; 13: {trainee} (other placeholders are errors), choices named by
# id, the language check


def _proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))


def default_cache_file(kind: str = "scenarios") -> Path | None:
    """Where the `kind` cache lives (scenarios: models for start-up; checks: validate's findings)."""
    if os.environ.get("TRAINER_NO_CACHE"):
        return None
    folder = os.environ.get("TRAINER_CACHE_DIR") or user_cache_dir("trainer", appauthor=False)
    return Path(folder) / f"{kind}-{__version__}-{FORMAT}.pickle"


class ContentCache:
    """Values keyed on (resolved path, SHA-256 of the file's bytes), kept in one pickle file."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[tuple[str, str], object] = {}
        self.used: set[tuple[str, str]] = set()
        self.seen: set[str] = set()  # paths read this run: their entries for other contents are stale
        self.dirty = False
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        """Unpickle the cache if nobody else could have written it; otherwise warn and start afresh."""
        refused = folder_refused(path.parent)
        if refused:
            warn_refused(path, refused)
            self.path = None  # neither read nor written: it would be refused again
            return
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return
        except OSError as exc:  # a symbolic link (ELOOP with O_NOFOLLOW), unreadable: rebuilt and replaced
            warn_refused(path, _("it cannot be opened safely ({reason})").format(reason=exc.strerror or exc))
            return
        with os.fdopen(fd, "rb") as fh:
            refused = file_refused(os.fstat(fh.fileno()))
            if refused:
                warn_refused(path, refused)  # the next save replaces it with this user's own file
                return
            try:
                loaded = pickle.load(fh)
            except Exception:  # noqa: BLE001 - damaged or from another version: start afresh
                return
        if isinstance(loaded, dict):
            self.entries = loaded

    @staticmethod
    def key(path: Path, data: bytes) -> tuple[str, str]:
        return os.path.abspath(path), hashlib.sha256(data).hexdigest()

    def get(self, path: Path, data: bytes):
        """The value kept for this exact content, or None."""
        key = self.key(path, data)
        self.seen.add(key[0])
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, path: Path, data: bytes, value) -> None:
        if self.path is None:
            return  # no cache file: nothing to keep
        key = self.key(path, data)
        self.seen.add(key[0])
        self.entries[key] = value
        self.used.add(key)
        self.dirty = True

    def remember(self, path: Path | str, data: bytes, value) -> None:
        """Keep a plain value (not a model) under this key: e.g. that a translation matched its original."""
        ContentCache.put(self, path, data, value)

    def save(self) -> None:
        """Keep what this run used, and the entries of files it did not read that still exist (another
        folder's, read by another command); drop old contents of the files it read. Written atomically;
        a cache that cannot be written is skipped."""
        if self.path is None:
            return
        keep = {k: v for k, v in self.entries.items()
                if k in self.used or (k[0] not in self.seen and os.path.exists(k[0]))}
        if not self.dirty and len(keep) == len(self.entries):
            return
        tmp = None
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(keep, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; never fail a run over it
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


def file_refused(info: os.stat_result) -> str | None:
    """Why a cache file with this status must not be unpickled, or None."""
    if not stat.S_ISREG(info.st_mode):
        return _("it is not a regular file")
    if info.st_uid != os.geteuid():
        return _("it belongs to another user")
    if info.st_mode & 0o022:
        return _("other users can write to it")
    return None


def folder_refused(folder: Path) -> str | None:
    """Why a cache in this folder must not be trusted, or None (a folder not made yet is made owner-only).
    trainer's own default folder, if this user owns it, is made owner-only instead of being refused."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _("its folder cannot be checked ({reason})").format(reason=exc.strerror or exc)
    if info.st_uid not in (os.geteuid(), 0):
        return _("its folder belongs to another user")
    if info.st_mode & 0o022:
        ours = Path(user_cache_dir("trainer", appauthor=False))
        if info.st_uid == os.geteuid() and os.path.realpath(folder) == os.path.realpath(ours):
            try:
                os.chmod(folder, stat.S_IMODE(info.st_mode) & ~0o022)
                return None
            except OSError:
                pass
        return _("other users can write to its folder")
    return None


_warned: set[str] = set()


def warn_refused(path: Path, why: str) -> None:
    """One line on standard error, once per cache file and process: the cache is not used, and why."""
    if str(path) in _warned:
        return
    _warned.add(str(path))
    from trainer.sanitize import line

    sys.stderr.write("trainer: " + _("warning: not using the scenario cache {path}: {why}; the scenarios are "
                                     "read from their files instead (make the cache folder yours alone, e.g. "
                                     "chmod 700, or set TRAINER_CACHE_DIR)").format(path=line(str(path)),
                                                                                     why=line(why)) + "\n")


class ScenarioCache(ContentCache):
    """Validated models: (summary, pickled scenario) per file, unpickled only when a scenario is opened."""

    def put(self, path: Path, data: bytes, summary, scenario) -> None:
        if self.path is not None:
            super().put(path, data, (summary, pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)))
