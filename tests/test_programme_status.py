"""Where a trainee stands on an assignment, with a fake clock: due, overdue, attempts, recurrence,
retraining after a version bump, and a waiver (trainer.progress.schedule.standing, a pure function)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from trainer.progress.records import Attempt
from trainer.progress.schedule import Assignment, add_months, parse_every, standing

ASSIGNED = "2026-01-05T09:00:00.000+00:00"


def assignment(**kw) -> Assignment:
    base = dict(id=1, scenario_id="records-request", due=date(2026, 2, 1), assigned_at=ASSIGNED)
    base.update(kw)
    return Assignment(**base)


def attempt(n: int, day: str, passed: bool | None, version: int = 2, mode: str = "assessment",
            status: str = "completed", scenario: str = "records-request") -> Attempt:
    blank = {f.name: None for f in fields(Attempt)}
    return Attempt(**{**blank, "id": f"a{n}", "scenario_id": scenario, "started_at": f"{day}T10:00:00.000+00:00",
                      "finished_at": f"{day}T10:20:00.000+00:00" if status == "completed" else None, "status": status,
                      "mode": mode, "passed": passed, "scenario_version": version,
                      "overall": 80.0 if passed else 40.0})


def test_not_started_then_overdue_the_day_after_the_due_date():
    a = assignment()
    assert standing(a, [], 2, date(2026, 2, 1)).status == "not-started"
    late = standing(a, [], 2, date(2026, 2, 2))
    assert late.status == "overdue" and late.due == date(2026, 2, 1)


def test_attempts_before_the_assignment_other_scenarios_and_practice_do_not_count():
    a = assignment()
    old = attempt(1, "2026-01-02", True)
    practice = attempt(2, "2026-01-10", True, mode="practice")
    other = attempt(3, "2026-01-10", True, scenario="surprise-bill")
    assert standing(a, [old, practice, other], 2, date(2026, 1, 20)).status == "not-started"
    assert standing(assignment(mode="practice"), [practice], 2, date(2026, 1, 20)).status == "passed"


def test_in_progress_failed_with_attempts_left_then_out_of_attempts():
    a = assignment(max_attempts=2)
    going = standing(a, [attempt(1, "2026-01-10", None, status="in-progress")], 2, date(2026, 1, 11))
    assert going.status == "in-progress" and going.attempts_left == 1
    once = standing(a, [attempt(1, "2026-01-10", False)], 2, date(2026, 1, 11))
    assert once.status == "failed" and once.attempts_left == 1
    twice = [attempt(1, "2026-01-10", False), attempt(2, "2026-01-11", False)]
    spent = standing(a, twice, 2, date(2026, 1, 12))
    assert spent.status == "failed" and spent.attempts_left == 0
    # a pass after the attempts ran out does not count for this assignment
    assert standing(a, twice + [attempt(3, "2026-01-12", True)], 2, date(2026, 1, 13)).status == "failed"
    # unlimited: a failed attempt leaves it failed (no count), and a later pass passes
    unlimited = assignment()
    assert standing(unlimited, twice, 2, date(2026, 1, 12)).attempts_left is None
    assert standing(unlimited, twice + [attempt(3, "2026-01-12", True)], 2, date(2026, 1, 13)).status == "passed"


def test_a_pass_records_its_date_and_version_even_after_the_due_date():
    result = standing(assignment(), [attempt(1, "2026-01-20", True)], 2, date(2026, 6, 1))
    assert (result.status, result.passed_version, result.pass_attempt) == ("passed", 2, "a1")
    assert result.passed_at.startswith("2026-01-20")


def test_recurrence_comes_back_due_on_the_anniversary_of_the_pass():
    a = assignment(every_months=12)  # first window: 5 Jan -> 1 Feb, 27 days
    passes = [attempt(1, "2026-01-20", True)]
    before = standing(a, passes, 2, date(2026, 12, 20))
    assert before.status == "passed" and before.next_due == date(2027, 1, 20)
    back = standing(a, passes, 2, date(2026, 12, 24))  # 27 days before the anniversary
    assert back.status == "not-started" and back.due == date(2027, 1, 20)
    assert standing(a, passes, 2, date(2027, 1, 21)).status == "overdue"
    again = standing(a, passes + [attempt(2, "2027-01-10", True)], 2, date(2027, 2, 1))
    assert again.status == "passed" and again.next_due == date(2028, 1, 10) and len(again.completions) == 2


def test_a_version_bump_makes_retraining_due_until_a_pass_on_the_new_version():
    a = assignment()
    v1 = [attempt(1, "2026-01-20", True, version=1)]
    assert standing(a, v1, 1, date(2026, 3, 1)).status == "passed"
    due = standing(a, v1, 2, date(2026, 3, 1))
    assert due.status == "retraining-due" and due.passed_version == 1
    retrained = standing(a, v1 + [attempt(2, "2026-03-02", True, version=2)], 2, date(2026, 3, 3))
    assert retrained.status == "passed" and retrained.passed_version == 2
    failed_retraining = standing(a, v1 + [attempt(2, "2026-03-02", False, version=2)], 2, date(2026, 3, 3))
    assert failed_retraining.status == "retraining-due"


def test_a_waiver_covers_the_version_it_was_given_for_and_no_later_one():
    a = assignment()
    v1 = [attempt(1, "2026-01-20", True, version=1)]
    assert standing(a, v1, 2, date(2026, 3, 1), waived_version=2).status == "waived"
    assert standing(a, v1, 3, date(2026, 3, 1), waived_version=2).status == "retraining-due"


def test_a_scenario_gone_from_the_library_keeps_its_pass():
    assert standing(assignment(), [attempt(1, "2026-01-20", True, version=1)], None, date(2026, 3, 1)).status == "passed"


@pytest.mark.parametrize("text,months", [("12m", 12), ("1y", 12), ("6M", 6), (" 2y ", 24)])
def test_periods(text, months):
    assert parse_every(text) == months


def test_a_period_reads_back_as_months():
    from trainer.progress.schedule import format_every

    assert [format_every(parse_every(t)) for t in ("12m", "1y", "18m")] == ["12m", "12m", "18m"]
    assert format_every(None) == ""


@pytest.mark.parametrize("text", ["", "0m", "12", "12d", "m", "1.5y"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_every(text)


def test_months_clamp_to_the_end_of_a_short_month():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
