"""Names of trainees and supervisors: the one gate every name passes through on its way in.

A name is NFKC-normalised, its runs of spaces are collapsed, and it must be 1-80 characters with no
control, format (Unicode category Cf, e.g. zero-width joiners) or bidirectional-override characters.
Two names that are equal after case-folding (`str.casefold`) are the same person: "Sam Rivera",
"SAM RIVERA" and "ſam rivera" all name one account.
"""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 80
# Explicit bidirectional controls (embeddings, overrides, isolates, marks); most are also Cf.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class InvalidName(ValueError):
    """A name that cannot be used, with a sentence that says why."""


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def clean_name(raw: str, what: str = "name") -> str:
    """The stored form of a name, or `InvalidName` saying plainly what is wrong with it."""
    if raw is None:
        raise InvalidName(f"a {what} cannot be empty")
    text = unicodedata.normalize("NFKC", raw)
    for ch in text:
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise InvalidName(f"a {what} cannot contain control, format or bidirectional characters "
                              f"(found {_describe(ch)}); type the name with letters, digits and punctuation only")
    text = " ".join(text.split())
    if not text:
        raise InvalidName(f"a {what} cannot be empty")
    if len(text) > MAX_LENGTH:
        raise InvalidName(f"a {what} can be at most {MAX_LENGTH} characters (this one has {len(text)})")
    return text


def name_key(name: str) -> str:
    """What makes two names the same person: the case-folded cleaned name."""
    return clean_name(name).casefold()
