"""An attempt's result, written in the transaction of its last choice (or of a resume that reaches an
ending): the attempt's outcome and skills, and the running totals it moves (per trainee, per scenario,
per skill, per choice) that the reports and the catalogue read instead of scanning every attempt.
Why apart from store.py: it is the one long write, and keeping it here keeps the store short."""

from __future__ import annotations

from dataclasses import replace

from trainer.progress import attempts
from trainer.progress import outbox_tables as outbox


def record_result(conn, attempt_id: str, finish) -> None:
    """Inside a write: the result `finish` (a store.Finish) of an attempt not yet completed; a completed
    or unknown attempt is left alone."""
    attempt = attempts.attempt(conn, attempt_id)
    if attempt is None or attempt.completed:
        return
    trainee_id, scenario_id, mode = attempt.trainee_id, attempt.scenario_id, attempt.mode
    score, stamp = finish.score, finish.at
    passed = int(score.passed)
    execute = conn.execute
    execute("UPDATE trainee_totals SET completed = completed + 1, passed = passed + ?,"
            " overall_sum = overall_sum + ?, last_activity = ? WHERE trainee_id = ? AND mode = ?",
            (passed, score.overall, stamp, trainee_id, mode))
    execute("UPDATE scenario_totals SET completed = completed + 1, passed = passed + ?,"
            " overall_sum = overall_sum + ? WHERE scenario_id = ? AND mode = ?",
            (passed, score.overall, scenario_id, mode))
    for name, r in score.skills.items():
        if not r.scored:
            continue
        if r.assessed:  # a skill this path never tested says nothing about the trainee: no average
            execute("INSERT INTO trainee_skill_totals (trainee_id, mode, skill, n, percent_sum)"
                    " VALUES (?, ?, ?, 1, ?) ON CONFLICT (trainee_id, mode, skill) DO UPDATE SET n = n + 1,"
                    " percent_sum = percent_sum + excluded.percent_sum", (trainee_id, mode, name, r.percent))
        execute("INSERT INTO attempt_skills (attempt_id, skill, raw, max, percent, threshold, passed, assessed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (attempt_id, skill) DO UPDATE SET"
                " raw = excluded.raw, max = excluded.max, percent = excluded.percent,"
                " threshold = excluded.threshold, passed = excluded.passed, assessed = excluded.assessed",
                (attempt_id, name, r.raw, r.best, r.percent if r.assessed else None, r.threshold,
                 int(r.passed), int(r.assessed)))
    # a form's choices are its own items: kept apart from its original's (translations share theirs)
    item_scenario = attempt.form_id or attempt.scenario_id
    execute("INSERT INTO item_totals (scenario_id, mode, node, choice_id, text, picks, points, critical)"
            " SELECT ?, ?, node, choice_id, max(text), count(*),"
            " sum((SELECT coalesce(sum(value), 0) FROM json_each(points))), sum(critical IS NOT NULL)"
            " FROM choices WHERE attempt_id = ? AND undone = 0 GROUP BY node, choice_id"
            " ON CONFLICT (scenario_id, mode, node, choice_id) DO UPDATE SET picks = picks + excluded.picks,"
            " points = points + excluded.points, critical = critical + excluded.critical, text = excluded.text",
            (item_scenario, mode, attempt_id))
    execute("UPDATE attempts SET finished_at = ?, last_activity = ?, status = 'completed', ending = ?,"
            " outcome = ?, overall = ?, passed = ?, shown_seq = NULL, deadline = NULL WHERE id = ?",
            (stamp, stamp, finish.ending, finish.outcome, score.overall, passed, attempt_id))
    assessed = {name: r.percent for name, r in sorted(score.skills.items()) if r.scored and r.assessed}
    outbox.on_finish(conn, replace(attempt, finished_at=stamp, last_activity=stamp, status="completed",
                                            ending=finish.ending, outcome=finish.outcome, overall=score.overall,
                                            passed=bool(passed), shown_seq=None, deadline=None), assessed)
