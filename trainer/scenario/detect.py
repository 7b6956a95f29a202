"""Which language a scenario's text looks written in, for the warning when it is not its `language:`.

A deliberately small detector: the share of very common function words ("the", "and", "you" against
"que", "el", "usted") in everything the trainee reads. It knows the languages the app speaks (English and
Spanish), needs a fair amount of text before it says anything, and speaks only when one language
clearly outnumbers the declared one, so a Spanish phrase in an English scenario (an interpreter, a
greeting) never trips it. Words both languages use ("a", "no", "me", "he") are left out.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Mapping

STOPWORDS = {
    "en": frozenset("the and you to of is that it for your with this have are be was what can we will not but "
                    "just they she his her my i i'm don't it's i'll there about would if so at on from do "
                    "been were how".split()),
    "es": frozenset("el la los las que de del en y es un una por para con su se lo le al pero muy está usted "
                    "gracias qué cómo sí yo mi esto eso hay también ya porque cuando le nos están".split()),
}
# word -> the languages it is a common word of: one dictionary lookup per distinct word of a scenario
# (a loop over the languages for every word was most of this check's time in a cold `trainer validate`)
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _code, _words in STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = _LANGUAGES_OF.get(_word, ()) + (_code,)
MIN_HITS = 40  # common words seen before the detector says anything
MARGIN = 3  # the other language must have this many times the declared language's common words
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# the same words in lower-case ASCII text, where a letter is a-z
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# every ASCII character that is neither a lower-case letter nor an apostrophe, to a space: what is left between
# the spaces holds whole words only (no word spans one of those characters), so a whole text is cut into
# pieces by C code and only the pieces that are not one plain word go through the word pattern
_NOT_IN_WORDS = str.maketrans({chr(i): " " for i in range(128) if not ("a" <= chr(i) <= "z" or chr(i) == "'")})


def common_words(text: str) -> dict[str, int]:
    """How many of each language's common words `text` holds: the words `_WORD` finds in the lower-cased
    text (an apostrophe inside a word keeps it whole: "don't"), counted.

    Why the pieces: matching the word pattern across a whole scenario (25,000 characters) was most of this
    check's time in a cold `trainer validate`; cutting at ASCII separators in C and counting the pieces
    leaves the pattern only the few hundred distinct pieces that hold an apostrophe or a non-ASCII
    character, with the same words found."""
    counts = dict.fromkeys(STOPWORDS, 0)
    languages_of = _LANGUAGES_OF
    text = text.lower().replace("’", "'")
    for piece, times in Counter(text.translate(_NOT_IN_WORDS).split()).items():
        if "'" not in piece and piece.isascii():  # one plain word (most pieces)
            for code in languages_of.get(piece, ()):
                counts[code] += times
            continue
        for word in (_ASCII_WORD if piece.isascii() else _WORD).findall(piece):
            for code in languages_of.get(word, ()):
                counts[code] += times
    return counts


def looks_like(text: str, declared: str) -> str | None:
    """The language `text` clearly looks written in when that is not `declared` (a BCP 47 tag), else None."""
    counts = common_words(text)
    base = declared.split("-")[0].lower()
    best = max(counts, key=counts.get)
    if best == base or counts[best] < MIN_HITS:
        return None
    if counts[best] < MARGIN * counts.get(base, 0):
        return None
    return best


def scenario_text(scenario) -> str:
    """Everything the trainee reads in a scenario, as one text."""
    parts = [scenario.title, scenario.summary, *scenario.objectives]
    append = parts.append

    def walk(value):  # in the same order as a recursion over every value; text is appended without a call
        names = _fields_read(value.__class__)
        if names:
            values = [getattr(value, name) for name in names]
        elif isinstance(value, str):  # text of a str subclass
            append(value)
            return
        elif isinstance(value, tuple):
            values = value
        elif isinstance(value, Mapping):
            values = value.values()
        else:
            return
        for v in values:
            if v.__class__ is str:
                append(v)
            elif v is not None and v.__class__ not in _LEAVES:
                walk(v)

    walk(scenario.nodes)
    walk(scenario.endings)
    return "\n".join(parts)


_LEAVES = frozenset((int, float, bool))  # values with no text in them: not walked into


_NOT_READ = frozenset(("locs", "id", "next", "speaker", "tags", "sets", "clears"))
_FIELDS_READ: dict[type, tuple[str, ...]] = {}


def _fields_read(kind: type) -> tuple[str, ...]:
    """The fields of a model dataclass that hold text a trainee may read (() for anything else), worked out
    once per class: asking `dataclasses` for every value was a third of this check's time."""
    found = _FIELDS_READ.get(kind)
    if found is None:
        found = _FIELDS_READ[kind] = (tuple(f.name for f in dataclasses.fields(kind) if f.name not in _NOT_READ)
                                      if dataclasses.is_dataclass(kind) else ())
    return found


def check_language(scenario, report) -> None:
    """A warning when the text looks written in another language than the file's `language:`."""
    from trainer.scenario.diagnostics import Location
    found = looks_like(scenario_text(scenario), scenario.language)
    if found is None:
        return
    declared = f"{english_name(scenario.language)} ({scenario.language})"
    said = (f"its language is {declared}" if "language" in scenario.locs
            else f"it has no 'language:', so it is taken as {declared}")
    report.warning(scenario.locs.get("language", Location()),
                   f"the text looks written in {english_name(found)} ({found}), but {said}",
                   f"if it is, write 'language: {found}' at the top (a translation also needs 'translation_of:')",
                   code="language")


def english_name(tag: str) -> str:
    """`es` -> "Spanish": validate's messages are in English."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag, sep="-").get_display_name("en") or tag
    except (UnknownLocaleError, ValueError):
        return tag
