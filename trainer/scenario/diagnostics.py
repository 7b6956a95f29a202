"""Diagnostics: the `path:line:col: severity: message` lines every tool prints.

Kept separate from the loader so the CLI, the linter and the TUI format problems the same way.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A 1-based position in a source file."""

    line: int = 1
    col: int = 1


class Diagnostic(NamedTuple):
    path: str
    loc: Location
    severity: str  # "error" or "warning"
    message: str
    hint: str = ""
    code: str = ""

    def format(self) -> str:
        """One line (two with a hint); anything quoted from the file is shown with control characters escaped."""
        from trainer.sanitize import line

        text = f"{line(self.path)}:{self.loc.line}:{self.loc.col}: {self.severity}: {line(self.message)}"
        if self.hint:
            text += f"\n  hint: {line(self.hint)}"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.loc.line,
            "col": self.loc.col,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        }


class Report:
    """Collects every problem in one file so they are all reported together."""

    __slots__ = ("path", "diagnostics", "_seen")

    def __init__(self, path: str, diagnostics: list[Diagnostic] | None = None):
        self.path = path
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []
        self._seen = set(self.diagnostics)

    def error(self, loc: Location, message: str, hint: str = "", code: str = "") -> None:
        self._add(Diagnostic(self.path, loc, "error", message, hint, code))

    def warning(self, loc: Location, message: str, hint: str = "", code: str = "") -> None:
        self._add(Diagnostic(self.path, loc, "warning", message, hint, code))

    def _add(self, diagnostic: Diagnostic) -> None:
        """Once only: a block reused through a YAML alias is checked at each use, at the same place."""
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.diagnostics.append(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.loc, d.severity, d.message))


class ScenarioError(Exception):
    """Raised when a scenario file cannot be loaded; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.path, d.loc))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


def did_you_mean(word: str, candidates, n: int = 1, translated: bool = False) -> str:
    """A ' did you mean "x"?' suffix, or '' when nothing is close. Scenario diagnostics keep it English (their
    reports are cached); `translated` gives it in the user's language, for the command line's messages."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=n, cutoff=0.6)
    if not close:
        return ""
    if translated:
        from trainer.i18n import _

        return " " + _("(did you mean {names}?)").format(names=", ".join(f"'{c}'" for c in close))
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible: shorter and clickable in editors. (The
    working directory and each file's folder are resolved once, not once per file: start-up shows 40 of
    these.)"""
    p = Path(path)
    try:
        return str(_resolved(p).relative_to(_resolved_folder(os.getcwd())))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11, 3.12)
        return str(p)


def _resolved(p: Path) -> Path:
    """`p.resolve()`, with its folder resolved once for all the files in it (resolving asks the system about
    every part of the path: the largest part of reading the library at start-up, bench: start-up)."""
    if p.name in ("", ".", "..") or os.path.islink(p):
        return p.resolve()
    return _resolved_folder(str(p.parent)) / p.name


@functools.lru_cache(maxsize=64)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()
