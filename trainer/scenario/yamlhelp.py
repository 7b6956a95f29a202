"""YAML syntax errors in plain words with the fix, for people who write scenarios, not programs.

libyaml says *what* it could not read ("mapping values are not allowed in this context"); this module
looks at the line it stopped on and says *why* in the author's terms (text with ': ' in it must be in
quotes, this line is indented 5 spaces and the list item above 6) and shows the corrected line. YAML
stops reading at its first syntax error, so every message ends by saying the rest is checked after.
"""

from __future__ import annotations

import re

from trainer.scenario.diagnostics import Location

AFTER = "reading stopped here: the rest of the file is checked once this is fixed"
SPECIAL = "[]{}&*!|>'\"%@`#,?-:"  # a plain text value cannot start with these (YAML reads them as syntax)
_LINE = re.compile(r"^(?P<indent> *)(?P<dash>-(?: +|$))?(?:(?P<key>[^\s\"'{\[#][^#]*?):(?: +|$))?(?P<value>.*?)\s*$")


class _Line:
    """One source line split as `indent`, an optional list dash, an optional `key:` and the value."""

    def __init__(self, text: str, number: int):
        self.text, self.number = text, number
        m = _LINE.match(text)
        self.indent = len(m.group("indent"))
        self.dash = m.group("dash") is not None
        self.content_col = m.end("dash") if self.dash else self.indent  # where a key on this line starts
        self.key = m.group("key")
        self.value = m.group("value")
        self.prefix = text[: m.start("value")].strip()  # '- feedback:' and the like, as written
        self.value_col = m.start("value")

    @property
    def blank(self) -> bool:
        stripped = self.text.strip()
        return not stripped or stripped.startswith("#")

    def fixed(self, value: str) -> str:
        """The line as it should read, without its indentation."""
        return f"{self.prefix} {value}".strip()


def _against(other: _Line, here: _Line) -> str:
    """How far in `other`'s key starts, in words: 'the line above is indented 4' or
    ''text:' on line 3 starts 4 spaces in'."""
    where = "the line above" if other.number == here.number - 1 else f"line {other.number}"
    if other.dash and other.key:
        return f"'{other.key}:' on {where} starts {_spaces(other.content_col)} in"
    return f"{where} is indented {other.indent}"


def _spaces(n: int) -> str:
    return f"{n} space" if n == 1 else f"{n} spaces"


def quoted(text: str) -> str:
    """`text` in the quotes that need no escaping inside: double, unless it holds a double quote."""
    text = text.strip()
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


class _Source:
    def __init__(self, text: str):
        self.lines = [_Line(t, i + 1) for i, t in enumerate(text.split("\n"))]

    def line(self, number: int) -> _Line | None:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else None

    def above(self, number: int) -> _Line | None:
        """The nearest line above `number` with something on it (comments and blank lines skipped)."""
        for n in range(number - 1, 0, -1):
            if not self.lines[n - 1].blank:
                return self.lines[n - 1]
        return None

    def sibling_item(self, number: int) -> _Line | None:
        """The nearest list item above `number`, looking no further than the key that holds the list."""
        here = self.lines[number - 1].indent
        for n in range(number - 1, 0, -1):
            ln = self.lines[n - 1]
            if ln.blank:
                continue
            if ln.dash:
                return ln
            if ln.indent < here:
                return None
        return None

    def parent(self, item: _Line) -> _Line | None:
        """The `key:` line a list item belongs to."""
        for n in range(item.number - 1, 0, -1):
            ln = self.lines[n - 1]
            if ln.blank:
                continue
            if ln.indent < item.indent or (ln.indent == item.indent and not ln.dash):
                return ln if ln.key else None
        return None


def explain(exc, text: str) -> tuple[Location, str, str]:
    """(where, message, hint) for a libyaml `MarkedYAMLError` on `text`."""
    src = _Source(text)
    problem, context = exc.problem or "", exc.context or ""
    pmark, cmark = exc.problem_mark, exc.context_mark
    ploc = Location(pmark.line + 1, pmark.column + 1) if pmark else Location()
    cloc = Location(cmark.line + 1, cmark.column + 1) if cmark else ploc
    here = src.line(ploc.line)
    found = None
    if here is not None:
        for rule in (_too_deep, _tab, _colon_in_text, _special_start, _quote_not_closed, _flow, _indentation, _no_colon,
                     _special_anywhere):
            found = rule(src, here, ploc, cloc, problem, context)
            if found:
                break
    if not found:
        found = ploc, problem or context or "this is not valid YAML", "check indentation and quoting near here"
    loc, message, hint = found
    return loc, f"YAML syntax: {message}", f"{hint}; {AFTER}"


def _too_deep(src, here, ploc, cloc, problem, context):
    if "nesting depth" in problem:
        return (ploc, "the lists and mappings here are nested too deep to read",
                "a scenario needs only a few levels: look for '[' or '{' that are never closed")
    return None


def _tab(src, here, ploc, cloc, problem, context):
    if "tab" in problem or (here.text[ploc.col - 1: ploc.col] == "\t" and "cannot start any token" in problem):
        return (ploc, "this line is indented with a tab, and YAML only accepts spaces",
                "replace the tab with spaces (most editors can insert spaces when Tab is pressed)")
    return None


def _colon_in_text(src, here, ploc, cloc, problem, context):
    if not problem.startswith("mapping values are not allowed"):
        return None
    if here.key is not None and ploc.col - 1 >= here.value_col:  # a second ': ' after the key's own
        return (ploc, f"the text after '{here.key}:' contains ': ', which YAML reads as the start of another key",
                f"put the text in quotes: {here.fixed(quoted(here.value))}")
    if here.key is None and here.value_col < ploc.col - 1:  # a list item's text with ': ' in it
        return None
    above = src.above(here.number)
    if above is None:
        return None
    if here.indent > above.content_col and above.key is not None and above.value:
        return (ploc, f"this line is indented {_spaces(here.indent)} but {_against(above, here)}, so "
                f"YAML reads it as more of the text of '{above.key}'",
                f"indent it {_spaces(above.content_col)} like '{above.key}:'; if it really goes on with that "
                "text, put the whole text in quotes")
    if above.key is None and above.value and not above.dash:
        word, _, rest = above.value.partition(" ")
        return (Location(above.number, above.indent + 1), f"this line has no ':' after its key, so YAML reads "
                "it and the next line as one piece of text",
                f"add a ':' after '{word}', e.g. {word}: {rest or '…'}")
    return None


_WHAT = {"[": "a list", "{": "a mapping", "&": "an anchor", "*": "an alias", "!": "a tag", "|": "a block of text",
         ">": "a block of text", "-": "a list item", "?": "a key", "%": "a directive", "@": "a reserved character",
         "`": "a reserved character", ",": "a separator", ":": "a key", "#": "a comment"}


def _special_start(src, here, ploc, cloc, problem, context):
    """A value that starts with a character YAML reserves: say which, and show it quoted."""
    for loc in (ploc, cloc):
        if loc.line != here.number:
            continue
        ch_at = loc.col - 1
        value = here.value
        if not value or value[0] not in SPECIAL or value[0] in "'\"":
            continue
        if ch_at < here.value_col or ch_at > here.value_col + len(value):
            continue
        if value[0] in "[{" and "expected key" not in problem:
            continue  # an unclosed [ or {: `_flow` says so
        ch = value[0]
        where = Location(here.number, here.value_col + 1)
        if "undefined alias" in problem:
            name = value[1:].split()[0] if value[1:].split() else ""
            return (where, f"'*{name}' refers to an anchor '&{name}' that is not defined above it",
                    f"define '&{name}' before this line; if this is text, put it in quotes: "
                    f"{here.fixed(quoted(value))}")
        return (where, f"text starting with '{ch}' must be in quotes (YAML reads '{ch}' as {_WHAT.get(ch, 'syntax')})",
                f"put the text in quotes: {here.fixed(quoted(value))}")
    return None


def _quote_not_closed(src, here, ploc, cloc, problem, context):
    if "quoted scalar" in context:
        start = src.line(cloc.line)
        q = start.text[cloc.col - 1: cloc.col] if start else '"'
        extra = "; inside single quotes write an apostrophe as two ('')" if q == "'" else ""
        return (cloc, f"the quote ({q}) that starts this text is never closed",
                f"end the text with {q}{extra}")
    value = here.value
    if ("expected key" in problem and value[:1] in "'\"" and here.value_col < ploc.col - 1
            and ploc.line == here.number):
        q = value[0]
        inner = value[1:-1] if len(value) > 1 and value.endswith(q) else value[1:]
        fix = f'"{inner}"' if q == "'" and '"' not in inner else "'" + inner.replace("'", "''") + "'"
        whose = f"the text after '{here.key}:'" if here.key else "the text"
        return (ploc, f"{whose} goes on after its closing quote ({q})",
                f"use the other quotes around the whole text: {here.fixed(fix)}")
    return None


def _flow(src, here, ploc, cloc, problem, context):
    if not context.startswith("while parsing a flow"):
        return None
    opener = src.line(cloc.line)
    if opener is None:
        return None
    open_ch = opener.text[cloc.col - 1: cloc.col]
    close_ch = "]" if open_ch == "[" else "}"
    kind = "list" if open_ch == "[" else "mapping"
    if ploc.line == cloc.line and here.text[ploc.col - 1: ploc.col] == ":":
        line = here.text
        start = max(line.rfind(",", 0, ploc.col - 1), line.rfind("{", 0, ploc.col - 1)) + 1
        ends = [i for i in (line.find(",", ploc.col), line.find("}", ploc.col)) if i >= 0]
        key, _, value = line[start: min(ends) if ends else len(line)].partition(":")
        key, value = key.strip(), value.strip()
        return (ploc, f"the text after '{key}:' inside {{…}} contains ': ', which YAML reads as the start of "
                "another key", f"put that text in quotes: {key}: {quoted(value)}")
    fix = f"; if it is text, put it in quotes: {opener.fixed(quoted(opener.value))}" if opener.value.startswith(
        open_ch) else ""
    return (cloc, f"the '{open_ch}' here starts a {kind} that is never closed with '{close_ch}'",
            f"close it with '{close_ch}'{fix}")


def _indentation(src, here, ploc, cloc, problem, context):
    """A line that starts at the wrong column: compare it with the lines it should line up with."""
    if "expected key" not in problem and "'-' indicator" not in problem:
        return None
    if ploc.col - 1 != here.indent:
        return None  # the problem is further along the line
    above = src.above(here.number)
    if here.dash:
        item = src.sibling_item(here.number)
        if item is None:
            return None
        parent = src.parent(item)
        under = f" under '{parent.key}:'" if parent else ""
        where = "the list item above" if item.number == here.number - 1 else f"the list item on line {item.number}"
        return (ploc, f"this line is indented {_spaces(here.indent)} but {where} is indented {item.indent}: "
                f"list items{under} line up", f"indent it {_spaces(item.indent)}, like line {item.number}")
    if "'-' indicator" in problem:
        item = src.line(cloc.line)
        if item is None or not item.dash:
            return None
        parent = src.parent(item)
        under = f" under '{parent.key}:'" if parent else ""
        first = f"'{item.key}:'" if item.key else "the item's text"
        return (ploc, f"this line is indented {_spaces(here.indent)} and does not start with '- ', so it is "
                f"neither a new item of the list{under} nor part of the item on line {item.number}",
                f"indent it {_spaces(item.content_col)} like {first} on line {item.number} to make it part of "
                "that item, or start it with '- ' to make it a new item")
    if above is None:
        return None
    outer = src.line(cloc.line)
    other = ""
    if outer is not None and outer.key and cloc.col - 1 != above.content_col:
        other = f", or {_spaces(cloc.col - 1)} like '{outer.key}:' on line {outer.number}"
    return (ploc, f"this line is indented {_spaces(here.indent)} but {_against(above, here)}: the keys of one "
            f"mapping line up", f"indent it {_spaces(above.content_col)} like the line above{other}"
            if above.number == here.number - 1 else
            f"indent it {_spaces(above.content_col)} like line {above.number}{other}")


def _no_colon(src, here, ploc, cloc, problem, context):
    if "could not find expected ':'" not in problem:
        return None
    start = src.line(cloc.line)
    if start is None or start.key is not None:
        return None
    word, _, rest = start.value.partition(" ")
    return (cloc, "this line has no ':' after its key",
            f"add a ':' after '{word}', e.g. {word}: {rest or '…'}, or join the line to the text above it")


def _special_anywhere(src, here, ploc, cloc, problem, context):
    """Last resort for a reserved character YAML tripped on: name it and say text holding it needs quotes."""
    for loc in (ploc, cloc):
        line = src.line(loc.line)
        ch = line.text[loc.col - 1: loc.col] if line else ""
        if ch and ch in SPECIAL:
            fix = f": {line.fixed(quoted(line.value))}" if line.key and line.value else ""
            return (loc, f"YAML reads '{ch}' here as {_WHAT.get(ch, 'syntax')}",
                    f"if it is part of the text, put the text in quotes{fix}")
    return None
