"""Reading attempts back: the named queries behind `Store.attempt`, `Store.steps`, `Store.resumable` and
the rest, each returning typed records (trainer.progress.records). Kept apart from store.py, which
writes, so each stays short; `Store` methods delegate here. Each takes the store's database or its plain sqlite3 connection (both
answer `execute(sql, params)`), so the writes in results.py and outbox_tables.py read with them too."""

from __future__ import annotations

from trainer.progress.records import (ATTEMPT_COLUMNS, NOTE_COLUMNS, SKILL_COLUMNS, Attempt, Note, ScenarioBest,
                                      SkillResult, StoredChoice)


def attempt(db, attempt_id: str) -> Attempt | None:
    row = db.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    return Attempt.from_row(row) if row else None


def steps(db, attempt_id: str) -> list[StoredChoice]:
    """Recorded choices still in effect, in order."""
    rows = db.execute(f"SELECT {StoredChoice.SELECT} FROM choices WHERE attempt_id = ? AND undone = 0 ORDER BY seq",
                      [attempt_id])
    return [StoredChoice.from_row(r) for r in rows]


def resumable(db, trainee_id: int, scenario=None, forms: bool = False) -> list[Attempt]:
    """Unfinished attempts, newest first; of one scenario (a model: the very version it is, original,
    form or translation) when given, and with `forms` of any of its forms too."""
    where = "trainee_id = ? AND status = 'in-progress'"
    params: list = [trainee_id]
    if scenario is not None:
        where += " AND scenario_id = ? AND (coalesce(translation_id, '') = ?"
        where += " OR form_id IS NOT NULL)" if forms else ")"
        params += [scenario.counts_toward, scenario.id if scenario.counts_toward != scenario.id else ""]
    rows = db.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE {where} ORDER BY last_activity DESC", params)
    return [Attempt.from_row(r) for r in rows]


def attempts_for(db, trainee_id: int, limit: int | None = None) -> list[Attempt]:
    """A trainee's attempts, newest first (the first `limit` of them, when given)."""
    tail, params = (" LIMIT ?", [trainee_id, limit]) if limit is not None else ("", [trainee_id])
    rows = db.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE trainee_id = ? ORDER BY started_at DESC{tail}",
                      params)
    return [Attempt.from_row(r) for r in rows]


def best_by_scenario(db, trainee_id: int) -> dict[str, dict[str, ScenarioBest]]:
    """Per scenario and mode: best overall score, whether any attempt passed, attempts, any in progress."""
    rows = db.execute(
        "SELECT scenario_id, mode, max(overall), max(passed), count(*), sum(status = 'in-progress'),"
        " sum(status = 'completed') FROM attempts WHERE trainee_id = ? GROUP BY scenario_id, mode", [trainee_id])
    out: dict[str, dict[str, ScenarioBest]] = {}
    for sid, mode, best, passed, count, in_progress, completed in rows:
        out.setdefault(sid, {})[mode] = ScenarioBest(best, bool(passed), count, in_progress, completed)
    return out


def skills_for(db, attempt_id: str) -> list[SkillResult]:
    rows = db.execute(f"SELECT {SKILL_COLUMNS} FROM attempt_skills WHERE attempt_id = ?", [attempt_id])
    return [SkillResult.from_row(r) for r in rows]


def skill_averages(db, trainee_id: int, mode: str) -> dict[str, float]:
    """Average percent per skill over the trainee's completed attempts in one mode."""
    rows = db.execute("SELECT skill, percent_sum / n FROM trainee_skill_totals WHERE trainee_id = ?"
                      " AND mode = ? AND n > 0 ORDER BY skill", [trainee_id, mode])
    return {r[0]: r[1] for r in rows}


def notes(db, attempt_id: str) -> list[Note]:
    return [Note(*r) for r in db.execute(f"SELECT {NOTE_COLUMNS} FROM notes WHERE attempt_id = ? ORDER BY id",
                                         [attempt_id])]


def next_seq(db, attempt_id: str) -> int:
    row = db.execute("SELECT coalesce(max(seq), 0) FROM choices WHERE attempt_id = ?", [attempt_id]).fetchone()
    return row[0] + 1
