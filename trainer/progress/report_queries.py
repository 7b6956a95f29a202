"""The supervisor report's, dashboard's and exports' queries, returning typed records: `trainer/reports/` shapes
and words them, this module alone knows the tables (SQL lives in `progress/` only).

Unfiltered figures read the totals kept on write (trainer.progress.totals), so they cost the same at a
million recorded choices as at a thousand; a filter (a date range, one trainee) narrows to indexed ranges of
attempts. Only completed attempts count in rates, averages, skills and item analysis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

DONE = "status = 'completed'"


@dataclass(frozen=True)
class TraineeFigures:
    """One trainee's figures in one mode: counts, per-skill (n assessed, percent sum) with n = 0 for a
    skill only ever "not assessed", and the latest completed attempts' scores and skills, newest first."""
    attempts: int
    completed: int
    passed: int
    overall_sum: float
    last_activity: str | None
    skills: dict[str, tuple[int, float]]
    recent: tuple[tuple[str, float], ...]  # (attempt id, overall), newest first, at most 10
    recent_skills: tuple[tuple[str, str, float], ...]  # (attempt id, skill, percent) of the newest 6, assessed


@dataclass(frozen=True)
class ItemCount:
    """One choice of one scenario (or form) and mode: how often picked in completed attempts, points, criticals."""
    form: str
    node: str
    choice_id: str
    text: str | None
    picks: int
    points: float
    critical: int


@dataclass(frozen=True)
class ScenarioFigures:
    title: str | None
    category: str | None
    attempts: int
    completed: int
    passed: int
    overall_sum: float
    items: tuple[ItemCount, ...]
    languages: dict[str, int]  # attempts per language played, most first
    forms: dict[str, int]  # attempts per form (the original's own id for itself), the original first


@dataclass(frozen=True)
class TripUpCount:
    """A choice in completed attempts with how many different trainees picked it."""
    form: str
    node: str
    choice_id: str
    text: str | None
    trainees: int
    picks: int
    points: float
    critical: bool


@dataclass(frozen=True)
class TimelineEntry:
    trainee: str
    mode: str
    scenario: str
    finished_at: str
    score: float | None
    passed: int | None


@dataclass(frozen=True)
class TaggedChoice:
    tags: tuple[str, ...]
    points_total: float


def _where(filters: dict, prefix: str = "") -> tuple[list[str], list]:
    """`column op ?` clauses for the filters given (started_at bounds, scenario, category, trainee)."""
    where, params = [], []
    for column, op, key in (("scenario_id", "=", "scenario"), ("started_at", ">=", "since"),
                            ("started_at", "<", "until"), ("category", "=", "category"), ("trainee_id", "=", "trainee_id")):
        if filters.get(key) is not None and filters.get(key) != "":
            where.append(f"{prefix}{column} {op} ?")
            params.append(filters[key])
    return where, params


def trainee_figures(store, trainee_id: int, mode: str, scenario: str | None = None, since: str | None = None,
                    until: str | None = None, category: str | None = None) -> TraineeFigures | None:
    """A trainee's figures in one mode (None when they started no attempt there): from the totals kept on
    write, or, with a filter, from that range of their attempts."""
    db = store._db
    extra, extra_params = _where({"scenario": scenario, "since": since, "until": until, "category": category})
    where, params = ["trainee_id = ?", "mode = ?"] + extra, [trainee_id, mode] + extra_params
    if extra:
        agg = db.execute(
            f"SELECT count(*), sum({DONE}), sum(CASE WHEN {DONE} THEN coalesce(passed, 0) ELSE 0 END),"
            f" sum(CASE WHEN {DONE} THEN overall ELSE 0 END), max(last_activity)"
            f" FROM attempts WHERE {' AND '.join(where)}", params).fetchone()
        attempts, completed, passed, overall_sum, last = agg[0], agg[1] or 0, agg[2] or 0, agg[3] or 0.0, agg[4]
        if attempts == 0:
            return None
        skills = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT s.skill, count(*), sum(s.percent) FROM attempt_skills s JOIN attempts a ON"
            f" a.id = s.attempt_id WHERE s.assessed AND a.{DONE} AND {' AND '.join('a.' + w for w in where)}"
            " GROUP BY s.skill", params)}
        for (skill,) in db.execute(  # only ever untested on these attempts' paths: "not assessed"
                "SELECT DISTINCT s.skill FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
                f" WHERE NOT s.assessed AND a.{DONE} AND {' AND '.join('a.' + w for w in where)}", params):
            skills.setdefault(skill, (0, 0.0))
    else:
        stats = db.execute("SELECT attempts, completed, passed, overall_sum, last_activity FROM trainee_totals"
                           " WHERE trainee_id = ? AND mode = ?", params).fetchone() or (0, 0, 0, 0.0, None)
        attempts, completed, passed, overall_sum, last = stats
        if attempts == 0:
            return None
        skills = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT skill, n, percent_sum FROM trainee_skill_totals WHERE trainee_id = ? AND mode = ?"
            " AND (n > 0 OR not_assessed > 0)", params)}
    recent = tuple(db.execute(f"SELECT id, overall FROM attempts WHERE {' AND '.join(where)} AND {DONE}"
                              " ORDER BY finished_at DESC LIMIT 10", params).fetchall())
    recent_skills: tuple = ()
    if recent:
        ids = [r[0] for r in recent[:6]]
        recent_skills = tuple(db.execute("SELECT attempt_id, skill, percent FROM attempt_skills WHERE assessed"
                                         f" AND attempt_id IN ({','.join('?' * len(ids))})", ids).fetchall())
    return TraineeFigures(attempts, completed, passed, overall_sum, last, skills, recent, recent_skills)


def reported_scenarios(store) -> list[str]:
    """Every scenario (original) any attempt was started on, by id."""
    return [r[0] for r in store._db.execute("SELECT DISTINCT scenario_id FROM scenario_totals ORDER BY scenario_id")]


def scenario_figures(store, scenario_id: str, mode: str, trainee_id: int | None = None,
                     since: str | None = None) -> ScenarioFigures | None:
    """A scenario's figures in one mode with its item analysis (None when no attempt there, or none in the
    filter): kept totals, or, for one trainee or from a date, that range of its attempts."""
    db = store._db
    meta = db.execute("SELECT title, category, attempts, completed, passed, overall_sum FROM scenario_totals"
                      " WHERE scenario_id = ? AND mode = ?", [scenario_id, mode]).fetchone()
    if meta is None or meta[2] == 0:
        return None
    variants = db.execute("SELECT kind, value, attempts FROM scenario_variants WHERE scenario_id = ? AND mode = ?"
                          " AND attempts > 0", [scenario_id, mode]).fetchall()
    languages = dict(sorted(((v, n) for kind, v, n in variants if kind == "language"), key=lambda p: (-p[1], p[0])))
    forms = dict(sorted(((v, n) for kind, v, n in variants if kind == "form"), key=lambda p: (p[0] != scenario_id, p[0])))
    if trainee_id is not None or since:
        where, params = _where({"trainee_id": trainee_id, "since": since}, "a.")
        clause = " AND ".join(["a.scenario_id = ?", "a.mode = ?"] + where)
        params = [scenario_id, mode] + params
        agg = db.execute(f"SELECT count(*), sum(a.{DONE}), sum(CASE WHEN a.{DONE} THEN coalesce(passed, 0) ELSE 0"
                         f" END), sum(CASE WHEN a.{DONE} THEN overall ELSE 0 END) FROM attempts a WHERE {clause}",
                         params).fetchone()
        attempts, completed, passed, overall_sum = agg[0], agg[1] or 0, agg[2] or 0, agg[3] or 0.0
        items = db.execute(
            "SELECT coalesce(a.form_id, a.scenario_id), c.node, c.choice_id, max(c.text), count(*),"
            " sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))), sum(c.critical IS NOT NULL)"
            f" FROM choices c JOIN attempts a ON a.id = c.attempt_id WHERE {clause} AND a.{DONE}"
            " AND c.undone = 0 GROUP BY 1, c.node, c.choice_id", params).fetchall()
        if attempts == 0:
            return None
    else:
        attempts, completed, passed, overall_sum = meta[2], meta[3], meta[4], meta[5]
        ids = sorted({scenario_id, *forms})  # a form's items are kept under the form's own id
        items = db.execute(
            "SELECT scenario_id, node, choice_id, text, picks, points, critical FROM item_totals"
            f" WHERE mode = ? AND picks > 0 AND scenario_id IN ({','.join('?' * len(ids))})", [mode, *ids]).fetchall()
    return ScenarioFigures(meta[0], meta[1], attempts, completed, passed, overall_sum,
                           tuple(ItemCount(*r) for r in items), languages, forms)


def trip_up_counts(store, scenario_id: str, mode: str | None, trainee_id: int | None = None,
                   since: str | None = None) -> tuple[dict[tuple[str, str], int], list[TripUpCount]]:
    """Per (form, node): how many different trainees reached it; per choice: how many picked it, in completed
    attempts, choices in effect. Kept totals for a whole mode; a trainee, a date or every mode counts a range."""
    db = store._db
    if mode and trainee_id is None and not since:
        ids = sorted({scenario_id} | {r[0] for r in db.execute(
            "SELECT value FROM scenario_variants WHERE scenario_id = ? AND mode = ? AND kind = 'form'",
            [scenario_id, mode])})
        marks = ",".join("?" * len(ids))
        reached = {(form, node): people for form, node, people in db.execute(
            f"SELECT scenario_id, node, trainees FROM node_totals WHERE mode = ? AND picks > 0 AND scenario_id IN"
            f" ({marks})", [mode, *ids])}
        rows = db.execute("SELECT scenario_id, node, choice_id, text, trainees, picks, points, critical > 0"
                          f" FROM item_totals WHERE mode = ? AND picks > 0 AND scenario_id IN ({marks})"
                          " ORDER BY 1, 2, 3", [mode, *ids]).fetchall()
        return reached, [TripUpCount(*r[:7], bool(r[7])) for r in rows]
    where, params = _where({"trainee_id": trainee_id, "since": since}, "a.")
    if mode:
        where.append("a.mode = ?")
        params.append(mode)
    clause = " AND ".join(["a.scenario_id = ?", "a.status = 'completed'", "c.undone = 0"] + where)
    params = [scenario_id] + params
    reached = {(form, node): people for form, node, people in db.execute(
        f"SELECT coalesce(a.form_id, a.scenario_id), c.node, count(DISTINCT a.trainee_id) FROM choices c JOIN attempts"
        f" a ON a.id = c.attempt_id WHERE {clause} GROUP BY 1, c.node", params).fetchall()}
    rows = db.execute(
        "SELECT coalesce(a.form_id, a.scenario_id), c.node, c.choice_id, max(c.text), count(DISTINCT a.trainee_id),"
        " count(*), sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))), max(c.critical IS NOT NULL)"
        f" FROM choices c JOIN attempts a ON a.id = c.attempt_id WHERE {clause} GROUP BY 1, c.node, c.choice_id",
        params).fetchall()
    return reached, [TripUpCount(*r[:6], r[6] or 0, bool(r[7])) for r in rows]


def recorded_node_steps(store, scenario_id: str) -> dict[str, float]:
    """Per node of a scenario (or form), the average step number at which completed attempts answered it."""
    return {node: seq_sum / picks for node, seq_sum, picks in store._db.execute(
        "SELECT node, sum(seq_sum), sum(picks) FROM node_totals WHERE scenario_id = ? GROUP BY node"
        " HAVING sum(picks) > 0", [scenario_id])}


def group_members(store) -> list[tuple[str, str]]:
    """(group name, member name) for every group member, by group then name."""
    return store._db.execute("SELECT g.name, t.name FROM group_members m JOIN groups g ON g.id = m.group_id"
                            " JOIN trainees t ON t.id = m.trainee_id ORDER BY g.name_key, t.name").fetchall()


def completed_timeline(store, limit: int, trainee_id: int | None = None, scenario: str | None = None,
                       since: str | None = None, mode: str | None = None) -> list[TimelineEntry]:
    """The latest `limit` completed attempts, newest first (an index on finished_at keeps it a short walk)."""
    where, params = _where({"trainee_id": trainee_id, "scenario": scenario, "since": since}, "a.")
    if mode:
        where.append("a.mode = ?")
        params.append(mode)
    clause = " AND ".join(["a.status = 'completed'", "a.finished_at IS NOT NULL"] + where)
    # unnarrowed, walk the newest completions back (else SQLite picks the status index and sorts them all)
    walk = " INDEXED BY idx_attempts_completed_finished" if trainee_id is None and scenario is None else ""
    rows = store._db.execute(
        f"SELECT t.name, a.mode, a.scenario_id, a.finished_at, a.overall, a.passed FROM attempts a{walk}"
        f" JOIN trainees t ON t.id = a.trainee_id WHERE {clause}"
        f" ORDER BY a.finished_at DESC LIMIT {int(limit)}", params).fetchall()
    return [TimelineEntry(*r) for r in rows]


def tagged_choices(store, trainee_id: int, mode: str | None = None, limit: int = 2000) -> list[TaggedChoice]:
    """A trainee's choices in effect in completed attempts (one mode if given), newest attempts first:
    each choice's technique tags and its points in total."""
    rows = store._db.execute(
        "SELECT c.tags, c.points FROM choices c JOIN attempts a ON a.id = c.attempt_id"
        f" WHERE a.trainee_id = ? AND a.{DONE} AND c.undone = 0 AND a.mode = coalesce(?, a.mode)"
        f" ORDER BY a.started_at DESC LIMIT {int(limit)}", [trainee_id, mode])
    return [TaggedChoice(tuple(json.loads(tags or "[]")), sum(json.loads(points or "{}").values()))
            for tags, points in rows]


# --- exports and the trainee's record ------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportedAttempt:
    """An attempt as the exports write it, with its trainee's name."""
    id: str
    trainee: str
    scenario_id: str
    scenario_version: int | None
    content_hash: str | None
    mode: str
    status: str
    started_at: str | None
    finished_at: str | None
    ending: str | None
    outcome: str | None
    overall: float | None
    passed: int | None
    choices: int | None
    signed_off_by: str | None
    signed_off_at: str | None
    language: str | None
    translation_id: str | None
    form_id: str | None
    extra_time: float | None
    no_timer: int | None


@dataclass(frozen=True)
class StoredSkill:
    """One skill's result on one finished attempt (`percent` None when the path never assessed it)."""
    skill: str
    raw: float | None
    max: float | None
    percent: float | None
    threshold: float | None
    passed: int | None
    assessed: int


@dataclass(frozen=True)
class ReviewedAttempt:
    """An attempt a supervisor signed off or wrote a note on."""
    id: str
    date: str | None
    scenario_id: str
    title: str | None
    mode: str
    status: str
    overall: float | None
    passed: int | None
    signed_off_by: str | None
    signed_off_at: str | None
    language: str | None


_EXPORTED = ", ".join(f"a.{f}" if f != "trainee" else "t.name" for f in ExportedAttempt.__dataclass_fields__)


def exported_attempts(store, since: str | None = None, until: str | None = None, trainee_ids=None,
                      scenario: str | None = None, category: str | None = None, mode: str | None = None):
    """Attempts started on or after `since` (and before `until`), optionally only these trainees (ids), one
    scenario, category or mode, oldest first; yielded one at a time (an export may be long)."""
    where, params = ["1 = 1"], []
    for column, op, value in (("a.started_at", ">=", since), ("a.started_at", "<", until),
                              ("a.scenario_id", "=", scenario), ("a.category", "=", category), ("a.mode", "=", mode)):
        if value:
            where.append(f"{column} {op} ?")
            params.append(value)
    if trainee_ids is not None:
        where.append(f"a.trainee_id IN ({','.join('?' * len(trainee_ids)) or 'NULL'})")
        params += list(trainee_ids)
    for row in store._db.execute(f"SELECT {_EXPORTED} FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
                                f" WHERE {' AND '.join(where)} ORDER BY a.started_at, a.id", params):
        yield ExportedAttempt(*row)


def stored_skills(store, attempt_id: str) -> dict[str, StoredSkill]:
    """An attempt's skill results by skill (in the order its primary key keeps them)."""
    return {r[0]: StoredSkill(*r) for r in store._db.execute(
        "SELECT skill, raw, max, percent, threshold, passed, assessed FROM attempt_skills WHERE attempt_id = ?",
        [attempt_id])}


def reviewed_attempts(store, trainee_id: int) -> list[ReviewedAttempt]:
    """A trainee's attempts signed off or noted by a supervisor, by date (finished, else started)."""
    return [ReviewedAttempt(*r) for r in store._db.execute(
        "SELECT id, coalesce(finished_at, started_at), scenario_id, scenario_title, mode, status, overall, passed,"
        " signed_off_by, signed_off_at, language FROM attempts WHERE trainee_id = ? AND (signed_off_by IS NOT NULL"
        " OR id IN (SELECT attempt_id FROM notes)) ORDER BY 2, id", [trainee_id]).fetchall()]
