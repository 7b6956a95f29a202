"""Caches keyed on each file's path and exact content: validated scenario models for start-up, and
`trainer validate`'s findings.

Every run reads each file anyway (to hash it), so an edited file can never be served stale: its hash
no longer matches and it is loaded and checked afresh. The cache file's name carries trainer's
version, so an upgrade starts a new cache. Only scenarios that loaded without errors are cached.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from types import MappingProxyType

from platformdirs import user_cache_dir

from trainer import __version__

FORMAT = 10 # 4: Unicode ids, NFC-normalised; 5: language and translation_of; 6: several characters,
# says/reply entries; 7: findings for misspelt skills, misnamed nodes and mood conditions no path meets;
# 8: a comma inside {…} explained; 9: summaries keep their language's own name; 10: {trainee}
# (other placeholders are errors), choices named by id, the language check


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
            try:
                with open(path, "rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, dict):
                    self.entries = loaded
            except Exception:  # noqa: BLE001 - missing, unreadable or from elsewhere: start afresh
                self.entries = {}

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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(keep, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; never fail a run over it
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


class ScenarioCache(ContentCache):
    """Validated models: (summary, pickled scenario) per file, unpickled only when a scenario is opened."""

    def put(self, path: Path, data: bytes, summary, scenario) -> None:
        if self.path is not None:
            super().put(path, data, (summary, pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)))
