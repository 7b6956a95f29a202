"""Translations: a scenario with `translation_of:` must have its original's structure (node, choice and
ending ids, points, mood changes, conditions, critical errors, timers, flags, technique tags, skills,
pass marks, characters, and who says each line when); only the text may differ. Checked wherever both
are loaded: the library and `trainer validate`. Each difference is one error in plain words at the
translation's line and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from trainer.scenario.diagnostics import Location, Report, did_you_mean
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a warm start checks translations from summaries, without the model module
    from trainer.scenario.model import Scenario

KEEP_IDS = "a translation keeps the original's ids, numbers and conditions; only the text is translated"


def _loc(obj, key: str = "") -> Location:
    locs = getattr(obj, "locs", None) or {}
    return locs.get(key) or locs.get("") or Location()


def _signed(n: int | float) -> str:
    return f"{n:+g}"


def _listed(items) -> str:
    return ", ".join(items) if items else "none"


class _Diff:
    """Collects the differences between a translation and its original, with the translation's locations."""

    def __init__(self, translation: Scenario, original: Scenario):
        self.t, self.o = translation, original
        self.found: list[tuple[Location, str]] = []
        self.where = f"in the original '{original.id}'"

    def add(self, loc: Location, message: str) -> None:
        self.found.append((loc, message))

    def value(self, loc: Location, what: str, here, there) -> None:
        if here != there:
            self.add(loc, f"{what} is {here} here but {there} {self.where}")

    def run(self) -> list[tuple[Location, str]]:
        t, o = self.t, self.o
        for key in ("category", "difficulty", "pass_mark", "jurisdiction", "topics"):
            self.value(_loc(t, key), f"'{key}'", getattr(t, key), getattr(o, key))
        if t.form_of != o.form_of:  # a translation of a form is recorded under the form's original too
            self.value(_loc(t, "form_of"), "'form_of'", f"'{t.form_of}'" if t.form_of else "not set",
                       f"'{o.form_of}'" if o.form_of else "not set")
        if t.version != o.version:  # attempts record it: retraining compares it with the original's
            self.add(_loc(t, "version"), f"'version' is {t.version} here but {o.version} {self.where}: bring the "
                     f"translation up to date with the original, then set version: {o.version}")
        if t.character is not None and o.character is not None:
            self.value(_loc(t.character, "mood"), "the starting mood", t.character.mood, o.character.mood)
            self._ids("character", t.characters, o.characters, _loc(t, "characters"))
            if t.characters and o.characters:
                self.value(_loc(t.character, "main") if "main" in t.character.locs else _loc(t, "characters"),
                           "the main character", f"'{t.character.id}'", f"'{o.character.id}'")
        self._mood()
        self._skills()
        self.value(_loc(t, "start"), "the start node", f"'{t.start}'", f"'{o.start}'")
        self._ids("node", t.nodes, o.nodes, _loc(t, "nodes"))
        self._ids("ending", t.endings, o.endings, _loc(t, "endings"))
        for ident, node in t.nodes.items():
            if ident in o.nodes:
                self._node(node, o.nodes[ident])
        for ident, ending in t.endings.items():
            if ident in o.endings:
                self.value(_loc(ending, "outcome"), f"ending '{ident}''s outcome", ending.outcome,
                           o.endings[ident].outcome)
                self._lines(ending.says, o.endings[ident].says, _loc(ending, "says"), f"ending '{ident}'")
        return self.found

    def _mood(self) -> None:
        t, o = self.t.mood, self.o.mood
        loc = _loc(self.t, "mood")
        self.value(_loc(t, "min") if t.locs else loc, "the mood scale's min", t.min, o.min)
        self.value(_loc(t, "max") if t.locs else loc, "the mood scale's max", t.max, o.max)
        if dict(t.bands) != dict(o.bands):
            self.add(_loc(t, "bands") if t.locs else loc, "the mood bands are "
                     f"{_listed(f'{k} {v}' for k, v in t.bands.items())} here but "
                     f"{_listed(f'{k} {v}' for k, v in o.bands.items())} {self.where}")

    def _skills(self) -> None:
        loc = _loc(self.t, "skills")
        self._ids("skill", self.t.skills, self.o.skills, loc)
        for ident, skill in self.t.skills.items():
            theirs = self.o.skills.get(ident)
            if theirs is not None:
                self.value(_loc(skill, "weight") if skill.locs else loc, f"skill '{ident}''s weight", skill.weight,
                           theirs.weight)
                self.value(_loc(skill, "threshold") if skill.locs else loc, f"skill '{ident}''s threshold",
                           skill.threshold, theirs.threshold)

    def _ids(self, kind: str, here: Mapping, there: Mapping, loc: Location) -> None:
        extra = [i for i in here if i not in there]
        for ident in there:
            if ident not in here:
                self.add(loc, f"{kind} '{ident}' {self.where} is missing here" + did_you_mean(ident, extra))
        for ident in extra:
            self.add(_loc(here[ident]) if getattr(here[ident], "locs", None) else loc,
                     f"{kind} '{ident}' is not {self.where}" + did_you_mean(ident, [i for i in there if i not in here]))

    def _node(self, node, theirs) -> None:
        name = f"node '{node.id}'"
        if node.shuffle != theirs.shuffle:
            self.add(_loc(node, "shuffle"), f"{name} has shuffle: {str(node.shuffle).lower()} here but "
                     f"{str(theirs.shuffle).lower()} {self.where}")
        mine = [c.id for c in node.choices]
        other = [c.id for c in theirs.choices]
        if mine != other:
            if sorted(mine) == sorted(other):
                self.add(_loc(node, "choices"), f"{name} lists its choices as {_listed(mine)} here but "
                         f"{_listed(other)} {self.where}; keep the original's order")
            else:
                missing = [i for i in other if i not in mine]
                extra = [i for i in mine if i not in other]
                parts = []
                if missing:
                    parts.append(f"lacks choice(s) {_listed(missing)} {self.where}")
                if extra:
                    parts.append(f"has choice(s) {_listed(extra)} that are not {self.where}")
                self.add(_loc(node, "choices"), f"{name} " + " and ".join(parts))
        self._lines(node.says, theirs.says, _loc(node, "says"), name)
        by_id = {c.id: c for c in theirs.choices}
        for choice in node.choices:
            if choice.id in by_id:
                self._effects(choice, by_id[choice.id], f"choice '{choice.id}' in {name}")
        if (node.timeout is None) != (theirs.timeout is None):
            has = "has a timeout" if node.timeout is not None else "has no timeout"
            self.add(_loc(node, "timeout"), f"{name} {has} here, unlike {self.where}")
        elif node.timeout is not None:
            self.value(_loc(node.timeout, "seconds"), f"the timeout of {name}", f"{node.timeout.seconds:g} seconds",
                       f"{theirs.timeout.seconds:g} seconds")
            self._effects(node.timeout, theirs.timeout, f"the timeout of {name}")

    def _effects(self, mine, theirs, name: str) -> None:
        """What a choice (or a timeout) does: where it leads, points, mood, critical error, tags, flags, condition."""
        self.value(_loc(mine, "next"), f"where {name} leads", f"'{mine.next}'", f"'{theirs.next}'")
        for skill in dict.fromkeys([*theirs.points, *mine.points]):
            here, there = mine.points.get(skill), theirs.points.get(skill)
            if here != there:
                give = f"gives {skill} {_signed(here)}" if here is not None else f"gives no {skill} points"
                other = f"{_signed(there)}" if there is not None else "none"
                self.add(_loc(mine, "points"), f"{name} {give} here but {other} {self.where}")
        if mine.mood != theirs.mood:
            self.add(_loc(mine, "mood"), f"{name} moves the mood {_signed(mine.mood)} here but "
                     f"{_signed(theirs.mood)} {self.where}")
        if (mine.critical is None) != (theirs.critical is None):
            is_or_not = "is a critical error here" if mine.critical is not None else "is not a critical error here"
            self.add(_loc(mine, "critical"), f"{name} {is_or_not}, unlike {self.where}")
        if tuple(mine.tags) != tuple(theirs.tags):
            self.add(_loc(mine, "tags"), f"{name} is tagged {_listed(mine.tags)} here but {_listed(theirs.tags)} "
                     f"{self.where} (technique tags are not translated)")
        for key, verb in (("sets", "sets"), ("clears", "clears")):
            a, b = getattr(mine, key), getattr(theirs, key)
            if sorted(a) != sorted(b):
                self.add(_loc(mine, key), f"{name} {verb} flags {_listed(a)} here but {_listed(b)} {self.where}")
        if _condition(mine.when) != _condition(theirs.when):
            self.add(_loc(mine, "when"), f"{name} is offered {_describe(mine.when)} here but "
                     f"{_describe(theirs.when)} {self.where}")
        self._lines(mine.reply, theirs.reply, _loc(mine, "reply"), f"the reply to {name}")

    def _lines(self, mine, theirs, loc: Location, name: str) -> None:
        """Who speaks each entry of `says`/`reply`, and when: structure, like a choice's condition."""
        if len(mine) != len(theirs):
            self.add(loc, f"what is said at {name} has {len(mine)} entries here but {len(theirs)} {self.where}")
            return
        for number, (entry, other) in enumerate(zip(mine, theirs), 1):
            here, there = _said_by(entry), _said_by(other)
            if here != there:
                self.add(_loc(entry) if entry.locs else loc, f"entry {number} of what is said at {name} is said by "
                         f"{here} here but by {there} {self.where}")


def _said_by(entry) -> str:
    return f"{entry.speaker or 'the main character'} {_describe(entry.when)}"


def _condition(when) -> tuple:
    if when is None:
        return (None, None, (), ())
    return (when.mood_at_least, when.mood_below, tuple(sorted(when.flags)), tuple(sorted(when.not_flags)))


def _describe(when) -> str:
    at_least, below, flags, not_flags = _condition(when)
    parts = []
    if at_least is not None:
        parts.append(f"mood at least {at_least}")
    if below is not None:
        parts.append(f"mood below {below}")
    if flags:
        parts.append("flags " + ", ".join(flags))
    if not_flags:
        parts.append("not flags " + ", ".join(not_flags))
    return "when " + " and ".join(parts) if parts else "always"


def differences(translation: Scenario, original: Scenario) -> list[tuple[Location, str]]:
    """Every structural difference, as (location in the translation, message)."""
    return _Diff(translation, original).run()


def check_translation(translation: Scenario, originals: Mapping[str, Scenario] | Callable[[str], Scenario | None],
                      known: Iterable[str], report: Report,
                      languages_taken: dict[tuple[str, str], str] | None = None, structure: bool = True) -> bool:
    """Report everything wrong with `translation` against its original (found through `originals`, a
    mapping or a lookup); True when it is a sound translation. `known` is every scenario id loaded, for the
    did-you-mean; `languages_taken` ((original, language) -> translation id) finds two translations into
    one language. With `structure` False only what summaries tell is checked (the structure is known to
    match: the library caches that per pair of file contents)."""
    target = translation.translation_of
    loc = _loc(translation, "translation_of")
    lookup = originals.get if isinstance(originals, Mapping) else originals
    original = lookup(target)
    if original is None:
        report.error(loc, f"'translation_of' names '{target}', which is not a loaded scenario"
                     + did_you_mean(target, [k for k in known if k != translation.id]),
                     "name the original's id (its file name without .yaml); the original must be in the library "
                     "or among the files checked", code="translation")
        return False
    if original.translation_of:
        report.error(loc, f"'{target}' is itself a translation (of '{original.translation_of}')",
                     f"translate from the original: translation_of: {original.translation_of}", code="translation")
        return False
    ok = True
    from trainer.scenario.languages import language_name, same_language

    if same_language(translation.language, original.language):
        report.error(_loc(translation, "language"), f"this translation is in the same language as its original "
                     f"'{target}' ({original.language})", "set 'language:' to the language of this file, e.g. "
                     "language: es", code="translation")
        ok = False
    if languages_taken is not None:
        key = (target, translation.language)
        first = languages_taken.setdefault(key, translation.id)
        if first != translation.id:
            report.error(_loc(translation, "language"), f"'{first}' is already the {language_name(translation.language)}"
                         f" ({translation.language}) translation of '{target}'",
                         "keep one translation per language", code="translation")
            ok = False
    for where, message in differences(translation, original) if structure else ():
        report.error(where, message, KEEP_IDS, code="translation")
        ok = False
    return ok
