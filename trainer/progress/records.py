"""Typed records of what the store keeps, handed out by its named queries instead of dicts or rows.

Why: a stored choice used to be rebuilt in three shapes (the store's, the replay's, the outbox's) and an
attempt travelled as a dict whose keys were the table's columns, so a schema change was found by whoever
hit the KeyError. Here each fact has one frozen shape, built from a row in one place (`from_row`), and
the queries select exactly the columns a record names (a column added later breaks nothing).
Pure: no SQLite, no Textual; `progress/` builds these, everyone else only reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields


def columns(record: type) -> str:
    """The record's fields as an SQL column list, in order (what its `from_row` expects)."""
    return ", ".join(f.name for f in fields(record))


@dataclass(frozen=True)
class Attempt:
    """One row of `attempts`: a trainee's run through one scenario, finished or not."""
    id: str
    trainee_id: int
    scenario_id: str  # the original the attempt counts toward (a translation's or form's original)
    scenario_version: int | None
    content_hash: str | None
    scenario_title: str | None
    category: str | None
    mode: str  # "practice" | "assessment"
    started_at: str
    finished_at: str | None
    status: str  # "in-progress" | "completed" | "abandoned"
    ending: str | None
    outcome: str | None
    overall: float | None
    passed: bool | None  # None until completed
    choices: int
    last_activity: str | None
    signed_off_by: str | None
    signed_off_at: str | None
    order_seed: int | None
    shown_seq: int | None
    shown_at: float | None
    deadline: float | None
    owner: str | None
    owner_seen: str | None
    language: str | None
    translation_id: str | None  # the translation played, when not the original
    form_id: str | None  # the alternate form played, when one was
    extra_time: float | None  # the accommodation it is played under (trainer.progress.accommodations)
    no_timer: int | None

    @classmethod
    def from_row(cls, row) -> "Attempt":
        values = list(row)
        passed_at = _ATTEMPT_PASSED
        values[passed_at] = None if values[passed_at] is None else bool(values[passed_at])
        return cls(*values)

    @property
    def completed(self) -> bool:
        return self.status == "completed"


_ATTEMPT_PASSED = [f.name for f in fields(Attempt)].index("passed")
ATTEMPT_COLUMNS = columns(Attempt)


@dataclass(frozen=True)
class StoredChoice:
    """One recorded choice still in effect: the one shape play (replay), review (transcript), reports
    and the outbox all read."""
    seq: int  # its number in the attempt (taken-back rows keep theirs, so gaps are possible)
    node: str
    choice: str
    number: int  # as shown to the trainee (0 for a timeout)
    text: str
    points: dict[str, float]
    mood_before: int | None
    mood_after: int | None
    latency: float | None
    at: str
    critical: str | None
    timed_out: bool
    tags: list[str]
    shown: list[str] | None  # the choice ids in the order shown (None: recorded before that was kept)
    wording: int  # which of the choice's wordings was shown

    SELECT = ("seq, node, choice_id, number, text, points, mood_before, mood_after, latency, at, critical,"
              " timed_out, tags, shown, wording")

    @classmethod
    def from_row(cls, row) -> "StoredChoice":
        """The one place a `choices` row (columns as `SELECT`) becomes a choice."""
        (seq, node, choice, number, text, points, mood_before, mood_after, latency, at, critical, timed_out,
         tags, shown, wording) = row
        return cls(seq, node, choice, number, text, json.loads(points or "{}"), mood_before, mood_after, latency,
                   at, critical, bool(timed_out), json.loads(tags or "[]"), json.loads(shown) if shown else None,
                   wording or 0)

    def transcript_step(self) -> dict:
        """This choice as a transcript step for `Session.from_json` (the replay fills in the rest: the
        flags, feedback and next node come from the scenario as it is played back)."""
        return {"node": self.node, "choice": self.choice, "number": self.number, "text": self.text,
                "points": dict(self.points), "mood_before": self.mood_before, "mood_after": self.mood_after,
                "at": self.at, "latency": self.latency, "critical": self.critical, "timed_out": self.timed_out,
                "wording": self.wording, "flags_before": [], "feedback": "", "tags": list(self.tags), "next": ""}


@dataclass(frozen=True)
class SkillResult:
    """One skill's result on a completed attempt (`attempt_skills`)."""
    attempt_id: str
    skill: str
    raw: float | None
    max: float | None
    percent: float | None  # None when this path never tested the skill
    threshold: float | None
    passed: bool
    assessed: bool

    @classmethod
    def from_row(cls, row) -> "SkillResult":
        attempt_id, skill, raw, most, percent, threshold, passed, assessed = row
        return cls(attempt_id, skill, raw, most, percent, threshold, bool(passed), bool(assessed))


SKILL_COLUMNS = columns(SkillResult)


@dataclass(frozen=True)
class Note:
    """A supervisor's note on an attempt."""
    id: int
    attempt_id: str
    author: str
    text: str
    created_at: str


NOTE_COLUMNS = columns(Note)


@dataclass(frozen=True)
class TraineeNote:
    """A supervisor's note as its trainee reads it: on which scenario, by whom, when."""
    at: str
    author: str
    text: str
    scenario: str  # the attempt's scenario title (its id when it has none)
    attempt_id: str


@dataclass(frozen=True)
class ScenarioBest:
    """A trainee's record on one scenario in one mode, for the catalogue's columns."""
    best: float | None
    passed: bool
    attempts: int
    in_progress: int
    completed: int
