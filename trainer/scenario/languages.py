"""Scenario languages: BCP 47 tags (`en`, `es`, `es-US`), checked for shape, written canonically, and
named in their own language for the catalogue (Babel's locale data)."""

from __future__ import annotations

import re
from functools import lru_cache

DEFAULT_LANGUAGE = "en"
# language (2-3 letters), optional script (4 letters), optional region (2 letters or 3 digits), variants
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
LANGUAGE_HINT = "write a BCP 47 language tag such as en, es or es-US (language, then an optional region)"


def canonical(tag: str) -> str:
    """`ES-us` -> `es-US`: the language in lower case, a script in title case, a region in upper case."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@lru_cache(maxsize=64)
def _locale(tag: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return None


def known(tag: str) -> bool:
    """Whether Babel knows the tag's language (a typo such as `sp` for `es` is not)."""
    return _locale(tag) is not None


def language_name(tag: str) -> str:
    """The language's name in itself, capitalised as a label (`es` -> `Español`); the tag when unknown."""
    locale = _locale(tag)
    if locale is None:
        return tag
    name = locale.get_language_name(locale) or tag
    return name[:1].upper() + name[1:]


def language_subtag(tag: str) -> str:
    return tag.split("-")[0].lower()


def same_language(a: str, b: str) -> bool:
    """`es` and `es-US` are the same language for a trainee's preference."""
    return language_subtag(a) == language_subtag(b)


_SHAPE = re.compile(LANGUAGE_PATTERN)


def well_formed(tag: str) -> bool:
    return bool(_SHAPE.fullmatch(tag))

