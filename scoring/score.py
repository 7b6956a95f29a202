"""Attempt scores: per-skill percentages against the best achievable, a weighted overall, pass/fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence


@dataclass(frozen=True)
class SkillRule:
    name: str
    weight: float = 1.0
    threshold: float = 60.0


@dataclass(frozen=True)
class SkillResult:
    name: str
    raw: float
    best: float
    worst: float
    percent: float
    threshold: float
    weight: float
    scored: bool  # False when no path can gain or lose anything for this skill
    passed: bool
    # False when no choice offered on this attempt's path could raise or lower the skill: its percent
    # then says nothing about the trainee, so it is shown as "not assessed on this path", never passed
    assessed: bool = True

    def as_dict(self) -> dict:
        return {"raw": self.raw, "max": self.best, "min": self.worst,
                "percent": self.percent if self.assessed else None, "assessed": self.assessed,
                "threshold": self.threshold, "weight": self.weight, "scored": self.scored,
                "passed": self.passed}


@dataclass(frozen=True)
class AttemptScore:
    skills: Mapping[str, SkillResult]
    overall: float
    pass_mark: float
    points_passed: bool  # what the points alone say, before critical errors
    critical_errors: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.points_passed and not self.critical_errors


def percent(raw: float, best: float, worst: float) -> float | None:
    """Where `raw` sits against the best achievable: raw/best, or between worst and best when nothing
    can be gained (a skill only mistakes can cost). None when the skill cannot move at all."""
    if best > 0:
        value = 100.0 * raw / best
    elif worst < best:
        value = 100.0 * (raw - worst) / (best - worst)
    else:
        return None
    return round(max(0.0, min(100.0, value)), 1)


def assessed_skills(offered: Iterable[Iterable[Mapping[str, float]]]) -> set[str]:
    """The skills an attempt's path tested: those that some choice offered at one of its steps (each step
    given as the points of every choice on offer there, its timeout included) could raise or lower.
    A skill no offered choice touched was never in the trainee's hands on this path."""
    return {skill for step in offered for points in step for skill, value in points.items() if value}


def score_attempt(raw: Mapping[str, float], rules: Sequence[SkillRule], ranges: Mapping[str, tuple[float, float]],
                  pass_mark: float, critical_errors: Sequence[str] = (),
                  offered: Iterable[Iterable[Mapping[str, float]]] | None = None) -> AttemptScore:
    """Score one attempt. `ranges` maps skill -> (best, worst) achievable over the scenario. With
    `offered` (per step of the path, the points of each choice on offer: see `assessed_skills`), a skill
    the path never tested is not assessed: it is left out of the overall score and never passes.
    Without it every scored skill counts (a whole-scenario view, e.g. the best path's score)."""
    tested = None if offered is None else assessed_skills(offered)
    results = {}
    total = weight_sum = 0.0
    points_ok = True
    for rule in rules:
        best, worst = ranges.get(rule.name, (0.0, 0.0))
        value = raw.get(rule.name, 0)
        pct = percent(value, best, worst)
        scored = pct is not None and rule.weight > 0
        assessed = scored and (tested is None or rule.name in tested)
        pct = 100.0 if pct is None else pct
        passed = assessed and pct >= rule.threshold
        if assessed:
            total += rule.weight * pct
            weight_sum += rule.weight
            points_ok = points_ok and passed
        results[rule.name] = SkillResult(rule.name, value, best, worst, pct, rule.threshold, rule.weight,
                                         scored, passed, assessed)
    if weight_sum:
        overall = round(total / weight_sum, 1)
    elif any(r.scored for r in results.values()):
        overall, points_ok = 0.0, False  # a path that tested none of the scenario's skills shows nothing passed
    else:
        overall = 100.0  # a scenario that scores nothing
    points_ok = points_ok and overall >= pass_mark
    return AttemptScore(results, overall, pass_mark, points_ok, tuple(critical_errors))


def linear_coefficients(rules: Sequence[SkillRule], ranges: Mapping[str, tuple[float, float]]) -> list[float]:
    """Per-skill multipliers that turn raw points into overall-score points (ignoring the 0-100 clamp),
    so the best overall path can be found by the same graph DP as a single skill."""
    scored = []
    for rule in rules:
        best, worst = ranges.get(rule.name, (0.0, 0.0))
        span = best if best > 0 else (best - worst)
        scored.append((rule, span))
    weight_sum = sum(r.weight for r, span in scored if span > 0 and r.weight > 0)
    return [100.0 * r.weight / (span * weight_sum) if span > 0 and r.weight > 0 else 0.0 for r, span in scored]
