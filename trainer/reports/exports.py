"""Exports of recorded attempts: CSV (one row per attempt), JSONL (with choices) and xAPI 1.0.3."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import asdict
from typing import Iterator

from trainer.progress import report_queries as queries
from trainer.progress.report_queries import ExportedAttempt, StoredSkill
from trainer.progress.store import Store
from trainer.sanitize import csv_row, dumps, line

from trainer.outbox.statements import iso_duration  # noqa: F401  (part of this module's interface)

PERSONAL_HOME_PAGE = "https://trainer.example.org"
NOT_ASSESSED = "not assessed"  # a skill cell when the attempt's path never tested it (stored words stay English)


def attempts_since(store: Store, since: str | None, *, until: str | None = None, trainee_ids=None,
                   scenario: str | None = None, category: str | None = None, mode: str | None = None
                   ) -> Iterator[ExportedAttempt]:
    """Attempts started on or after `since` (and before `until`), optionally only these trainees (ids),
    one scenario, category or mode: the review's filter, so an export holds what the screen shows."""
    return queries.exported_attempts(store, since, until, trainee_ids, scenario, category, mode)


def _accommodation(attempt) -> str:
    """The accommodation an attempt was played under, as exports write it ("" when none)."""
    from trainer.progress.accommodations import from_columns

    return from_columns(attempt.extra_time, attempt.no_timer).code


def _skill_cell(skill: StoredSkill | None) -> object:
    """A skill's CSV cell: its percent, empty when the scenario has no such skill, and NOT_ASSESSED when
    no choice on the attempt's path could move it (a spreadsheet's AVERAGE skips it, as it should)."""
    if skill is None:
        return ""
    return skill.percent if skill.assessed else NOT_ASSESSED


def export_csv(store: Store, since: str | None = None, **filters) -> str:
    attempts = list(attempts_since(store, since, **filters))
    skills_by_attempt = {a.id: queries.stored_skills(store, a.id) for a in attempts}
    skill_names = sorted({s for skills in skills_by_attempt.values() for s in skills})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = ["attempt_id", "trainee", "scenario_id", "scenario_version", "content_hash", "mode", "status",
               "started_at", "finished_at", "ending", "outcome", "overall", "passed", "choices", "language",
               "translation_id", "form_id", "accommodation"]
    writer.writerow(columns + [f"skill_{line(s)}" for s in skill_names])
    for a in attempts:
        row = [a.id, a.trainee, a.scenario_id, a.scenario_version, a.content_hash, a.mode, a.status, a.started_at,
               a.finished_at, a.ending, a.outcome, a.overall, "" if a.passed is None else bool(a.passed), a.choices,
               a.language, a.translation_id or "", a.form_id or "", _accommodation(a)]
        skills = skills_by_attempt[a.id]
        writer.writerow(csv_row(row + [_skill_cell(skills.get(s)) for s in skill_names]))
    return buffer.getvalue()


def export_jsonl(store: Store, since: str | None = None, **filters) -> Iterator[str]:
    for a in attempts_since(store, since, **filters):
        record = {k: getattr(a, k) for k in ("id", "trainee", "scenario_id", "scenario_version", "content_hash", "mode",
                                    "status", "started_at", "finished_at", "ending", "outcome", "overall", "choices",
                                    "signed_off_by", "signed_off_at", "language", "translation_id", "form_id")}
        record["passed"] = None if a.passed is None else bool(a.passed)
        record["accommodation"] = _accommodation(a) or None
        record["skills"] = {k: {"raw": v.raw, "max": v.max, "percent": v.percent, "assessed": bool(v.assessed),
                                "passed": bool(v.passed)} for k, v in queries.stored_skills(store, a.id).items()}
        record["transcript"] = [asdict(step) for step in store.steps(a.id)]
        yield dumps(record)


def xapi_home(store: Store, home_page: str | None = None) -> str:
    """The account homePage and IRI prefix of exported statements: the one asked for, else the site IRI,
    else (a personal database) PERSONAL_HOME_PAGE (TRAINER_XAPI_HOME sets your own)."""
    from trainer.progress.outbox_tables import site_of

    if home_page:
        return home_page
    found = site_of(store)
    return found.home if found else (os.environ.get("TRAINER_XAPI_HOME") or PERSONAL_HOME_PAGE)


def export_xapi(store: Store, since: str | None = None, home_page: str | None = None, **filters) -> list[dict]:
    """xAPI 1.0.3 statements, built as the outbox builds them (trainer.outbox): ids derive from attempt
    and choice ids, so re-exports never duplicate; actors are the site's pseudonymous accounts, with
    names only if the site opted in."""
    import trainer.outbox  # noqa: F401  (registers the statement builder)
    from trainer.progress.outbox_tables import export_statements

    keep = {a.id for a in attempts_since(store, since, **filters)} if any(
        v is not None for v in filters.values()) else None
    return export_statements(store, xapi_home(store, home_page), since, keep)
