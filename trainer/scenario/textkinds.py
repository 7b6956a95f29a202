"""The text kinds of the scenario format: a choice's wordings, a line's text by mood band, and lists of
lines. Kept apart from the general kinds in `format` (which they build on) because they carry the
format's rules about what is said, not about values."""

from __future__ import annotations

from types import MappingProxyType

from trainer.scenario.format import BAD, Kind, Obj, Str
from trainer.scenario.yamlsrc import YMap, YScalar, YSeq


class Wordings(Kind):
    """Text, or a list of wordings that mean the same (each attempt shows one). Converts to a tuple of texts."""

    label = "text, or a list of wordings that mean the same"

    def __init__(self):
        self.one = Str()

    def convert(self, y, report, name):
        if not isinstance(y, YSeq):
            value = self.one.convert(y, report, name)
            return BAD if value is BAD else (value,)
        if not y.items:
            report.error(y.loc, f"'{name}' has no wordings", "write the text, or a list of one or more wordings",
                         code="empty")
            return BAD
        out: list[str] = []
        for i, item in enumerate(y.items, 1):
            value = self.one.convert(item, report, f"{name}[{i}]")
            if value is BAD:
                continue
            if value in out:
                report.error(item.loc, f"this wording is listed twice in '{name}'",
                             "each wording should say the same thing in different words", code="duplicate")
                continue
            out.append(value)
        return tuple(out) if out else BAD

    def schema(self, defs):
        one = self.one.schema(defs)
        return {"anyOf": [one, {"type": "array", "minItems": 1, "uniqueItems": True, "items": one}]}

class Bands(Kind):
    """Text, or a mapping of mood band names (and `default`) to text so a line can vary with mood."""

    label = "text, or a mapping of mood bands to text"

    def convert(self, y, report, name):
        if isinstance(y, YScalar) and isinstance(y.value, str):
            if not y.value.strip():
                report.error(y.loc, f"'{name}' must not be empty", code="empty")
                return BAD
            return (("default", y.value),)
        if isinstance(y, YMap):
            out = []
            for key, item in y.items:
                if not isinstance(item, YScalar) or not isinstance(item.value, str) or not item.value.strip():
                    report.error(item.loc, f"'{name}.{key.value}' must be text", code="type")
                    continue
                out.append((str(key.value), item.value))
            if not out:
                report.error(y.loc, f"'{name}' has no lines", code="empty")
                return BAD
            return tuple(out)
        return self._wrong(y, report, name)

    def schema(self, defs):
        return {"anyOf": [{"type": "string", "minLength": 1},
                          {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                           "minProperties": 1}]}

class Lines(Kind):
    """What someone says: text, a mapping of mood bands to text, a mapping with `text:` (and `speaker:`,
    `when:`), or a list of these. In a list the first entry whose `when` holds is said."""

    label = "text, a mapping of mood bands to text, or a list of lines"

    def __init__(self, entry: Obj):
        self.entry, self.bands = entry, Bands()

    def convert(self, y, report, name):
        if isinstance(y, YSeq):
            if not y.items:
                report.error(y.loc, f"'{name}' has no lines", code="empty")
                return BAD
            found = [self._one(item, report, f"{name}[{i}]") for i, item in enumerate(y.items, 1)]
            found = [entry for entry in found if entry is not BAD]
            return tuple(found) if found else BAD
        entry = self._one(y, report, name)
        return BAD if entry is BAD else (entry,)

    def _one(self, y, report, name):
        """One entry: a mapping that names any of the entry's keys is written out; anything else is the
        short form (text or mood bands), said by the main character whenever it is reached."""
        keys = {f.name for f in self.entry.fields()}
        if isinstance(y, YMap) and any(key.value in keys for key, _ in y.items):
            return self.entry.convert(y, report, f"'{name}'")
        text = self.bands.convert(y, report, name)
        if text is BAD:
            return BAD
        return self.entry.cls(text=text, locs=MappingProxyType({"": y.loc, "text": y.loc}))

    def schema(self, defs):
        one = self.bands.schema(defs)["anyOf"] + [self.entry.schema(defs)]
        return {"anyOf": [*one, {"type": "array", "minItems": 1, "items": {"anyOf": one}}]}
