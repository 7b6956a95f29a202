"""Supervisor report data: per-trainee progress and per-scenario item analysis, each row for one mode
(practice and assessment are never averaged together; unfinished attempts never count in rates or averages).

Unfiltered figures come from totals kept on write (flat however long the history); filtered ones use
indexed range queries on attempts. Nothing here scans every recorded choice.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Mapping

from trainer.progress import accommodations
from trainer.progress.programme import completion_grid
from trainer.reports.charts import add_chart_data
from trainer.progress.store import Store


def _rate(passed: int, completed: int) -> float | None:
    return round(100.0 * passed / completed, 1) if completed else None


def _avg(total: float, n: int) -> float | None:
    return round(total / n, 1) if n else None


def _trend(values: list[float]) -> float | None:
    """Average of the latest three minus the three before (newest first in `values`)."""
    if len(values) < 2:
        return None
    half = min(3, len(values) // 2)
    recent, before = values[:half], values[half:half * 2]
    return round(sum(recent) / len(recent) - sum(before) / len(before), 1)


MODES = ("assessment", "practice")
DONE = "status = 'completed'"


def trainee_rows(store: Store, trainee: str | None = None, scenario: str | None = None,
                 since: str | None = None, until: str | None = None, category: str | None = None,
                 name_contains: str | None = None, mode: str | None = None) -> list[dict]:
    """One row per trainee and mode: practice is never averaged into assessment, and only completed
    attempts count in pass rates and averages (`attempts` counts every attempt started)."""
    db = store.db
    people = store.trainees()
    if trainee:
        people = [t for t in people if t.name.lower() == " ".join(trainee.split()).lower()]
    if name_contains:
        people = [t for t in people if name_contains.lower() in t.name.lower()]
    filtered = bool(scenario or since or until or category)
    modes = [mode] if mode else list(MODES)
    rows = []
    for person in people:
        mine = []
        for kind in modes:
            where, params = ["trainee_id = ?", "mode = ?"], [person.id, kind]
            if filtered:
                for column, op, value in (("scenario_id", "=", scenario), ("started_at", ">=", since),
                                          ("started_at", "<", until), ("category", "=", category)):
                    if value:
                        where.append(f"{column} {op} ?")
                        params.append(value)
                agg = db.execute(
                    f"SELECT count(*), sum({DONE}), sum(CASE WHEN {DONE} THEN coalesce(passed, 0) ELSE 0 END),"
                    f" sum(CASE WHEN {DONE} THEN overall ELSE 0 END), max(last_activity)"
                    f" FROM attempts WHERE {' AND '.join(where)}", params).fetchone()
                attempts, completed, passed, overall_sum, last = (agg[0], agg[1] or 0, agg[2] or 0, agg[3] or 0.0,
                                                                  agg[4])
                skills = {r[0]: (r[1], r[2]) for r in db.execute(
                    "SELECT s.skill, count(*), sum(s.percent) FROM attempt_skills s JOIN attempts a ON"
                    f" a.id = s.attempt_id WHERE s.assessed AND a.{DONE} AND {' AND '.join('a.' + w for w in where)}"
                    " GROUP BY s.skill", params)}
            else:
                stats = db.execute("SELECT attempts, completed, passed, overall_sum, last_activity FROM trainee_totals"
                                   " WHERE trainee_id = ? AND mode = ?", params).fetchone() or (0, 0, 0, 0.0, None)
                attempts, completed, passed, overall_sum, last = stats
                skills = {r[0]: (r[1], r[2]) for r in db.execute(
                    "SELECT skill, n, percent_sum FROM trainee_skill_totals WHERE trainee_id = ? AND mode = ?", params)}
            if attempts == 0:
                continue
            for (skill,) in db.execute(  # only ever untested on these attempts' paths: "not assessed"
                    "SELECT DISTINCT s.skill FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
                    f" WHERE NOT s.assessed AND a.{DONE} AND {' AND '.join('a.' + w for w in where)}", params):
                skills.setdefault(skill, (0, 0.0))
            recent = db.execute(f"SELECT id, overall FROM attempts WHERE {' AND '.join(where)} AND {DONE}"
                                " ORDER BY finished_at DESC LIMIT 10", params).fetchall()
            by_skill: dict[str, list[float]] = {}
            if recent:
                ids = [r[0] for r in recent[:6]]
                order = {a: i for i, a in enumerate(ids)}
                marks = ",".join("?" * len(ids))
                for attempt_id, skill, pct in sorted(
                        db.execute("SELECT attempt_id, skill, percent FROM attempt_skills WHERE assessed"
                                   f" AND attempt_id IN ({marks})",
                                   ids), key=lambda r: order[r[0]]):
                    by_skill.setdefault(skill, []).append(pct)
            mine.append({
                "id": person.id,
                "name": person.name,
                "mode": kind,
                "attempts": attempts,
                "completed": completed,
                "passed": passed,
                "pass_rate": _rate(passed, completed),
                "average": _avg(overall_sum, completed),
                "skills": {skill: {"average": _avg(total, n), "trend": _trend(by_skill.get(skill, [])),
                                   "assessed": n > 0}
                           for skill, (n, total) in sorted(skills.items())},
                "last_activity": last,
                "recent": [r[1] for r in reversed(recent)],
                "accommodations": [a.code for a in accommodations.used(store, person.id, kind, scenario, since, until,
                                                                       category)],
            })
        if not mine and (trainee is not None or not filtered):
            mine.append({"id": person.id, "name": person.name, "mode": modes[0], "attempts": 0, "completed": 0,
                         "passed": 0, "pass_rate": None, "average": None, "skills": {}, "last_activity": None,
                         "recent": [], "accommodations": []})
        rows.extend(mine)
    return rows


def scenario_rows(store: Store, trainee: str | None = None, scenario: str | None = None,
                  since: str | None = None, mode: str | None = None) -> list[dict]:
    """One row per scenario and mode, with the item analysis of completed attempts in that mode."""
    db = store.db
    filtered = bool(trainee or since)
    person = store.find_trainee(trainee) if trainee else None
    if trainee and person is None:
        return []
    ids = [scenario] if scenario else [r[0] for r in db.execute(
        "SELECT DISTINCT scenario_id FROM scenario_totals ORDER BY scenario_id")]
    out = []
    for sid in ids:
        for kind in ([mode] if mode else MODES):
            meta = db.execute("SELECT title, category, attempts, completed, passed, overall_sum FROM scenario_totals"
                              " WHERE scenario_id = ? AND mode = ?", [sid, kind]).fetchone()
            if meta is None or meta[2] == 0:
                continue
            title, category = meta[0], meta[1]
            if filtered:
                where, params = ["a.scenario_id = ?", "a.mode = ?"], [sid, kind]
                if person:
                    where.append("a.trainee_id = ?")
                    params.append(person.id)
                if since:
                    where.append("a.started_at >= ?")
                    params.append(since)
                clause = " AND ".join(where)
                agg = db.execute(f"SELECT count(*), sum({DONE}), sum(CASE WHEN {DONE} THEN coalesce(passed, 0) ELSE 0"
                                 f" END), sum(CASE WHEN {DONE} THEN overall ELSE 0 END) FROM attempts a WHERE {clause}",
                                 params).fetchone()
                attempts, completed, passed, overall_sum = agg[0], agg[1] or 0, agg[2] or 0, agg[3] or 0.0
                items = db.execute(
                    "SELECT coalesce(a.form_id, a.scenario_id), c.node, c.choice_id, max(c.text), count(*),"
                    " sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))), sum(c.critical IS NOT NULL)"
                    f" FROM choices c JOIN attempts a ON a.id = c.attempt_id WHERE {clause} AND a.{DONE}"
                    " AND c.undone = 0 GROUP BY 1, c.node, c.choice_id", params).fetchall()
                if attempts == 0:
                    continue
            else:
                attempts, completed, passed, overall_sum = meta[2], meta[3], meta[4], meta[5]
                items = db.execute(  # a form's items are kept under the form's own id (see Store._finish)
                    "SELECT scenario_id, node, choice_id, text, picks, points, critical FROM item_totals"
                    " WHERE mode = ? AND picks > 0 AND (scenario_id = ? OR scenario_id IN (SELECT DISTINCT form_id"
                    " FROM attempts WHERE scenario_id = ? AND mode = ? AND form_id IS NOT NULL))",
                    [kind, sid, sid, kind]).fetchall()
            node_totals: dict[tuple[str, str], int] = {}
            for form, node, _, _, picks, _, _ in items:
                node_totals[form, node] = node_totals.get((form, node), 0) + picks
            item_rows = [{
                "form": form, "node": node, "choice_id": choice_id, "text": text, "picks": picks,
                "share": round(100.0 * picks / node_totals[form, node], 1) if node_totals[form, node] else 0.0,
                "average_points": round(points / picks, 2) if picks else 0.0, "critical": critical,
            } for form, node, choice_id, text, picks, points, critical in items]
            item_rows.sort(key=lambda r: (r["form"] != sid, r["form"], r["node"], -r["picks"], r["choice_id"]))
            languages = dict(db.execute(  # attempts on translations count here: in which languages
                "SELECT language, count(*) FROM attempts WHERE scenario_id = ? AND mode = ? GROUP BY language"
                " ORDER BY count(*) DESC, language", [sid, kind]).fetchall())
            forms = dict(db.execute(  # and attempts on its forms: which form, the original's id for itself
                "SELECT coalesce(form_id, scenario_id), count(*) FROM attempts WHERE scenario_id = ? AND mode = ?"
                " GROUP BY 1 ORDER BY coalesce(form_id, scenario_id) != ?, 1", [sid, kind, sid]).fetchall())
            out.append({
                "id": sid, "title": title, "category": category, "mode": kind, "attempts": attempts,
                "languages": languages, "forms": forms,
                "completed": completed, "passed": passed, "pass_rate": _rate(passed, completed),
                "average": _avg(overall_sum, completed), "items": item_rows,
                "trouble": sorted([r for r in item_rows if r["average_points"] < 0 or r["critical"]],
                                  key=lambda r: (-r["picks"], r["average_points"]))[:5],
            })
    return out


ASSIGNMENT_KEYS = ("trainee", "scenario", "title", "due", "status", "mode", "via", "set", "attempts",
                   "attempts_used", "attempts_left", "every", "next_due", "passed_at", "passed_version",
                   "current_version", "score", "signed_off_by", "waived_by", "language", "form")


def assignment_rows(store: Store, catalogue: Mapping, today: date, trainee: str | None = None,
                    scenario: str | None = None, group: str | None = None, status: str | None = None) -> list[dict]:
    """The completion grid as report rows: every trainee x every scenario assigned to them (see
    trainer.progress.programme.completion_grid), with the keys in ASSIGNMENT_KEYS."""
    rows = completion_grid(store, catalogue, today, group=group, status=status, trainee=trainee)
    return [{k: r[k] for k in ASSIGNMENT_KEYS} for r in rows if scenario is None or r["scenario"] == scenario]


def build_report(store: Store, trainee: str | None = None, scenario: str | None = None,
                 since: str | None = None, mode: str | None = None, catalogue: Mapping | None = None,
                 today: date | None = None, scenarios: Mapping | None = None) -> dict:
    """The whole report. `catalogue` (scenario id -> summary with .version and .title) gives the current
    versions for retraining; without it a scenario's recorded title is used and no retraining is due.
    `scenarios` (id -> loaded scenario) puts item analysis in conversation order (else the recorded one)."""
    return add_chart_data({
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "filters": {"trainee": trainee, "scenario": scenario, "since": since, "mode": mode},
        "trainees": trainee_rows(store, trainee, scenario, since, mode=mode),
        "scenarios": scenario_rows(store, trainee, scenario, since, mode=mode),
        "assignments": assignment_rows(store, catalogue or {}, today or date.today(), trainee, scenario),
    }, store, scenarios)


def technique_usage(store: Store, trainee_name: str, mode: str | None = None) -> list[dict]:
    """Technique tags a trainee used on point-earning choices versus on point-losing ones, in completed
    attempts (of one mode, if given)."""
    person = store.find_trainee(trainee_name)
    if person is None:
        return []
    counts: dict[str, list[int]] = {}
    rows = store.db.execute(
        "SELECT c.tags, c.points FROM choices c JOIN attempts a ON a.id = c.attempt_id"
        f" WHERE a.trainee_id = ? AND a.{DONE} AND c.undone = 0 AND a.mode = coalesce(?, a.mode)"
        " ORDER BY a.started_at DESC LIMIT 2000", [person.id, mode])
    for tags, points in rows:
        total = sum(json.loads(points or "{}").values())
        for tag in json.loads(tags or "[]"):
            entry = counts.setdefault(tag, [0, 0])
            entry[0 if total > 0 else 1] += 1
    return [{"tag": t, "used_well": good, "missed": bad} for t, (good, bad) in
            sorted(counts.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))]
