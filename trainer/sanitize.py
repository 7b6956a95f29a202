"""Text that cannot be turned against its reader: applied where output leaves the program (terminal,
reports, exports, the apps), never to stored data. Imports nothing from trainer.

A name in an old database or a line in a scenario file may hold an escape sequence (ESC ] 52 writes to
a terminal's clipboard; CSI moves the cursor), a C1 control, DEL or a bidirectional override that
reorders what a reader sees. `printable` shows each as a visible escape such as `\\x1b` or `\\u202e`.
"""

from __future__ import annotations

import json
import re

# C0 controls, DEL, C1 controls, and the bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069).
_UNSAFE = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_ANY_UNSAFE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_KEEPING_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # keeps \t \n
# What JSON leaves raw inside strings even though it may \u-escape anything.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, layout: bool = True) -> str:
    """`text` with every control character shown as a visible escape. With `layout` (for multi-line
    text such as a character's lines) newline and tab are kept; without it (names, titles, ids, cells)
    they are escaped too, so one field can never start a forged line."""
    if not isinstance(text, str):
        text = str(text)
    pattern = _UNSAFE_KEEPING_LAYOUT if layout else _ANY_UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def line(text) -> str:
    """A one-line field (a name, a title, an id) made printable; None becomes an empty string."""
    return "" if text is None else printable(text, layout=False)


def csv_cell(value):
    """A spreadsheet cell that cannot run as a formula (OWASP CSV injection: a string starting with
    = + - @ tab or carriage return gets a leading single quote) and holds no control character.
    Numbers, booleans and None pass through unchanged: a negative score stays a number."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    cell = printable(text, layout=False)
    return "'" + cell if text.startswith(FORMULA_STARTS) else cell


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def dumps(data, **kwargs) -> str:
    """json.dumps keeping readable Unicode, with the characters JSON would leave raw (DEL, C1 controls,
    bidi controls) written as \\u escapes; the decoded data is unchanged."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
