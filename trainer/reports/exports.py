"""Exports of recorded attempts: CSV (one row per attempt), JSONL (with choices) and xAPI 1.0.3."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Iterator

from trainer.progress.store import Store
from trainer.sanitize import csv_row, dumps, line

XAPI_NAMESPACE = uuid.UUID("6f1c2a8e-4d4b-5b8e-9a57-0c1f7e2d9b31")
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
DEFAULT_HOME = "https://trainer.example.org"


def attempts_since(store: Store, since: str | None) -> Iterator[dict]:
    where, params = "1 = 1", []
    if since:
        where, params = "a.started_at >= ?", [since]
    sql = ("SELECT a.*, t.name AS trainee FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
           f" WHERE {where} ORDER BY a.started_at, a.id")
    cursor = store.db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row))


def _skills(store: Store, attempt_id: str) -> dict[str, dict]:
    return {r["skill"]: r for r in store.db["attempt_skills"].rows_where("attempt_id = ?", [attempt_id])}


def export_csv(store: Store, since: str | None = None) -> str:
    attempts = list(attempts_since(store, since))
    skills_by_attempt = {a["id"]: _skills(store, a["id"]) for a in attempts}
    skill_names = sorted({s for skills in skills_by_attempt.values() for s in skills})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = ["attempt_id", "trainee", "scenario_id", "scenario_version", "content_hash", "mode", "status",
               "started_at", "finished_at", "ending", "outcome", "overall", "passed", "choices"]
    writer.writerow(columns + [f"skill_{line(s)}" for s in skill_names])
    for a in attempts:
        row = [a["id"], a["trainee"], a["scenario_id"], a["scenario_version"], a["content_hash"], a["mode"],
               a["status"], a["started_at"], a["finished_at"], a["ending"], a["outcome"], a["overall"],
               "" if a["passed"] is None else bool(a["passed"]), a["choices"]]
        skills = skills_by_attempt[a["id"]]
        writer.writerow(csv_row(row + [skills[s]["percent"] if s in skills else "" for s in skill_names]))
    return buffer.getvalue()


def export_jsonl(store: Store, since: str | None = None) -> Iterator[str]:
    for a in attempts_since(store, since):
        record = {k: a[k] for k in ("id", "trainee", "scenario_id", "scenario_version", "content_hash", "mode",
                                    "status", "started_at", "finished_at", "ending", "outcome", "overall", "choices",
                                    "signed_off_by", "signed_off_at")}
        record["passed"] = None if a["passed"] is None else bool(a["passed"])
        record["skills"] = {k: {"raw": v["raw"], "max": v["max"], "percent": v["percent"], "passed": bool(v["passed"])}
                            for k, v in _skills(store, a["id"]).items()}
        record["transcript"] = store.steps(a["id"])
        yield dumps(record)


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration such as PT4M12.5S."""
    seconds = max(0.0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{int(hours)}H"
    if minutes:
        out += f"{int(minutes)}M"
    if secs or out == "PT":
        out += f"{secs:g}S"
    return out


def _stable_id(*parts: str) -> str:
    return str(uuid.uuid5(XAPI_NAMESPACE, "/".join(parts)))


def _registration(attempt_id: str) -> str:
    try:
        return str(uuid.UUID(hex=attempt_id))
    except ValueError:
        return _stable_id("registration", attempt_id)


def _seconds_between(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def export_xapi(store: Store, since: str | None = None, home_page: str = DEFAULT_HOME) -> list[dict]:
    """xAPI 1.0.3 statements. Ids derive from attempt and choice ids, so re-exports never duplicate."""
    home = home_page.rstrip("/")
    statements = []
    for a in attempts_since(store, since):
        actor = {"objectType": "Agent", "name": a["trainee"],
                 "account": {"homePage": home, "name": f"trainee-{a['trainee_id']}"}}
        activity = {"objectType": "Activity", "id": f"{home}/scenarios/{a['scenario_id']}",
                    "definition": {"name": {"en-US": a["scenario_title"] or a["scenario_id"]},
                                   "type": "http://adlnet.gov/expapi/activities/simulation"}}
        context = {"registration": _registration(a["id"]),
                   "extensions": {f"{home}/xapi/extensions/scenario-version": a["scenario_version"],
                                  f"{home}/xapi/extensions/mode": a["mode"]}}
        for step in store.steps(a["id"]):
            statements.append({
                "id": _stable_id("answered", a["id"], str(step["seq"])),
                "actor": actor,
                "verb": {"id": VERB_ANSWERED, "display": {"en-US": "answered"}},
                "object": {"objectType": "Activity", "id": f"{home}/scenarios/{a['scenario_id']}/nodes/{step['node']}",
                           "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                          "interactionType": "choice",
                                          "name": {"en-US": f"{a['scenario_id']}: {step['node']}"}}},
                "result": {"response": step["choice"], "duration": iso_duration(step["latency"] or 0),
                           "extensions": {f"{home}/xapi/extensions/points": step["points"],
                                          **({f"{home}/xapi/extensions/critical-error": step["critical"]}
                                             if step["critical"] else {})}},
                "context": {**context, "contextActivities": {"parent": [{"objectType": "Activity",
                                                                         "id": activity["id"]}]}},
                "timestamp": step["at"],
            })
        if a["status"] != "completed":
            continue
        score = float(a["overall"] or 0.0)
        result = {"score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
                  "success": bool(a["passed"]), "completion": True,
                  "duration": iso_duration(_seconds_between(a["started_at"], a["finished_at"]))}
        for verb_id, name in ((VERB_COMPLETED, "completed"),
                              (VERB_PASSED, "passed") if a["passed"] else (VERB_FAILED, "failed")):
            statements.append({
                "id": _stable_id(name, a["id"]), "actor": actor,
                "verb": {"id": verb_id, "display": {"en-US": name}}, "object": activity, "result": result,
                "context": context, "timestamp": a["finished_at"],
            })
    return statements
