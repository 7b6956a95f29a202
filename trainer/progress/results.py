"""An attempt's result, written in the transaction of its last choice (or of a resume that reaches an
ending): the attempt's outcome and skills, then the running totals it moves (trainer.progress.totals) that the
reports and the catalogue read instead of scanning every attempt.
Why apart from store.py: it is the one long write, and keeping it here keeps the store short."""

from __future__ import annotations

from dataclasses import replace

from trainer.progress import attempts
from trainer.progress import outbox_tables as outbox
from trainer.progress import totals


def record_result(conn, attempt_id: str, finish) -> None:
    """Inside a write: the result `finish` (a store.Finish) of an attempt not yet completed; a completed
    or unknown attempt is left alone."""
    attempt = attempts.attempt(conn, attempt_id)
    if attempt is None or attempt.completed:
        return
    score, stamp = finish.score, finish.at
    passed = int(score.passed)
    execute = conn.execute
    for name, r in score.skills.items():
        if not r.scored:
            continue
        execute("INSERT INTO attempt_skills (attempt_id, skill, raw, max, percent, threshold, passed, assessed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (attempt_id, skill) DO UPDATE SET"
                " raw = excluded.raw, max = excluded.max, percent = excluded.percent,"
                " threshold = excluded.threshold, passed = excluded.passed, assessed = excluded.assessed",
                (attempt_id, name, r.raw, r.best, r.percent if r.assessed else None, r.threshold,
                 int(r.passed), int(r.assessed)))
    # the totals read the skills just stored and the choices in effect (a form's items kept apart)
    totals.on_finish(conn, attempt_id, attempt.trainee_id, attempt.mode, passed, score.overall, stamp)
    execute("UPDATE attempts SET finished_at = ?, last_activity = ?, status = 'completed', ending = ?,"
            " outcome = ?, overall = ?, passed = ?, shown_seq = NULL, deadline = NULL WHERE id = ?",
            (stamp, stamp, finish.ending, finish.outcome, score.overall, passed, attempt_id))
    assessed = {name: r.percent for name, r in sorted(score.skills.items()) if r.scored and r.assessed}
    outbox.on_finish(conn, replace(attempt, finished_at=stamp, last_activity=stamp, status="completed",
                                            ending=finish.ending, outcome=finish.outcome, overall=score.overall,
                                            passed=bool(passed), shown_seq=None, deadline=None), assessed)
