"""What a trainee may read about themselves ("My progress"): per-mode totals, their attempts with the
supervisor's sign-off and notes, and the notes left for them, as typed records.

One module for every My progress view (the web page uses it): the attempts, skill averages and notes come
from the very calls the terminal's My progress screen makes (Store.attempts_for, Store.skill_averages,
audit.notes_for_trainee), so the two never disagree. Practice and assessment are never averaged
together, and only completed attempts count in pass rates and averages (as in the supervisor's report).
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.progress.accommodations import from_columns
from trainer.progress.audit import notes_for_trainee
from trainer.progress.store import Store, Trainee

MODES = ("assessment", "practice")
RECENT_SCORES = 30


@dataclass(frozen=True)
class ModeSummary:
    mode: str
    started: int
    completed: int
    passed: int
    skill_averages: tuple[tuple[str, float], ...]  # (skill, average percent), by skill id
    not_assessed: tuple[str, ...]  # skills no completed path of this mode has tested yet

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.completed if self.completed else None


@dataclass(frozen=True)
class AttemptLine:
    id: str
    started_at: str
    scenario_id: str
    title: str
    mode: str
    status: str
    overall: float | None
    passed: bool | None
    signed_off_by: str | None
    signed_off_at: str | None
    language: str
    notes: int
    accommodation: str  # Accommodation.code: "" when none

    @property
    def completed(self) -> bool:
        return self.status == "completed"


@dataclass(frozen=True)
class NoteLine:
    attempt_id: str
    at: str
    author: str
    text: str
    scenario: str


@dataclass(frozen=True)
class MyProgress:
    summaries: tuple[ModeSummary, ...]  # assessment first, modes with no attempt left out
    attempts: tuple[AttemptLine, ...]  # newest first
    notes: tuple[NoteLine, ...]  # newest first
    recent_scores: tuple[float, ...]  # oldest to newest, completed attempts of `scores_mode`
    scores_mode: str | None


def my_progress(store: Store, trainee: Trainee) -> MyProgress:
    """Everything My progress shows for one trainee."""
    db = store._db
    notes_by_attempt = dict(db.execute(
        "SELECT n.attempt_id, count(*) FROM notes n JOIN attempts a ON a.id = n.attempt_id"
        " WHERE a.trainee_id = ? GROUP BY n.attempt_id", [trainee.id]).fetchall())
    attempts = tuple(AttemptLine(  # the terminal's My progress reads the same Store.attempts_for
        a.id, a.started_at, a.scenario_id, a.scenario_title or a.scenario_id, a.mode, a.status,
        a.overall, a.passed, a.signed_off_by, a.signed_off_at, a.language or "en", notes_by_attempt.get(a.id, 0),
        from_columns(a.extra_time, a.no_timer).code) for a in store.attempts_for(trainee))
    summaries, scores, scores_mode = [], (), None
    for mode in MODES:
        mine = [a for a in attempts if a.mode == mode]
        if not mine:
            continue
        completed = [a for a in mine if a.completed]
        averages = tuple(store.skill_averages(trainee, mode).items())
        untested = sorted({r[0] for r in db.execute(
            "SELECT DISTINCT s.skill FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
            " WHERE NOT s.assessed AND a.trainee_id = ? AND a.mode = ? AND a.status = 'completed'",
            [trainee.id, mode])} - {k for k, _ in averages})
        summaries.append(ModeSummary(mode, len(mine), len(completed), sum(1 for a in completed if a.passed),
                                     averages, tuple(untested)))
        if scores_mode is None and completed:
            scores = tuple(a.overall for a in reversed(completed) if a.overall is not None)[-RECENT_SCORES:]
            scores_mode = mode
    notes = tuple(NoteLine(n.attempt_id, n.at, n.author, n.text, n.scenario)
                  for n in notes_for_trainee(store, trainee.id))
    return MyProgress(tuple(summaries), attempts, notes, scores, scores_mode)

