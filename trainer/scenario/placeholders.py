"""Placeholders in what a scenario says: `{trainee}` stands for the trainee's first name.

A scenario never hard-codes the trainee's name ("I'm Alex"): the person playing is whoever opened it.
`{trainee}` in a node's, choice's or ending's text is replaced when it is played by the trainee's first
name, or by the scenario's `role` when there is no name (simulate, preview, a nameless trainee). The
played scenario is a personalised copy, so everything downstream (the play screen, the recorded choice
text, the transcript, the debrief, the review, exports) shows the same words the trainee saw. Any other
`{word}` is a validate error: a typo such as `{trainees}` would otherwise reach the trainee verbatim.
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType
from typing import Mapping

TRAINEE = "{trainee}"
KNOWN = ("trainee",)
PLACEHOLDER = re.compile(r"\{([^\W\d][\w-]*)\}")  # `{word}`; other braces ("{…}", "{ }") are plain text
_CACHED = 32  # personalised copies kept per scenario (one per name playing it in this process)


def first_name(name: str | None) -> str:
    """The first word of a trainee's name, cleaned for display ('' when there is none)."""
    from trainer.sanitize import line

    words = line(name or "").split()
    return words[0] if words else ""


def unknown_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(1) not in KNOWN]


def fill(text: str, trainee: str) -> str:
    return text.replace(TRAINEE, trainee) if TRAINEE in text else text


def uses_placeholder(scenario) -> bool:
    """Whether any of the scenario's played text names the trainee (computed once per scenario)."""
    return scenario.memo("_uses_trainee", lambda s: _mentions(s.nodes) or _mentions(s.endings))


def personalised(scenario, trainee_name: str | None = None):
    """`scenario` with `{trainee}` replaced by the trainee's first name (else the scenario's role). The
    same object when the scenario has no placeholder; a copy otherwise, sharing the original's analysis
    (it does not depend on the words) and kept for the next attempt by the same name."""
    if not uses_placeholder(scenario):
        return scenario
    from trainer.sanitize import line

    shown = first_name(trainee_name) or " ".join(line(scenario.role).split())
    copies = scenario.memo("_personalised", lambda s: {})
    copy = copies.get(shown)
    if copy is None:
        from trainer.scenario.analysis import analysis_for

        copy = dataclasses.replace(scenario, nodes=_filled(scenario.nodes, shown),
                                   endings=_filled(scenario.endings, shown))
        copy.__dict__["_analysis"] = analysis_for(scenario)
        copy.__dict__["_uses_trainee"] = False  # already filled: personalising it again changes nothing
        if len(copies) >= _CACHED:
            copies.pop(next(iter(copies)))
        copies[shown] = copy
    return copy


def _mentions(value) -> bool:
    if isinstance(value, str):
        return TRAINEE in value
    if isinstance(value, tuple):
        return any(_mentions(v) for v in value)
    if isinstance(value, Mapping):
        return any(_mentions(v) for v in value.values())
    if dataclasses.is_dataclass(value):
        return any(_mentions(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "locs")
    return False


def _filled(value, name: str):
    """`value` with every `{trainee}` in its text replaced; unchanged parts are the same objects."""
    if isinstance(value, str):
        return fill(value, name)
    if isinstance(value, tuple):
        new = tuple(_filled(v, name) for v in value)
        return value if all(a is b for a, b in zip(new, value)) else new
    if isinstance(value, Mapping):
        new = {k: _filled(v, name) for k, v in value.items()}
        return value if all(new[k] is v for k, v in value.items()) else MappingProxyType(new)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: new for f in dataclasses.fields(value) if f.name != "locs"
                   and (new := _filled(old := getattr(value, f.name), name)) is not old}
        return dataclasses.replace(value, **changes) if changes else value
    return value


def check_placeholders(scenario, text: str, report) -> None:
    """A validate error, at the placeholder's own line and column, for every `{word}` that is not known."""
    if all(m.group(1) in KNOWN for m in PLACEHOLDER.finditer(text)) and "\\x7" not in text.lower() \
            and "\\u007" not in text.lower():
        return  # no unknown `{word}` anywhere in the file (nor a brace written as an escape): nothing to place
    lines = text.splitlines()
    for where, value in _texts(scenario):
        for token in unknown_placeholders(value):
            loc = _find(lines, token, where)
            report.error(loc, f"unknown placeholder {token}: the only placeholder is {TRAINEE} (the trainee's "
                         "first name, or the scenario's role when there is none)",
                         f"write {TRAINEE}, or remove the braces", code="placeholder")


def _texts(scenario):
    """(location, text) of every string the trainee may be shown from the nodes and endings."""
    from trainer.scenario.diagnostics import Location

    def walk(value, loc):
        if isinstance(value, str):
            if "{" in value:
                yield loc, value
        elif isinstance(value, tuple):
            for v in value:
                yield from walk(v, loc)
        elif isinstance(value, Mapping):
            for v in value.values():
                yield from walk(v, loc)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            locs = getattr(value, "locs", {}) or {}
            here = locs.get("", loc)
            for f in dataclasses.fields(value):
                if f.name != "locs":
                    yield from walk(getattr(value, f.name), locs.get(f.name, here))

    yield from walk(scenario.nodes, scenario.locs.get("nodes", Location()))
    yield from walk(scenario.endings, scenario.locs.get("endings", Location()))


def _find(lines: list[str], token: str, where):
    """Where `token` is written: searched from the value's own line (a folded value spans several)."""
    from trainer.scenario.diagnostics import Location

    start = max(where.line, 1)
    for number in range(start, min(len(lines), start + 400) + 1):
        col = lines[number - 1].find(token)
        if col >= 0:
            return Location(number, col + 1)
    return where
