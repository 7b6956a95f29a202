"""A cache of validated scenario models, keyed on each file's path and exact content.

Start-up reads every file anyway (to hash it), so an edited file can never be served stale: its hash
no longer matches and it is loaded and validated afresh. Entries also carry trainer's version, so an
upgrade starts a new cache. Only files that loaded without errors are cached.
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

FORMAT = 3


def _proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))


def default_cache_file() -> Path | None:
    if os.environ.get("TRAINER_NO_CACHE"):
        return None
    folder = os.environ.get("TRAINER_CACHE_DIR") or user_cache_dir("trainer", appauthor=False)
    return Path(folder) / f"scenarios-{__version__}-{FORMAT}.pickle"


class ScenarioCache:
    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[tuple[str, str], tuple] = {}  # key -> (summary, pickled scenario)
        self.used: set[tuple[str, str]] = set()
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
        return str(Path(path).resolve()), hashlib.sha256(data).hexdigest()

    def get(self, path: Path, data: bytes):
        """(summary, pickled scenario) for this exact content, or None."""
        key = self.key(path, data)
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, path: Path, data: bytes, summary, scenario) -> None:
        if self.path is None:
            return  # no cache file: nothing to keep
        key = self.key(path, data)
        self.entries[key] = (summary, pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL))
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        """Keep only what this run used; write atomically. A cache that cannot be written is skipped."""
        if self.path is None or not (self.dirty or len(self.used) != len(self.entries)):
            return
        keep = {k: v for k, v in self.entries.items() if k in self.used}
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scenarios-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(keep, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; never fail a run over it
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)

