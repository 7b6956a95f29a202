"""Supervisor report data: per-trainee progress and per-scenario item analysis, each row for one mode
(practice and assessment are never averaged together; unfinished attempts never count in rates or averages).

The figures come from trainer.progress.report_queries: unfiltered ones from totals kept on write (flat
however long the history), filtered ones from indexed ranges of attempts. No SQL here: this module shapes.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Mapping

from trainer.progress import accommodations
from trainer.progress import report_queries as queries
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


def trainee_rows(store: Store, trainee: str | None = None, scenario: str | None = None,
                 since: str | None = None, until: str | None = None, category: str | None = None,
                 name_contains: str | None = None, mode: str | None = None) -> list[dict]:
    """One row per trainee and mode: practice is never averaged into assessment, and only completed
    attempts count in pass rates and averages (`attempts` counts every attempt started)."""
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
            figures = queries.trainee_figures(store, person.id, kind, scenario, since, until, category)
            if figures is None:
                continue
            order = {a: i for i, (a, _) in enumerate(figures.recent[:6])}
            by_skill: dict[str, list[float]] = {}
            for _attempt, skill, pct in sorted(figures.recent_skills, key=lambda r: order[r[0]]):
                by_skill.setdefault(skill, []).append(pct)
            completed, passed = figures.completed, figures.passed
            mine.append({
                "id": person.id,
                "name": person.name,
                "mode": kind,
                "attempts": figures.attempts,
                "completed": completed,
                "passed": passed,
                "pass_rate": _rate(passed, completed),
                "average": _avg(figures.overall_sum, completed),
                "skills": {skill: {"average": _avg(total, n), "trend": _trend(by_skill.get(skill, [])),
                                   "assessed": n > 0}
                           for skill, (n, total) in sorted(figures.skills.items())},
                "last_activity": figures.last_activity,
                "recent": [overall for _, overall in reversed(figures.recent)],
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
    person = store.find_trainee(trainee) if trainee else None
    if trainee and person is None:
        return []
    ids = [scenario] if scenario else queries.reported_scenarios(store)
    out = []
    for sid in ids:
        for kind in ([mode] if mode else MODES):
            figures = queries.scenario_figures(store, sid, kind, person.id if person else None, since)
            if figures is None:
                continue
            node_totals: dict[tuple[str, str], int] = {}
            for item in figures.items:
                node_totals[item.form, item.node] = node_totals.get((item.form, item.node), 0) + item.picks
            item_rows = [{
                "form": i.form, "node": i.node, "choice_id": i.choice_id, "text": i.text, "picks": i.picks,
                "share": round(100.0 * i.picks / node_totals[i.form, i.node], 1) if node_totals[i.form, i.node] else 0.0,
                "average_points": round(i.points / i.picks, 2) if i.picks else 0.0, "critical": i.critical,
            } for i in figures.items]
            item_rows.sort(key=lambda r: (r["form"] != sid, r["form"], r["node"], -r["picks"], r["choice_id"]))
            completed, passed = figures.completed, figures.passed
            out.append({
                "id": sid, "title": figures.title, "category": figures.category, "mode": kind,
                "attempts": figures.attempts, "languages": figures.languages, "forms": figures.forms,
                "completed": completed, "passed": passed, "pass_rate": _rate(passed, completed),
                "average": _avg(figures.overall_sum, completed), "items": item_rows,
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
    for choice in queries.tagged_choices(store, person.id, mode):
        for tag in choice.tags:
            entry = counts.setdefault(tag, [0, 0])
            entry[0 if choice.points_total > 0 else 1] += 1
    return [{"tag": t, "used_well": good, "missed": bad} for t, (good, bad) in
            sorted(counts.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))]
