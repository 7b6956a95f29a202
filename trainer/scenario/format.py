"""Declarative value kinds for the scenario format.

Each model field names its kind; the loader converts YAML through the kinds and the JSON Schema is
generated from the very same kinds, so the documentation, the schema and the loader cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from types import MappingProxyType
from typing import Any

from trainer.scenario.diagnostics import Location, Report, did_you_mean
from trainer.scenario.yamlsrc import YMap, YNode, YScalar, YSeq

BAD = object()  # a value that failed to convert; its error is already reported

# Ids may use any language's letters and digits, plus '-' and '_', starting with a letter or digit; they
# are compared NFC-normalised (the YAML text is normalised as it is read). ID_PATTERN is what the JSON
# Schema says: it refuses ASCII punctuation, spaces and control characters in both the ECMA-262 and the
# Python dialects; `is_id` (what the loader applies) is exact for non-ASCII characters as well.
ID_PATTERN = (r"^[^\u0000-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007F\s]"
              r"[^\u0000-\u002C\u002E\u002F\u003A-\u0040\u005B-\u005E\u0060\u007B-\u007F\s]*$")
ID_HINT = "use letters (any language), digits, '-' and '_' only, starting with a letter or digit"
_ASCII_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def is_id(text: str) -> bool:
    """Unicode letters and digits (with the combining marks some scripts write them with), '-' and '_',
    starting with a letter or digit."""
    if _ASCII_ID.fullmatch(text):
        return True
    if not text or text.isascii() or not text[0].isalnum():
        return False
    return all(c.isalnum() or c in "-_" or unicodedata.category(c)[0] == "M" for c in text)


def nfc(text: str) -> str:
    """The NFC form ids are compared in (what a user types may arrive decomposed, e.g. from macOS)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


class _IdRule:
    """`is_id` in the shape of a compiled pattern, for the kinds that take a pattern."""

    pattern = ID_PATTERN

    @staticmethod
    def fullmatch(text: str) -> bool:
        return is_id(text)


_ID_RE = _IdRule()


def _compile(pattern: str):
    return _ID_RE if pattern == ID_PATTERN else re.compile(pattern)


def spec(kind: "Kind", doc: str, *, default: Any = None, required: bool = False) -> Any:
    """A dataclass field that the loader and schema generator read."""
    meta = {"kind": kind, "doc": doc, "required": required}
    if isinstance(default, (list, dict, set)):
        raise TypeError("use tuples or mapping proxies for immutable defaults")
    if isinstance(default, MappingProxyType):  # immutable, but dataclasses cannot tell
        return dataclasses.field(default_factory=lambda: default, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _describe(y: YNode) -> str:
    if isinstance(y, YMap):
        return "a mapping"
    if isinstance(y, YSeq):
        return "a list"
    v = y.value
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"true/false ({str(v).lower()})"
    if isinstance(v, (int, float)):
        return f"the number {v}"
    text = str(v)
    return f"text '{text[:40]}{'…' if len(text) > 40 else ''}'"


class Kind:
    label = "a value"

    def convert(self, y: YNode, report: Report, name: str) -> Any:
        raise NotImplementedError

    def schema(self, defs: dict) -> dict:
        raise NotImplementedError

    def _wrong(self, y: YNode, report: Report, name: str, hint: str = "") -> object:
        report.error(y.loc, f"'{name}' must be {self.label}, not {_describe(y)}", hint, code="type")
        return BAD


class Str(Kind):
    label = "text"

    def __init__(self, pattern: str | None = None, pattern_hint: str = "", allow_empty: bool = False):
        self.pattern = pattern
        self.regex = _compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint
        self.allow_empty = allow_empty

    def convert(self, y, report, name):
        if not isinstance(y, YScalar) or not isinstance(y.value, str):
            hint = "put quotes around text that looks like a number or yes/no" if isinstance(y, YScalar) else ""
            return self._wrong(y, report, name, hint)
        if not self.allow_empty and not y.value.strip():
            report.error(y.loc, f"'{name}' must not be empty", code="empty")
            return BAD
        if self.regex and not self.regex.fullmatch(y.value):
            report.error(y.loc, f"'{name}' value '{y.value}' is not allowed here", self.pattern_hint, code="pattern")
            return BAD
        return y.value

    def schema(self, defs):
        out: dict = {"type": "string"}
        if self.regex:
            out["pattern"] = self.pattern
        elif not self.allow_empty:
            out["minLength"] = 1
        return out


class Bool(Kind):
    label = "true or false"

    def convert(self, y, report, name):
        if not isinstance(y, YScalar) or not isinstance(y.value, bool):
            return self._wrong(y, report, name, "write true or false, without quotes")
        return y.value

    def schema(self, defs):
        return {"type": "boolean"}


class Enum(Kind):
    def __init__(self, values: tuple[str, ...]):
        self.values = values
        self.label = "one of " + ", ".join(values)

    def convert(self, y, report, name):
        if not isinstance(y, YScalar) or not isinstance(y.value, str):
            return self._wrong(y, report, name)
        if y.value not in self.values:
            report.error(y.loc, f"'{name}' must be one of {', '.join(self.values)}, not '{y.value}'"
                         + did_you_mean(y.value, self.values), code="enum")
            return BAD
        return y.value

    def schema(self, defs):
        return {"enum": list(self.values)}


class Num(Kind):
    def __init__(self, minimum: float | None = None, maximum: float | None = None, integer: bool = False):
        self.minimum, self.maximum, self.integer = minimum, maximum, integer
        self.label = "a whole number" if integer else "a number"

    def convert(self, y, report, name):
        ok_types = (int,) if self.integer else (int, float)
        if not isinstance(y, YScalar) or isinstance(y.value, bool) or not isinstance(y.value, ok_types):
            return self._wrong(y, report, name)
        if isinstance(y.value, float) and not math.isfinite(y.value):
            return self._wrong(y, report, name)
        if self.minimum is not None and y.value < self.minimum:
            report.error(y.loc, f"'{name}' must be at least {self.minimum}, not {y.value}", code="range")
            return BAD
        if self.maximum is not None and y.value > self.maximum:
            report.error(y.loc, f"'{name}' must be at most {self.maximum}, not {y.value}", code="range")
            return BAD
        return y.value

    def schema(self, defs):
        out: dict = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


def Int(minimum: int | None = None, maximum: int | None = None) -> Num:
    return Num(minimum, maximum, integer=True)


def _item_name(name: str, number: int, item) -> str:
    """How a message names a list item: a choice by its id (given, or the default c1, c2…), never by its
    position (`choices[2]`), which an author has to count to find; other items by position."""
    if name != "choices":
        return f"{name}[{number}]"
    ident = item.get("id") if isinstance(item, YMap) else None
    shown = ident.value if isinstance(ident, YScalar) and isinstance(ident.value, str) and ident.value else f"c{number}"
    return f"choice '{shown}'"


class List(Kind):
    def __init__(self, item: Kind, min_items: int = 0, unique: bool = False, single_ok: bool = False):
        self.item, self.min_items, self.unique, self.single_ok = item, min_items, unique, single_ok
        self.label = f"a list of {item.label}"

    def convert(self, y, report, name):
        if isinstance(y, YScalar) and self.single_ok and y.value is not None:
            y = YSeq([y], y.loc)
        if not isinstance(y, YSeq):
            return self._wrong(y, report, name)
        if len(y.items) < self.min_items:
            report.error(y.loc, f"'{name}' needs at least {self.min_items} item(s)", code="empty")
            return BAD
        out, seen = [], set()
        for i, item in enumerate(y.items, 1):
            value = self.item.convert(item, report, _item_name(name, i, item))
            if value is BAD:
                continue
            if self.unique and value in seen:
                report.error(item.loc, f"'{value}' is listed twice in '{name}'", code="duplicate")
                continue
            seen.add(value) if self.unique else None
            out.append(value)
        return tuple(out)

    def schema(self, defs):
        items = {"type": "array", "items": self.item.schema(defs)}
        if self.min_items:
            items["minItems"] = self.min_items
        if self.unique:
            items["uniqueItems"] = True
        if self.single_ok:
            return {"anyOf": [self.item.schema(defs), items]}
        return items


class Dict(Kind):
    """A mapping with free keys (skills to points, bands to numbers); keeps file order."""

    def __init__(self, value: Kind, key_pattern: str = ID_PATTERN, key_label: str = "name"):
        self.value, self.key_pattern, self.key_label = value, key_pattern, key_label
        self.key_re = _compile(key_pattern)
        self.label = f"a mapping of {key_label} to {value.label}"

    def convert(self, y, report, name):
        if not isinstance(y, YMap):
            return self._wrong(y, report, name)
        out = {}
        for key, item in y.items:
            if not self.key_re.fullmatch(str(key.value)):
                report.error(key.loc, f"'{key.value}' is not a valid {self.key_label} in '{name}'",
                             ID_HINT,
                             code="pattern")
                continue
            value = self.value.convert(item, report, f"{name}.{key.value}")
            if value is not BAD:
                out[key.value] = value
        return MappingProxyType(out)

    def schema(self, defs):
        return {"type": "object", "propertyNames": {"pattern": self.key_pattern},
                "additionalProperties": self.value.schema(defs)}


class Obj(Kind):
    """A mapping whose keys are a dataclass's `spec` fields; unknown keys are errors.

    A mapping always converts to an object (bad values fall back to defaults, after reporting), so
    the cross-reference checks still run and every error in a file is reported in one pass."""

    def __init__(self, cls: type, id_field: str | None = None, one_of: tuple[str, ...] = ()):
        self.cls, self.id_field = cls, id_field
        self.one_of = one_of  # keys of which exactly one must be given (e.g. character / characters)
        self.label = f"a mapping ({cls.__name__.lower()})"

    def fields(self):
        cached = self.__dict__.get("_fields")
        if cached is None:
            cached = self._fields = [f for f in dataclasses.fields(self.cls) if "kind" in f.metadata]
            self._names = {f.name for f in dataclasses.fields(self.cls)}
        return cached

    def convert(self, y, report, name, ident: str | None = None, key_loc: Location | None = None):
        if not isinstance(y, YMap):
            return self._wrong(y, report, name)
        fields = self.__dict__.get("_by_name")
        if fields is None:
            fields = self._by_name = {f.name: f for f in self.fields()}
        values: dict[str, Any] = {}
        locs: dict[str, Location] = {"": y.loc}
        previous = None
        for key, item in y.items:
            field = fields.get(key.value)
            if field is None:
                _unknown_key(key, item, previous, fields, report, name)
                continue
            previous = key, item
            locs[key.value] = item.loc
            value = field.metadata["kind"].convert(item, report, key.value)
            if value is not BAD:  # a bad value keeps the default so later checks still run
                values[key.value] = value
        for field in fields.values():
            if field.metadata["required"] and field.name not in locs:
                report.error(y.loc, f"{name} is missing required key '{field.name}'",
                             field.metadata["doc"], code="missing")
        if self.one_of:
            self._check_one_of(y, locs, report, name)
        if key_loc is not None:  # an entry of an id map: where its id is written, for messages about the id
            locs["id"] = key_loc
        extra = {}
        names = self._names
        if "locs" in names:
            extra["locs"] = MappingProxyType(locs)
        if self.id_field and ident is not None:
            extra[self.id_field] = ident
        return self.cls(**values, **extra)

    def _check_one_of(self, y: YMap, locs, report: Report, name: str) -> None:
        given = [key for key in self.one_of if key in locs]
        wanted = " or ".join(f"'{key}'" for key in self.one_of)
        if not given:
            first = self._by_name[self.one_of[0]]
            report.error(y.loc, f"{name} is missing required key {wanted}", first.metadata["doc"], code="missing")
        for key in given[1:]:
            report.error(locs[key], f"{name} has both '{given[0]}' and '{key}'; use one of them",
                         self._by_name[key].metadata["doc"], code="conflict")

    def schema(self, defs):
        ref = self.cls.__name__
        if ref not in defs:
            defs[ref] = {}  # placeholder against recursion
            props, required = {}, []
            for f in self.fields():
                sub = dict(f.metadata["kind"].schema(defs))
                sub["description"] = f.metadata["doc"]
                default = f.default
                if default is dataclasses.MISSING and f.default_factory is not dataclasses.MISSING:
                    default = f.default_factory()
                if default is not None and default is not dataclasses.MISSING and not f.metadata["required"]:
                    if isinstance(default, tuple):
                        default = list(default)
                    if isinstance(default, (str, int, float, bool, list)):
                        sub["default"] = default
                props[f.name] = sub
                if f.metadata["required"]:
                    required.append(f.name)
            body: dict = {"type": "object", "properties": props, "additionalProperties": False}
            if self.cls.__doc__:
                body["description"] = " ".join(self.cls.__doc__.split())
            if required:
                body["required"] = required
            if self.one_of:
                body["oneOf"] = [{"required": [key]} for key in self.one_of]
            defs[ref] = body
        return {"$ref": f"#/$defs/{ref}"}


def _unknown_key(key, item, previous, fields, report: Report, name: str) -> None:
    """An unknown key, with a did-you-mean; a key with no value right after some text is most likely that
    text's rest after a comma inside {…} (`{text: Hello, how are you, next: b}`): say so, quoted."""
    close = did_you_mean(key.value, fields)
    if (not close and isinstance(item, YScalar) and item.value is None and previous is not None
            and isinstance(previous[1], YScalar) and isinstance(previous[1].value, str)):
        from trainer.scenario.yamlhelp import quoted

        report.error(key.loc, f"unknown key '{key.value}' in {name}: a comma inside {{…}} ends the text of "
                     f"'{previous[0].value}', so YAML reads the rest as a key",
                     f"put the text in quotes: {previous[0].value}: {quoted(f'{previous[1].value}, {key.value}')}",
                     code="unknown-key")
        return
    report.error(key.loc, f"unknown key '{key.value}' in {name}" + close,
                 f"allowed here: {', '.join(fields)}", code="unknown-key")


class IdMap(Kind):
    """A mapping of ids to objects (nodes, endings, skills): the key becomes the object's id."""

    def __init__(self, obj: Obj, key_label: str, min_items: int = 0):
        self.obj, self.key_label, self.min_items = obj, key_label, min_items
        self.label = f"a mapping of {key_label} ids to {obj.label}"

    def convert(self, y, report, name):
        if not isinstance(y, YMap):
            return self._wrong(y, report, name)
        if len(y.items) < self.min_items:
            report.error(y.loc, f"'{name}' needs at least {self.min_items} entry", code="empty")
        out = {}
        for key, item in y.items:
            ident = str(key.value)
            if not _ID_RE.fullmatch(ident):
                report.error(key.loc, f"'{ident}' is not a valid {self.key_label} id",
                             ID_HINT,
                             code="pattern")
                continue
            if isinstance(item, YScalar) and item.value is None:
                item = YMap([], item.loc)
            value = self.obj.convert(item, report, f"{self.key_label} '{ident}'", ident, key.loc)
            if value is not BAD:
                out[ident] = value
        return MappingProxyType(out)

    def schema(self, defs):
        out = {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
               "additionalProperties": self.obj.schema(defs)}
        if self.min_items:
            out["minProperties"] = self.min_items
        return out
