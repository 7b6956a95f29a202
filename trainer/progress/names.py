"""Names of trainees and supervisors: the one gate every name passes through on its way in.

A name is NFKC-normalised, its runs of spaces are collapsed, and it must be 1-80 characters with no
control, format (Unicode category Cf, e.g. zero-width joiners) or bidirectional-override characters.
Two names that are equal after case-folding (`str.casefold`) are the same person: "Sam Rivera",
"SAM RIVERA" and "ſam rivera" all name one account. A new name that merely looks like an existing
one (Unicode's confusables, UTS #39: a Cyrillic а for a Latin a, a capital I for an l) is refused by
the account code with the name it collides with (`confusable_with`).
"""

from __future__ import annotations

import functools
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


def skeletons(name: str) -> frozenset[str]:
    """The UTS #39 security skeletons of a name (ICU's SpoofChecker), as typed, case-folded and in
    capitals: two names that share one look alike ("Sаm Rivera" with a Cyrillic а and "Sam Rivera";
    "BiII" and "Bill"; "SAM RlVERA" and "Sam Rivera", whose capitals are "SAM RIVERA")."""
    checker = _spoof_checker()
    text = clean_name(name)
    return frozenset(checker.getSkeleton(0, form) for form in (text, text.casefold(), text.upper()))


@functools.cache
def _spoof_checker():
    from icu import SpoofChecker  # loaded only when a name is added or changed

    return SpoofChecker()


def confusable_with(name: str, existing) -> str | None:
    """The first of `existing` names that `name` could be mistaken for (or is, whatever the case), or None."""
    mine = skeletons(name)
    for other in existing:
        if mine & skeletons(other):
            return other
    return None
