"""Safe YAML reading that keeps line and column for every value.

We compose (never construct) documents, so no tag can ever build a Python object, and we convert the
node tree ourselves: that is where duplicate keys, alias bombs and odd tags are caught with a location.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
import unicodedata
from pathlib import Path

from trainer.scenario.diagnostics import Location, Report

MAX_BYTES = 1_000_000
MAX_ALIAS_VALUES = 10_000  # values that aliases may expand to (real scenarios use none)
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class YScalar:
    __slots__ = ("value", "loc")

    def __init__(self, value: object, loc: Location):
        self.value, self.loc = value, loc


class YSeq:
    __slots__ = ("items", "loc")

    def __init__(self, items: list, loc: Location):
        self.items, self.loc = items, loc


class YMap:
    __slots__ = ("items", "loc")

    def __init__(self, items: list, loc: Location):
        self.items, self.loc = items, loc  # items: [(YScalar key, value)] in file order

    def get(self, key: str):
        for k, v in self.items:
            if k.value == key:
                return v
        return None


YNode = YScalar | YSeq | YMap


def _loc(node) -> Location:
    mark = node.start_mark
    return Location(mark.line + 1, mark.column + 1)


class _TooBig(Exception):
    pass


def read_bytes(path: Path, report: Report) -> bytes | None:
    """The file's bytes, or None with an error in `report` (a folder, missing, not a plain file, too big).

    A FIFO or a device (or a symlink to one) is refused from its metadata without being opened: reading
    /dev/zero or a pipe would never end. The file is opened non-blocking, checked again through its
    descriptor, and read no further than the size limit whatever it claims its size is."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            report.error(Location(), "this is a folder, not a scenario file",
                         "pass a .yaml file, or the folder itself to `trainer validate`")
            return None
        if not stat.S_ISREG(info.st_mode):
            report.error(Location(), f"this is not a regular file ({_kind(info.st_mode)}); it was not read",
                         "scenario files are plain .yaml files")
            return None
        if info.st_size > MAX_BYTES:
            report.error(Location(), f"file is {info.st_size:,} bytes; scenarios are limited to {MAX_BYTES:,}",
                         "split very long scenarios into several files")
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped after the check above
                report.error(Location(), "this is not a regular file; it was not read")
                return None
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            report.error(Location(), "this path is a loop of symbolic links; it was not read",
                         "point the link at the scenario file itself (`ls -l` shows where each link points)")
        else:
            report.error(Location(), f"cannot read file: {exc.strerror or exc.__class__.__name__}")
        return None
    if len(data) > MAX_BYTES:
        report.error(Location(), f"file is over {MAX_BYTES:,} bytes", "split very long scenarios into several files")
        return None
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def decode(data: bytes, report: Report) -> str | None:
    """UTF-8 text, or None with an error pointing at the first bad byte (or a NUL: binary file)."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        report.error(Location(line, 1), "file contains NUL bytes: it looks binary, not YAML")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        report.error(Location(line, col), f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                     "save the file as UTF-8 in your editor")
        return None


def read_text(path: Path, report: Report) -> str | None:
    data = read_bytes(path, report)
    return None if data is None else decode(data, report)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _yaml():
    """PyYAML, imported on first parse: a start-up served from the cache never needs it."""
    import yaml

    return yaml


_LOADER = None
_RESOLVED_LENGTH = 40  # scalars this short (keys, ids, numbers, flags) have their tag remembered
_RESOLVED_COUNT = 8192  # ... this many, then the memo starts afresh (a bound on memory, whatever is read)


def _loader():
    """libyaml's safe loader (when the build has it) with a memo for the tags of short plain scalars.

    Why: even with libyaml, each scalar's tag is decided by PyYAML's resolver in Python (a regex per
    candidate tag), about 1 ms of a 13 ms check per file, and most scalars are the same few dozen keys and
    values. For the safe loader that decision depends only on (kind, value, implicit): it has no path
    resolvers, so the memo returns exactly what the resolver would."""
    global _LOADER
    if _LOADER is None:
        yaml = _yaml()
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        if base.yaml_path_resolvers:  # never for the safe loader: then the decision would depend on the path
            _LOADER = base
            return base
        resolve, memo = base.resolve, {}

        class MemoLoader(base):
            def resolve(self, kind, value, implicit):
                if value is None or len(value) > _RESOLVED_LENGTH:
                    return resolve(self, kind, value, implicit)
                key = (kind, value, implicit)
                tag = memo.get(key)
                if tag is None:
                    if len(memo) >= _RESOLVED_COUNT:
                        memo.clear()
                    tag = memo[key] = resolve(self, kind, value, implicit)
                return tag

        _LOADER = MemoLoader
    return _LOADER


def parse(text: str, report: Report) -> YNode | None:
    """Compose `text` and convert it to Y-nodes; None (with errors reported) when it cannot be read."""
    yaml = _yaml()
    if not text.isascii() and (bad := _SURROGATE.search(text)):
        # Only text that did not come from a UTF-8 file can hold one; libyaml would raise on it.
        before = text[: bad.start()]
        report.error(Location(before.count("\n") + 1, bad.start() - (before.rfind("\n") + 1) + 1),
                     f"text holds an unpaired surrogate (U+{ord(bad.group()):04X}), which is not a character",
                     "delete it, or retype the character around it")
        return None
    if not text.isascii():  # ids typed decomposed (NFD) and composed (NFC) must be the same id
        text = unicodedata.normalize("NFC", text)
    try:
        node = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        if "expected a single document" in str(exc):
            mark = exc.problem_mark
            report.error(Location(mark.line + 1, mark.column + 1) if mark else Location(),
                         "YAML syntax: the file holds more than one YAML document", "one scenario per file: remove the '---'")
            return None
        from trainer.scenario.yamlhelp import explain

        report.error(*explain(exc, text), code="yaml")
        return None
    except yaml.YAMLError as exc:
        report.error(Location(), f"YAML syntax: {exc}")
        return None
    except RecursionError:
        report.error(Location(), f"nesting is deeper than {MAX_DEPTH} levels")
        return None
    if node is None:
        report.error(Location(), "the file is empty", "start from `trainer new` or docs/scenario-format.md")
        return None
    try:
        return _Converter(yaml, report).convert(node)
    except _TooBig as exc:
        report.error(_loc(node), str(exc), "remove the anchors (&) and aliases (*) that repeat large blocks")
        return None


_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")


def _scalar(node, report: Report):
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _INT:
        try:
            return int(text.replace("_", ""), 0) if not _INT_RE.match(text) else int(text.replace("_", ""))
        except ValueError:
            return text
    if tag == _FLOAT:
        low = text.lower().replace("_", "")
        if low in (".nan",):
            return math.nan
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        try:
            return float(low)
        except ValueError:
            return text
    report.error(_loc(node), f"unsupported YAML tag '{tag}'",
                 "scenario files use plain text, numbers, lists and mappings only")
    return text


_new_tuple = tuple.__new__


class _Converter:
    """Y-nodes from composed YAML nodes. Anchors may be reused, but what aliases expand to is
    bounded, so a 'billion laughs' file is refused instead of eating memory."""

    def __init__(self, yaml, report: Report):
        self.scalar_type, self.seq_type = yaml.ScalarNode, yaml.SequenceNode
        self.report = report
        self.visited: set[int] = set()
        self.active: set[int] = set()
        self.alias_values = 0

    def loc(self, node) -> Location:
        mark = node.start_mark
        return _new_tuple(Location, (mark.line + 1, mark.column + 1))

    def convert(self, node, depth: int = 0, aliased: bool = False) -> YNode:
        nid = id(node)
        visited = self.visited
        if aliased or nid in visited:
            aliased = True
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise _TooBig(f"aliases expand to more than {MAX_ALIAS_VALUES:,} values (alias expansion)")
        else:
            visited.add(nid)
        mark = node.start_mark
        loc = _new_tuple(Location, (mark.line + 1, mark.column + 1))
        if node.__class__ is self.scalar_type:  # most nodes: keep this path short
            return YScalar(node.value if node.tag == _STR else _scalar(node, self.report), loc)
        if depth > MAX_DEPTH:
            raise _TooBig(f"nesting is deeper than {MAX_DEPTH} levels")
        if nid in self.active:
            raise _TooBig("an alias refers to itself (recursive anchor)")
        self.active.add(nid)
        try:
            if node.__class__ is self.seq_type:
                if node.tag != _SEQ:
                    self.report.error(loc, f"unsupported YAML tag '{node.tag}'")
                convert = self.convert
                return YSeq([convert(n, depth + 1, aliased) for n in node.value], loc)
            if node.tag != _MAP:
                self.report.error(loc, f"unsupported YAML tag '{node.tag}'")
            return YMap(self._items(node, depth, aliased), loc)
        finally:
            self.active.discard(nid)

    def _items(self, node, depth: int, aliased: bool) -> list:
        report = self.report
        scalar_type = self.scalar_type
        convert = self.convert
        items = []
        seen: dict[object, Location] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not scalar_type:
                report.error(self.loc(key_node), "mapping keys must be plain text")
                continue
            mark = key_node.start_mark
            key_loc = _new_tuple(Location, (mark.line + 1, mark.column + 1))
            if key_node.tag == "tag:yaml.org,2002:merge":
                report.error(key_loc, "YAML merge keys ('<<') are not supported", "write the keys out")
                continue
            value = key_node.value if key_node.tag == _STR else _scalar(key_node, report)
            if value is None or isinstance(value, (int, float, bool)):
                value = "" if value is None else str(key_node.value)
            if value in seen:
                report.error(key_loc, f"duplicate key '{value}' (first defined at line {seen[value].line})",
                             "a key can appear only once here: remove or rename one of them")
                continue
            seen[value] = key_loc
            items.append((YScalar(value, key_loc), convert(value_node, depth + 1, aliased)))
        return items
