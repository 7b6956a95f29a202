"""One report for every site, from the statements the sites sent to a Learning Record Store
(`trainer report --from-lrs URL`).

A health system's sites each sync their outbox to one LRS (trainer.outbox). Every statement says
which site sent it (its actor's account homePage is the site IRI, and so is the prefix of its
extensions), which attempt it belongs to (context.registration), the scenario and mode, and for a
finished attempt the score, pass or fail and the per-skill percentages (trainer.outbox.statements).
That is enough to rebuild each site's headline figures exactly as its own `trainer report` gives them:
per trainee and per scenario, one row per mode, attempts started, completed, passed, pass rate, average,
and per-skill averages. Item analysis stays with each site (the statements carry choices, not their
text). People stay as the statements name them: a pseudonymous account (a random UUID per person), plus
the name only where that site chose to send names.

Reading is bounded: each request has the client's time limit and answer-size cap, and the whole read
stops with a reason after MAX_PAGES pages, MAX_BYTES bytes or MAX_SECONDS seconds. No SQL here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote

from trainer.outbox.client import EndpointError, LrsClient, Unreachable
from trainer.outbox.statements import VERB_ANSWERED, VERB_COMPLETED

PAGE_SIZE = 500
MAX_PAGES = 5000
MAX_BYTES = 256 << 20
MAX_SECONDS = 600.0
MODES = ("assessment", "practice")


class LrsReadError(Exception):
    """The statements could not be read (unreachable, refused, not an LRS's answer, too much): why."""


def read_statements(client: LrsClient, since: date | None = None, clock=time.monotonic,
                    max_pages: int = MAX_PAGES, max_bytes: int = MAX_BYTES, max_seconds: float = MAX_SECONDS):
    """Every statement the LRS holds (stored on or after `since`, if given), page by page through `more`."""
    params = {"limit": PAGE_SIZE}
    if since is not None:  # stored >= sent >= happened: a superset of the attempts started since then
        params["since"] = f"{since.isoformat()}T00:00:00Z"
    started, pages, size = clock(), 0, 0
    answer = _get(client, lambda: client.get_statements(**params))
    while True:
        pages += 1
        size += len(answer.body)
        page = answer.json()
        if not isinstance(page, dict) or not isinstance(page.get("statements"), list):
            raise LrsReadError(f"the answer was not an xAPI statement list (HTTP {answer.status}, "
                               f"{answer.content_type or 'no content type'}): {answer.body[:80]!r}")
        yield from (s for s in page["statements"] if isinstance(s, dict))
        more = page.get("more")
        if not more or not isinstance(more, str):
            return
        if pages >= max_pages or size >= max_bytes or clock() - started > max_seconds:
            raise LrsReadError(f"stopped after {pages} pages ({size} bytes, {clock() - started:.0f} s): more "
                               "statements than one report reads; narrow it with --since or --site")
        answer = _get(client, lambda: client.get_more(more))


def _get(client: LrsClient, request):
    try:
        answer = request()
    except Unreachable as exc:
        raise LrsReadError(f"cannot reach the LRS at {client.endpoint}: {exc}") from None
    except EndpointError as exc:
        raise LrsReadError(str(exc)) from None
    if answer.status in (401, 403):
        raise LrsReadError(f"the LRS refused the credentials (HTTP {answer.status}); set TRAINER_LRS_USER and "
                           "TRAINER_LRS_PASSWORD to an account that may read statements")
    if answer.status != 200:
        raise LrsReadError(f"the LRS answered HTTP {answer.status} to the statement query: {answer.body[:80]!r}")
    return answer


# --- statements to attempts ------------------------------------------------------------------------
@dataclass
class Attempt:
    """What the statements say about one attempt (one registration)."""

    site: str
    person: str
    name: str | None
    scenario: str
    mode: str
    title: str | None = None
    first: datetime | None = None
    completed: bool = False
    passed: bool = False
    score: float = 0.0
    skills: dict = field(default_factory=dict)
    last: datetime | None = None

    def saw(self, when: datetime | None) -> None:
        if when is not None:
            self.first = when if self.first is None or when < self.first else self.first
            self.last = when if self.last is None or when > self.last else self.last


def _when(stamp) -> datetime | None:
    try:
        found = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)


def _seconds(duration) -> float:
    """An ISO 8601 duration as trainer writes it (PT1H2M3.5S), in seconds; 0 if it is not one."""
    import re

    found = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", str(duration or ""))
    if not found:
        return 0.0
    hours, minutes, seconds = (float(g) if g else 0.0 for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def _scenario_of(home: str, activity_id: str) -> str | None:
    prefix = f"{home}/scenarios/"
    if not activity_id.startswith(prefix):
        return None
    return unquote(activity_id[len(prefix):].split("/", 1)[0])


def attempts_from(statements) -> tuple[dict[str, Attempt], int]:
    """Attempts by registration, and how many statements were not a trainer site's answered/completed ones."""
    found: dict[str, Attempt] = {}
    skipped = 0
    for statement in statements:
        try:
            verb = statement["verb"]["id"]
            account = statement["actor"]["account"]
            home, person = account["homePage"].rstrip("/"), account["name"]
            context = statement.get("context") or {}
            registration = context["registration"]
            mode = context["extensions"][f"{home}/xapi/extensions/mode"]
            if verb == VERB_ANSWERED:
                activity = context["contextActivities"]["parent"][0]["id"]
            elif verb == VERB_COMPLETED:
                activity = statement["object"]["id"]
            else:  # a sign-off: not a figure of the report
                continue
        except (KeyError, IndexError, TypeError, AttributeError):
            # a voiding statement (an undone practice choice, a withdrawn sign-off) changes no figure here:
            # the attempt it belongs to was started all the same; anything else is not a trainer site's
            skipped += not (isinstance(statement.get("object"), dict)
                            and statement["object"].get("objectType") == "StatementRef")
            continue
        scenario = _scenario_of(home, str(activity))
        if scenario is None or mode not in MODES:
            skipped += 1
            continue
        attempt = found.setdefault(registration, Attempt(home, person, statement["actor"].get("name"), scenario, mode))
        when = _when(statement.get("timestamp"))
        if verb == VERB_ANSWERED:
            attempt.saw(when)
            continue
        result = statement.get("result") or {}
        attempt.completed, attempt.passed = True, bool(result.get("success"))
        attempt.score = float((result.get("score") or {}).get("raw") or 0.0)
        attempt.skills = dict((result.get("extensions") or {}).get(f"{home}/xapi/extensions/skills") or {})
        attempt.title = ((statement["object"].get("definition") or {}).get("name") or {}).get("en-US")
        attempt.saw(when)
        if when is not None:  # it started `duration` before it finished
            attempt.saw(when - timedelta(seconds=_seconds(result.get("duration"))))
    return found, skipped


# --- attempts to the report ----------------------------------------------------------------------------
def _rate(passed: int, completed: int) -> float | None:
    return round(100.0 * passed / completed, 1) if completed else None


def _avg(total: float, n: int) -> float | None:
    return round(total / n, 1) if n else None


def _figures(group: list[Attempt]) -> dict:
    done = [a for a in group if a.completed]
    passed = sum(a.passed for a in done)
    last = max((a.last for a in group if a.last), default=None)
    return {"attempts": len(group), "completed": len(done), "passed": passed, "pass_rate": _rate(passed, len(done)),
            "average": _avg(sum(a.score for a in done), len(done)),
            "last_activity": last.isoformat(timespec="milliseconds") if last else None}


def _skills(group: list[Attempt]) -> dict:
    totals: dict[str, list[float]] = {}
    for attempt in group:
        if attempt.completed:
            for skill, percent in attempt.skills.items():
                if isinstance(percent, (int, float)):
                    totals.setdefault(skill, []).append(float(percent))
    return {skill: {"average": _avg(sum(values), len(values)), "trend": None, "assessed": True}
            for skill, values in sorted(totals.items())}


def build_lrs_report(statements, source: str, since: date | None = None, sites=(), mode: str | None = None,
                     scenario: str | None = None) -> dict:
    """The report, one section per site (in IRI order); each site's rows as its own report's."""
    found, skipped = attempts_from(statements)
    wanted = {s.rstrip("/") for s in sites}
    start = datetime.combine(since, datetime.min.time(), timezone.utc) if since else None
    chosen = [a for a in found.values() if (not wanted or a.site in wanted) and (mode is None or a.mode == mode)
              and (scenario is None or a.scenario == scenario) and (start is None or (a.first and a.first >= start))]
    by_site: dict[str, list[Attempt]] = {}
    for attempt in chosen:
        by_site.setdefault(attempt.site, []).append(attempt)
    out = []
    for site in sorted(by_site | {s: [] for s in wanted}):
        attempts = by_site.get(site, [])
        trainees, scenarios = {}, {}
        for a in attempts:
            trainees.setdefault((a.person, a.mode), []).append(a)
            scenarios.setdefault((a.scenario, a.mode), []).append(a)
        out.append({
            "site": site,
            "trainees": [{"account": person, "name": next((a.name for a in group if a.name), None) or person,
                          "mode": kind, **_figures(group), "skills": _skills(group)}
                         for (person, kind), group in sorted(trainees.items(), key=lambda kv: (kv[0][0], MODES.index(kv[0][1])))],
            "scenarios": [{"id": sid, "title": next((a.title for a in group if a.title), None) or sid, "mode": kind,
                           **{k: v for k, v in _figures(group).items() if k != "last_activity"}}
                          for (sid, kind), group in sorted(scenarios.items(), key=lambda kv: (kv[0][0], MODES.index(kv[0][1])))],
        })
    return {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "source": source,
            "filters": {"since": since.isoformat() if since else None, "sites": sorted(wanted), "mode": mode,
                        "scenario": scenario},
            "sites": out, "statements_skipped": skipped}
