"""What a trainee may read about themselves ("My progress"): per-mode totals, their attempts with the
supervisor's sign-off and notes, and the notes left for them, as typed records.

One query module for every My progress view (the web page uses it; the terminal screen computes the same
figures from the same tables), so the two never disagree. Practice and assessment are never averaged
together, and only completed attempts count in pass rates and averages (as in the supervisor's report).
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.progress.accommodations import from_columns
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
    db = store.db
    notes_by_attempt = dict(db.execute(
        "SELECT n.attempt_id, count(*) FROM notes n JOIN attempts a ON a.id = n.attempt_id"
        " WHERE a.trainee_id = ? GROUP BY n.attempt_id", [trainee.id]).fetchall())
    rows = db.execute(
        "SELECT id, started_at, scenario_id, coalesce(scenario_title, scenario_id), mode, status, overall, passed,"
        " signed_off_by, signed_off_at, coalesce(language, 'en'), extra_time, no_timer FROM attempts"
        " WHERE trainee_id = ? ORDER BY started_at DESC, id", [trainee.id]).fetchall()
    attempts = tuple(AttemptLine(r[0], r[1], r[2], r[3], r[4], r[5], r[6], None if r[7] is None else bool(r[7]),
                                 r[8], r[9], r[10], notes_by_attempt.get(r[0], 0), from_columns(r[11], r[12]).code)
                     for r in rows)
    summaries, scores, scores_mode = [], (), None
    for mode in MODES:
        mine = [a for a in attempts if a.mode == mode]
        if not mine:
            continue
        completed = [a for a in mine if a.completed]
        averages = tuple(db.execute(
            "SELECT skill, percent_sum / n FROM trainee_skill_totals WHERE trainee_id = ? AND mode = ? AND n > 0"
            " ORDER BY skill", [trainee.id, mode]).fetchall())
        untested = sorted({r[0] for r in db.execute(
            "SELECT DISTINCT s.skill FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
            " WHERE NOT s.assessed AND a.trainee_id = ? AND a.mode = ? AND a.status = 'completed'",
            [trainee.id, mode])} - {k for k, _ in averages})
        summaries.append(ModeSummary(mode, len(mine), len(completed), sum(1 for a in completed if a.passed),
                                     averages, tuple(untested)))
        if scores_mode is None and completed:
            scores = tuple(a.overall for a in reversed(completed) if a.overall is not None)[-RECENT_SCORES:]
            scores_mode = mode
    notes = tuple(NoteLine(r[5], r[0], r[1], r[2], r[3] or r[4]) for r in db.execute(
        "SELECT n.created_at, n.author, n.text, a.scenario_title, a.scenario_id, a.id FROM notes n"
        " JOIN attempts a ON a.id = n.attempt_id WHERE a.trainee_id = ? ORDER BY n.id DESC", [trainee.id]))
    return MyProgress(tuple(summaries), attempts, notes, scores, scores_mode)


def attempt_notes(store: Store, trainee: Trainee, attempt_id: str) -> tuple[NoteLine, ...]:
    """The notes on one of the trainee's own attempts, oldest first (none for someone else's attempt)."""
    rows = store.db.execute(
        "SELECT n.created_at, n.author, n.text, a.scenario_title, a.scenario_id FROM notes n"
        " JOIN attempts a ON a.id = n.attempt_id WHERE a.id = ? AND a.trainee_id = ? ORDER BY n.id",
        [attempt_id, trainee.id])
    return tuple(NoteLine(attempt_id, r[0], r[1], r[2], r[3] or r[4]) for r in rows)
