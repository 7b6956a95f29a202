"""`trainer validate`'s forms check without reading any file twice: originals outside the files checked.

A cold validate of a folder of copies used to parse every form again, and often its original, only for
the line of `form_of:` (a fifth of the bench's files are forms), and to load the whole bundled library
(every file parsed) to find an original that is not among the files. A form's brief (forms.FormBrief) is
taken from the scenario the first check loaded, in whichever process checked it; an original outside the files is read
from the one library file that would be it, and only when that is not plainly an original (missing,
broken, itself a form or a translation: cases where the library's own rules decide) is the whole library
loaded, as before. `tests/test_validate_output.py` compares the output with what it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from trainer.scenario.forms import brief_of


class LibraryOriginals:
    """An original that is not among the files checked, as `load_library(extra).get(ident)` would give it,
    reading one file where that file settles it."""

    def __init__(self, folders: list[Path], library: Callable[[], object]):
        self._folders = folders
        self._library = library
        self._files: list[Path] | None = None
        self._found: dict[str, object] = {}
        self._hashes: dict[str, str] = {}  # id -> content hash of the one file read for it
        self.cache = None  # a ContentCache: which library file contents are plain originals, and their hash

    def _first_file(self, ident: str) -> Path | None:
        from trainer.scenario.format import nfc
        from trainer.scenario.library import scenario_files

        if self._files is None:
            self._files = [path for folder in self._folders for path in scenario_files(folder)]
        return next((p for p in self._files if nfc(p.stem) == ident), None)

    def _plain(self, ident: str):
        """The scenario in the first file named `ident` when it loads without errors and is an original
        (the library keeps such a file as is); None when only the library's rules can say."""
        from trainer.scenario.loader import check_file

        path = self._first_file(ident)
        if path is None:
            return None
        scenario = check_file(path)[0]
        if scenario is None or scenario.form_of or scenario.translation_of:
            return None
        return scenario

    def get(self, ident: str):
        if ident not in self._found:
            plain = self._plain(ident)
            if plain is not None:
                self._found[ident] = brief_of(plain)
                self._hashes[ident] = plain.content_hash
            else:
                self._found[ident] = self._library().get(ident)
        return self._found[ident]

    def content_hash(self, ident: str) -> str | None:
        """The content hash of the file the original comes from (None: there is none). A file already
        found to be a plain original is known by its bytes in `cache`, so a warm run parses nothing."""
        path = self._first_file(ident) if self.cache is not None else None
        data = None
        if path is not None:
            try:
                data = path.read_bytes()
            except OSError:
                data = None
            known = self.cache.get(_ORIGINAL.format(path), data) if data is not None else None
            if known is not None:
                return known
        self.get(ident)
        if ident in self._hashes:
            if data is not None:
                self.cache.put(_ORIGINAL.format(path), data, self._hashes[ident])
            return self._hashes[ident]
        summary = self._library().summaries.get(ident)
        return (getattr(summary, "content_hash", None) or None) if summary is not None else None


_ORIGINAL = "{}#plain-original"  # the cache key's path for "this content is a plain original, with this hash"
