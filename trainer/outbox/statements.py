"""xAPI 1.0.3 statements from the store's records of the facts (an `Attempt`, a `StoredChoice`, a sign-off).

Pure functions, no database: `trainer export --format xapi` and the outbox build every statement here,
so both give the same statement for the same fact, with the same id. Ids are UUIDs derived from the
attempt and choice ids, so a statement sent twice is one statement to an LRS."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

XAPI_NAMESPACE = uuid.UUID("6f1c2a8e-4d4b-5b8e-9a57-0c1f7e2d9b31")
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
VERB_SIGNED_OFF = "http://activitystrea.ms/schema/1.0/approve"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


@dataclass(frozen=True)
class Site:
    """Where statements come from: the IRI that prefixes activity ids and is every account's homePage,
    and whether actors carry people's names (only when the site opts in)."""
    home: str
    with_names: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "home", self.home.rstrip("/"))

    def agent(self, account_name: str, person: str | None) -> dict:
        """A pseudonymous Agent: an account on the site (a random UUID kept per person), plus the
        person's name only if the site opted in."""
        agent: dict = {"objectType": "Agent", "account": {"homePage": self.home, "name": account_name}}
        if self.with_names and person:
            agent["name"] = person
        return agent

    def iri(self, *segments: str) -> str:
        """An IRI under the site, each segment percent-encoded (ids and node names may hold any character)."""
        from urllib.parse import quote  # not at import: start-up never needs it

        return "/".join([self.home, *(quote(str(s), safe="-._~") for s in segments)])

    def extension(self, name: str) -> str:
        return f"{self.home}/xapi/extensions/{name}"


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(XAPI_NAMESPACE, "/".join(parts)))


def registration(attempt_id: str) -> str:
    try:
        return str(uuid.UUID(hex=attempt_id))
    except ValueError:
        return stable_id("registration", attempt_id)


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


def _seconds_between(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _verb(verb_id: str, name: str) -> dict:
    return {"id": verb_id, "display": {"en-US": name}}


def scenario_activity(site: Site, attempt) -> dict:
    return {"objectType": "Activity", "id": site.iri("scenarios", attempt.scenario_id),
            "definition": {"name": {"en-US": attempt.scenario_title or attempt.scenario_id},
                           "type": SIMULATION}}


def _context(site: Site, attempt) -> dict:
    return {"registration": registration(attempt.id),
            "extensions": {site.extension("scenario-version"): attempt.scenario_version,
                           site.extension("mode"): attempt.mode}}


def answered_id(attempt_id: str, seq: int) -> str:
    return stable_id("answered", attempt_id, str(seq))


def answered(site: Site, actor: dict, attempt, step) -> dict:
    """One answered choice: `attempt` an `Attempt` record, `step` a `StoredChoice` (trainer.progress.records)."""
    activity = scenario_activity(site, attempt)
    extensions = {site.extension("points"): step.points}
    if step.critical:
        extensions[site.extension("critical-error")] = step.critical
    return {
        "id": answered_id(attempt.id, step.seq),
        "actor": actor,
        "verb": _verb(VERB_ANSWERED, "answered"),
        "object": {"objectType": "Activity", "id": site.iri("scenarios", attempt.scenario_id, "nodes", step.node),
                   "definition": {"type": INTERACTION, "interactionType": "choice",
                                  "name": {"en-US": f"{attempt.scenario_id}: {step.node}"}}},
        "result": {"response": step.choice, "duration": iso_duration(step.latency or 0),
                   "extensions": extensions},
        "context": {**_context(site, attempt),
                    "contextActivities": {"parent": [{"objectType": "Activity", "id": activity["id"]}]}},
        "timestamp": step.at,
    }


def completion_ids(attempt_id: str) -> dict[str, str]:
    return {name: stable_id(name, attempt_id) for name in ("completed", "passed", "failed")}


def completion(site: Site, actor: dict, attempt, skills: dict[str, float] | None = None) -> list[dict]:
    """A completed attempt: `completed`, then `passed` or `failed`, each with the score (scaled 0-1),
    success, and duration; per-skill percentages in an extension."""
    score = float(attempt.overall or 0.0)
    result: dict = {"score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
                    "success": bool(attempt.passed), "completion": True,
                    "duration": iso_duration(_seconds_between(attempt.started_at, attempt.finished_at))}
    if skills:
        result["extensions"] = {site.extension("skills"): skills}
    outcome = "passed" if attempt.passed else "failed"
    verbs = ((VERB_COMPLETED, "completed"), (VERB_PASSED if attempt.passed else VERB_FAILED, outcome))
    return [{"id": stable_id(name, attempt.id), "actor": actor, "verb": _verb(verb_id, name),
             "object": scenario_activity(site, attempt), "result": result, "context": _context(site, attempt),
             "timestamp": attempt.finished_at} for verb_id, name in verbs]


def sign_off_id(attempt_id: str, number: int) -> str:
    """The attempt's `number`-th sign-off (1, then 2 after a withdrawal, ...)."""
    return stable_id("signed-off", attempt_id, str(number))


def sign_off(site: Site, supervisor: dict, attempt, signed_off_at: str, number: int = 1) -> dict:
    """A supervisor signing off an attempt: approves the attempt's `completed` statement."""
    return {
        "id": sign_off_id(attempt.id, number),
        "actor": supervisor,
        "verb": _verb(VERB_SIGNED_OFF, "signed off"),
        "object": {"objectType": "StatementRef", "id": stable_id("completed", attempt.id)},
        "context": {**_context(site, attempt),
                    "contextActivities": {"parent": [{"objectType": "Activity",
                                                      "id": scenario_activity(site, attempt)["id"]}]}},
        "timestamp": signed_off_at,
    }


def voiding(actor: dict, voided_id: str, at: str) -> dict:
    """A statement that takes another back (a withdrawn sign-off, a choice undone in practice)."""
    return {"id": stable_id("voided", voided_id), "actor": actor, "verb": _verb(VERB_VOIDED, "voided"),
            "object": {"objectType": "StatementRef", "id": voided_id}, "timestamp": at}
