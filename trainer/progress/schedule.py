"""Where one trainee stands on one assignment: a pure function of the assignment, their attempts, the
scenario's current version and today's date (no database, no clock), so tests can use a fake clock.

Rules (docs/cli.md, `trainer assign`):
- Attempts count from the moment the assignment was made; an assessment assignment counts assessment
  attempts only, a practice one counts any. With `--attempts N` only the first N of a cycle count.
- A pass closes the cycle. With `--every`, the assignment comes back due on the anniversary of that pass
  (it shows again as long before the anniversary as the first due date was after the assignment).
- When the scenario's version has gone up since the pass, the assignment is `retraining-due` until a pass
  on the new version, or `waived` when a supervisor waived retraining up to that version.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Sequence

from trainer.i18n import _
from trainer.progress.records import Attempt

STATUSES = ("not-started", "in-progress", "passed", "failed", "overdue", "retraining-due", "waived")
MODES = ("assessment", "practice")
_EVERY = re.compile(r"^\s*(\d{1,3})\s*([my])\s*$", re.I)


@dataclass(frozen=True)
class Assignment:
    id: int
    scenario_id: str
    due: date
    assigned_at: str  # UTC ISO instant; attempts started before it do not count
    mode: str = "assessment"
    max_attempts: int | None = None  # None: unlimited
    every_months: int | None = None  # None: no recurrence


@dataclass(frozen=True)
class Standing:
    status: str
    due: date  # the due date of the current cycle
    attempts_used: int = 0
    attempts_left: int | None = None
    passed_at: str | None = None  # the pass that counts (finished_at, UTC ISO)
    passed_version: int | None = None
    pass_attempt: str | None = None
    next_due: date | None = None  # a recurring pass: when it comes back due
    completions: tuple[Attempt, ...] = field(default=())  # every pass that closed a cycle, oldest first


def parse_every(text: str) -> int:
    """`12m` or `1y` as a number of months; ValueError with the accepted form otherwise."""
    match = _EVERY.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(_("'{text}' is not a period like 12m (months) or 1y (years)").format(text=text))
    n = int(match.group(1))
    return n * 12 if match.group(2).lower() == "y" else n


def check_due(text: str, today: date) -> date:
    """A due date typed as YYYY-MM-DD, not before today; ValueError saying what is wrong otherwise."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(_("'{text}' is not a date like 2026-12-31").format(text=text)) from None
    if day < today:
        raise ValueError(_("{date} is in the past").format(date=day.isoformat()))
    return day


def format_every(months: int | None) -> str:
    """A recurrence as `--every` takes it, in months (`12m`), or "" for none."""
    return f"{months}m" if months else ""


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st (or 29 February) falls back to the month's last day."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(iso: str) -> date:
    """The local calendar day of a stored UTC instant (what a trainee saw on their clock)."""
    return datetime.fromisoformat(iso).astimezone().date()


def counts(assignment: Assignment, attempt: Attempt) -> bool:
    if attempt.scenario_id != assignment.scenario_id or attempt.started_at < assignment.assigned_at:
        return False
    return assignment.mode == "practice" or attempt.mode == "assessment"


def _passed(attempt: Attempt) -> bool:
    return attempt.status == "completed" and bool(attempt.passed)


def standing(assignment: Assignment, attempts: Sequence[Attempt], current_version: int | None, today: date,
             waived_version: int | None = None) -> Standing:
    """Where the trainee stands today. `attempts` are the trainee's (any scenario, any order);
    `current_version` None means the scenario is no longer in the library (no retraining check)."""
    counted = sorted((a for a in attempts if counts(assignment, a)), key=lambda a: a.started_at)
    lead = max(timedelta(0), assignment.due - local_day(assignment.assigned_at))
    due, start, completions = assignment.due, assignment.assigned_at, []
    while True:
        cycle = [a for a in counted if a.started_at >= start]
        limited = cycle[:assignment.max_attempts] if assignment.max_attempts else cycle
        first = next((a for a in limited if _passed(a)), None)
        if first is None:
            return _open(assignment, due, limited, today, tuple(completions))
        later = [a for a in cycle if a.started_at > first.started_at]
        closing, status = first, "passed"
        if current_version is not None and (first.scenario_version or 0) < current_version:
            retrained = next((a for a in later if _passed(a) and (a.scenario_version or 0) >= current_version), None)
            if retrained is not None:
                closing = retrained
            else:
                status = "waived" if waived_version is not None and waived_version >= current_version \
                    else "retraining-due"
        completions.append(closing)
        anniversary = add_months(local_day(closing.finished_at), assignment.every_months) \
            if assignment.every_months else None
        if anniversary is None or today < anniversary - lead or status != "passed":
            used = len(limited) if status != "retraining-due" else \
                sum(1 for a in later if (a.scenario_version or 0) >= (current_version or 0))
            left = None if assignment.max_attempts is None else max(0, assignment.max_attempts - used)
            return Standing(status, due, used, left if status == "retraining-due" else None,
                            closing.finished_at, closing.scenario_version, closing.id,
                            anniversary, tuple(completions))
        due, start = anniversary, closing.started_at + "~"  # strictly after the closing attempt began


def _open(assignment: Assignment, due: date, limited: list, today: date, completions: tuple) -> Standing:
    """A cycle without a pass: failed when its attempts are used up, else overdue, failed, in progress
    or not started."""
    used = len(limited)
    left = None if assignment.max_attempts is None else max(0, assignment.max_attempts - used)
    finished_fail = any(a.status == "completed" for a in limited)
    if left == 0:
        status = "failed"
    elif today > due:
        status = "overdue"
    elif finished_fail:
        status = "failed"
    elif any(a.status == "in-progress" for a in limited):
        status = "in-progress"
    elif used:
        status = "in-progress"  # started and left (abandoned): begun, not finished
    else:
        status = "not-started"
    return Standing(status, due, used, left, completions=completions)
