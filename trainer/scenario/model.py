"""The immutable, typed scenario model. Field specs here drive both the loader and `trainer schema`."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from trainer.scenario.format import ID_HINT, ID_PATTERN, Bool, Dict, Enum, IdMap, Int, List, Num, Obj, Str, spec
from trainer.scenario.textkinds import Bands, Lines, Wordings
from trainer.scenario.diagnostics import Location
from trainer.scenario.languages import DEFAULT_LANGUAGE, LANGUAGE_HINT, LANGUAGE_PATTERN

from trainer.scenario.vocabulary import CATEGORIES, DEFAULT_SKILLS, DIFFICULTIES, OUTCOMES, TOPICS  # noqa: F401 - re-exported
DEFAULT_BANDS = MappingProxyType({"furious": 0, "angry": 20, "upset": 40, "uneasy": 60, "calm": 80})
JURISDICTION_PATTERN = r"^[A-Z]{2}$"
JURISDICTION_HINT = "write the country's two-letter ISO 3166-1 code in capitals, e.g. US or GB"
TAG_PATTERN = r"^[A-Za-z][A-Za-z0-9-]*(:[A-Za-z0-9][A-Za-z0-9 _-]*)?$"

_NO_LOCS: Mapping[str, Location] = MappingProxyType({})
_EMPTY: Mapping = MappingProxyType({})
_id = Str(ID_PATTERN, ID_HINT)


def _locs():
    return field(default_factory=lambda: _NO_LOCS, compare=False, repr=False)


class Located:
    """Source positions are for diagnostics on a freshly read file; cached copies leave them out
    (half the cache's size), and private per-process attachments are never pickled."""

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "locs" and not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("locs", _NO_LOCS)


@dataclass(frozen=True)
class Character(Located):
    """A person the trainee talks to. With several (`characters:`), the mood meter follows the main one."""

    id: str = ""
    name: str = spec(Str(), "Name shown to the trainee (an invented person).", required=True)
    role: str = spec(Str(), "Who they are, e.g. 'Patient, 67, follow-up visit' or 'Caller'.", default="")
    mood: int = spec(Int(), "Starting mood on the mood scale (default 50); only the main character has a mood.",
                     default=50)
    main: bool = spec(Bool(), "Under `characters:`, marks the main character: the one whose mood the meter "
                      "follows and who says lines that name no speaker (default: the first listed).",
                      default=False)
    locs: Mapping[str, Location] = _locs()


@dataclass(frozen=True)
class MoodScale(Located):
    """A bounded mood number with named bands, so the app can show a labelled meter."""

    min: int = spec(Int(), "Lowest mood.", default=0)
    max: int = spec(Int(), "Highest mood.", default=100)
    bands: Mapping[str, int] = spec(Dict(Int(), key_label="band name"),
                                    "Band name to the mood at which it starts, lowest first.",
                                    default=DEFAULT_BANDS)
    locs: Mapping[str, Location] = _locs()

    def band(self, mood: int) -> str:
        """The name of the band `mood` falls in."""
        name = next(iter(self.bands))
        for band, start in self.bands.items():
            if mood >= start:
                name = band
        return name

    def clamp(self, mood: int) -> int:
        return max(self.min, min(self.max, mood))


@dataclass(frozen=True)
class Skill(Located):
    """A scored skill: its weight in the overall score and the percentage needed to pass it."""

    id: str = ""
    weight: float = spec(Num(0), "Weight in the overall score (0 leaves it out).", default=1.0)
    threshold: float = spec(Num(0, 100), "Percentage needed to pass this skill.", default=60.0)
    description: str = spec(Str(), "What the skill means in this scenario.", default="")
    locs: Mapping[str, Location] = _locs()


@dataclass(frozen=True)
class Condition(Located):
    """When a choice is offered: all the given tests must hold."""

    mood_at_least: int | None = spec(Int(), "Offer only when mood is at least this.")
    mood_below: int | None = spec(Int(), "Offer only when mood is below this.")
    flags: tuple[str, ...] = spec(List(_id, unique=True, single_ok=True), "Flags that must be set.", default=())
    not_flags: tuple[str, ...] = spec(List(_id, unique=True, single_ok=True), "Flags that must not be set.",
                                      default=())
    locs: Mapping[str, Location] = _locs()

    def holds(self, mood: int, flags) -> bool:
        if self.mood_at_least is not None and mood < self.mood_at_least:
            return False
        if self.mood_below is not None and mood >= self.mood_below:
            return False
        return self.holds_flags(flags)

    def holds_flags(self, flags) -> bool:
        return all(f in flags for f in self.flags) and not any(f in flags for f in self.not_flags)


@dataclass(frozen=True)
class Line(Located):
    """One entry of `says` or `reply` written out: who says it, what, and when."""

    text: tuple[tuple[str, str], ...] = spec(Bands(), "What is said: text, or a mapping of mood bands to text.",
                                             required=True)
    speaker: str = spec(_id, "Who says it: a character id from `characters:` (default: the main character).",
                        default="")
    when: Condition | None = spec(Obj(Condition), "Say this entry only when the condition holds; in a list the "
                                  "first entry that holds is said.")
    locs: Mapping[str, Location] = _locs()


_lines = Lines(Obj(Line))
_points = Dict(Int(-100, 100), key_label="skill")
_tags = List(Str(TAG_PATTERN, "tags look like 'NURSE:naming', 'HEARD:apologize' or 'teach-back'"),
             unique=True, single_ok=True)


@dataclass(frozen=True)
class Choice(Located):
    """Something the trainee can say or do, and what it leads to."""

    id: str = spec(_id, "Stable id for records and `--choose` (default c1, c2, … by position).", default="")
    text: str = spec(Wordings(), "What the trainee says or does, as shown on screen; or a list of wordings that "
                     "mean the same, of which each attempt shows one (drawn from its seed).", required=True)
    next: str = spec(_id, "The node or ending this choice leads to.", required=True)
    points: Mapping[str, int] = spec(_points, "Points per skill (negative allowed).", default=_EMPTY)
    mood: int = spec(Int(-100, 100), "Change in the character's mood, e.g. +10 or -20.", default=0)
    feedback: str = spec(Str(), "Coaching: why this choice helps or hurts, in a sentence or two.", default="")
    tags: tuple[str, ...] = spec(_tags, "Techniques used or missed, e.g. NURSE:naming.", default=())
    critical: str | None = spec(Str(), "A critical error: this message fails the attempt whatever the score.")
    when: Condition | None = spec(Obj(Condition), "Offer this choice only when the condition holds.")
    sets: tuple[str, ...] = spec(List(_id, unique=True, single_ok=True), "Flags this choice sets.", default=())
    clears: tuple[str, ...] = spec(List(_id, unique=True, single_ok=True), "Flags this choice clears.",
                                   default=())
    reply: tuple[Line, ...] = spec(_lines, "The immediate reaction to this choice, said before the next node's "
                                   "line (chosen with the mood and flags after the choice).", default=())
    wordings: tuple[str, ...] = ()  # every wording of `text` (file order); `text` is the first, or the one shown
    locs: Mapping[str, Location] = _locs()

    def __post_init__(self) -> None:
        """`text` as written may be a list of wordings: keep them all, and the first as `text`, so code that
        reads one text (analyses, lint, previews) reads the first wording."""
        text = self.text
        if isinstance(text, tuple):
            object.__setattr__(self, "wordings", text)
            object.__setattr__(self, "text", text[0] if text else "")
        elif not self.wordings:
            object.__setattr__(self, "wordings", (text,))

    def worded(self, index: int) -> str:
        """Wording number `index` (from 0) of this choice; its text when there is no such wording."""
        return self.wordings[index] if 0 <= index < len(self.wordings) else self.text


@dataclass(frozen=True)
class Timeout(Located):
    """What happens when a timed node's clock runs out: like a choice nobody made in time."""

    seconds: float = spec(Num(1, 3600), "Seconds the trainee has to choose.", required=True)
    next: str = spec(_id, "The node or ending to go to when time runs out.", required=True)
    points: Mapping[str, int] = spec(_points, "Points per skill for running out of time.", default=_EMPTY)
    mood: int = spec(Int(-100, 100), "Change in mood when time runs out.", default=0)
    feedback: str = spec(Str(), "Coaching shown when time runs out.", default="")
    tags: tuple[str, ...] = spec(_tags, "Techniques missed by running out of time.", default=())
    critical: str | None = spec(Str(), "A critical error recorded when time runs out.")
    text: str = spec(Str(), "How the lapse appears in the transcript.", default="(no answer in time)")
    reply: tuple[Line, ...] = spec(_lines, "The reaction to the silence, said before the next node's line.",
                                   default=())
    locs: Mapping[str, Location] = _locs()

    # A timeout behaves like a choice with a fixed id that nobody picked.
    id = "timeout"
    when = None
    sets = ()
    clears = ()


@dataclass(frozen=True)
class Node(Located):
    """One moment in the conversation: what the character says and what the trainee can do."""

    id: str = ""
    says: tuple[Line, ...] = spec(_lines, "What is said; may vary by mood band and by flag, and name its speaker.",
                                  default=())
    narration: str = spec(Str(), "Scene-setting shown in italics before the line.", default="")
    choices: tuple[Choice, ...] = spec(List(Obj(Choice)), "What the trainee can say or do.", default=())
    timeout: Timeout | None = spec(Obj(Timeout), "Make this node timed.")
    shuffle: bool = spec(Bool(), "false keeps the choices in file order in every attempt (choices that form "
                         "a sequence); by default each attempt shows them in its own order.", default=True)
    locs: Mapping[str, Location] = _locs()


@dataclass(frozen=True)
class Ending(Located):
    """Where a conversation can finish."""

    id: str = ""
    outcome: str = spec(Enum(OUTCOMES), "How it went: resolved, partial, escalated, referred or failed.",
                        required=True)
    summary: str = spec(Str(), "Closing summary shown on the debrief.", required=True)
    says: tuple[Line, ...] = spec(_lines, "The last words; may vary like a node's.", default=())
    narration: str = spec(Str(), "What happens at the end.", default="")
    locs: Mapping[str, Location] = _locs()


@dataclass(frozen=True)
class Scenario(Located):
    """A complete branching role-play (one YAML file; its id is the file name without `.yaml`)."""

    title: str = spec(Str(), "Title shown in the catalogue.", required=True)
    category: str = spec(Enum(CATEGORIES), "Library category.", required=True)
    difficulty: str = spec(Enum(DIFFICULTIES), "beginner, intermediate or advanced.", default="beginner")
    jurisdiction: str = spec(Str(JURISDICTION_PATTERN, JURISDICTION_HINT), "Where the law and practice it "
                             "teaches apply: an ISO 3166-1 alpha-2 country code, e.g. US or GB. A site offers "
                             "its own jurisdiction's scenarios (and those that name none).", default="")
    topics: tuple[str, ...] = spec(List(Enum(TOPICS), unique=True, single_ok=True),
                                   "The pain points it practises (one or more of the documented topics); the "
                                   "catalogue filters by them.", default=())
    summary: str = spec(Str(), "One or two sentences: the situation.", required=True)
    role: str = spec(Str(), "The trainee's role, e.g. 'Front desk' or 'Call centre'.", default="Front desk")
    objectives: tuple[str, ...] = spec(List(Str()), "Learning objectives.", default=())
    minutes: int = spec(Int(1, 240), "Estimated minutes to play.", default=5)
    version: int = spec(Int(1), "Bump when you change the content; recorded with every attempt.", default=1)
    language: str = spec(Str(LANGUAGE_PATTERN, LANGUAGE_HINT), "The language the scenario is written in, as a "
                         "BCP 47 tag: en, es, es-US.", default=DEFAULT_LANGUAGE)
    translation_of: str = spec(_id, "The id of the scenario this file translates. A translation keeps the "
                               "original's ids, points, conditions, critical errors, timers and flags; only "
                               "the text changes. Its attempts count toward the original.", default="")
    form_of: str = spec(_id, "The id of the scenario this file is another form of: the same skills and objectives "
                        "in a different situation, with different people and words. An assignment of the original "
                        "is met by passing any of its forms, and an assessment opens the form the trainee has "
                        "seen least. A translation of a form repeats its form_of.", default="")
    character: Character | None = spec(Obj(Character), "The person the trainee talks to (one character; use "
                                       "`characters:` for several).")
    characters: Mapping[str, Character] = spec(IdMap(Obj(Character, "id"), "character", 1),
                                               "Several people in the scene, by id; the first listed (or the one "
                                               "marked `main: true`) is the main character.", default=_EMPTY)
    mood: MoodScale = spec(Obj(MoodScale), "Mood scale and bands (optional).", default=MoodScale())
    skills: Mapping[str, Skill] = spec(IdMap(Obj(Skill, "id"), "skill"),
                                       "Skill overrides and additions; the four core skills are always there.",
                                       default=_EMPTY)
    pass_mark: float = spec(Num(0, 100), "Overall percentage needed to pass.", default=70.0)
    start: str = spec(_id, "The first node (default: the first node listed).", default="")
    nodes: Mapping[str, Node] = spec(IdMap(Obj(Node, "id"), "node", 1), "The conversation's nodes.",
                                     required=True)
    endings: Mapping[str, Ending] = spec(IdMap(Obj(Ending, "id"), "ending", 1), "Where it can finish.",
                                         required=True)
    id: str = ""
    path: str = ""
    content_hash: str = ""
    locs: Mapping[str, Location] = _locs()

    def memo(self, name: str, make):
        """A value derived from this (immutable) scenario, computed once: its analysis, its compiled
        machine. Kept privately on the object, so it lives exactly as long as the scenario."""
        found = self.__dict__.get(name)
        if found is None:
            found = make(self)
            object.__setattr__(self, name, found)
        return found

    def forget(self) -> None:
        """Drop the memoised values. They refer back to the scenario, so only the garbage collector
        could free the pair; after this, reference counting frees both as soon as they are unused."""
        for name in [k for k in self.__dict__ if k.startswith("_")]:
            del self.__dict__[name]

    def step(self, ident: str) -> Node | Ending:
        return self.nodes.get(ident) or self.endings[ident]

    def is_ending(self, ident: str) -> bool:
        return ident in self.endings

    def speaker(self, ident: str) -> Character:
        """Who says a line: the character with that id; a line that names nobody is the main character's."""
        return self.characters.get(ident) or self.character

    @property
    def original_id(self) -> str:
        """The scenario attempts count toward: the original of a translation, else this one."""
        return self.translation_of or self.id

    @property
    def counts_toward(self) -> str:
        """The scenario attempts are recorded, assigned and reported under: a form's (or its translation's)
        original, else `original_id`."""
        return self.form_of or self.original_id

    @property
    def form_id(self) -> str | None:
        """The form played, kept apart from its original in the item analysis (None for an original)."""
        return self.original_id if self.form_of else None

    @property
    def scored_skills(self) -> tuple[Skill, ...]:
        return tuple(self.skills.values())


def line_for(lines: tuple[Line, ...], scale: MoodScale, mood: int, flags=()) -> tuple[str, str] | None:
    """(speaker id, text) of what is said now: the first entry whose `when` holds, its text for the current
    mood band (else `default`, else the nearest band written); None when nothing is said."""
    for entry in lines:
        if entry.when is None or entry.when.holds(mood, flags):
            return entry.speaker, band_text(entry.text, scale, mood)
    return None


def band_text(text: tuple[tuple[str, str], ...], scale: MoodScale, mood: int) -> str:
    table = dict(text)
    band = scale.band(mood)
    if band in table:
        return table[band]
    if "default" in table:
        return table["default"]
    order = list(scale.bands)
    here = order.index(band)
    written = [b for b in order if b in table]
    if not written:  # only bands the scale lacks (already an error when loading)
        return next(iter(table.values()))
    nearest = min(written, key=lambda b: (abs(order.index(b) - here), order.index(b)))
    return table[nearest]


SCENARIO_KIND = Obj(Scenario, one_of=("character", "characters"))
