"""`trainer validate`'s checks across files: a translation or an alternate form against its original. The
original is found among the files being checked, else in the library; the few files involved are read
afresh, so that messages point at lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from trainer.scenario.diagnostics import Report


class CrossFileCheck:
    def __init__(self, files: list[Path], reports: list[Report], library: Callable[[], object]):
        from trainer.scenario.format import nfc

        self.reports = dict(zip(files, reports))
        self.checked = {nfc(p.stem): p for p in files}
        self._library = library  # called only when an original is not among the files
        self._fresh: dict[Path, object] = {}

    def model(self, path: Path):
        """The scenario in `path` read afresh (None when it has errors of its own), once."""
        from trainer.scenario.loader import check_file

        if path not in self._fresh:
            self._fresh[path] = check_file(path)[0]
        return self._fresh[path]

    def original(self, ident: str):
        return self.model(self.checked[ident]) if ident in self.checked else self._library().get(ident)

    def pair(self, path: Path, target: str) -> tuple[object, set[str], Report] | None:
        """(scenario, the ids it may name, its report) for the file at `path` linked to the original
        `target`; None when its own errors, or its original's, are reported already."""
        scenario = self.model(path)
        if scenario is None or (target in self.checked and self.model(self.checked[target]) is None):
            return None
        known = set(self.checked) | (set() if target in self.checked else set(self._library().summaries))
        return scenario, known, self.reports[path]

    def pairs(self, links: dict[Path, str]) -> Iterator[tuple[object, set[str], Report]]:
        for path, target in links.items():
            found = self.pair(path, target)
            if found is not None:
                yield found
