"""Attempt scores: per-skill percentages against the best achievable, a weighted overall, pass/fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence


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

    def as_dict(self) -> dict:
        return {"raw": self.raw, "max": self.best, "min": self.worst, "percent": self.percent,
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


def score_attempt(raw: Mapping[str, float], rules: Sequence[SkillRule], ranges: Mapping[str, tuple[float, float]],
                  pass_mark: float, critical_errors: Sequence[str] = ()) -> AttemptScore:
    """Score one attempt. `ranges` maps skill -> (best, worst) achievable over the scenario."""
    results = {}
    total = weight_sum = 0.0
    points_ok = True
    for rule in rules:
        best, worst = ranges.get(rule.name, (0.0, 0.0))
        value = raw.get(rule.name, 0)
        pct = percent(value, best, worst)
        scored = pct is not None and rule.weight > 0
        pct = 100.0 if pct is None else pct
        passed = pct >= rule.threshold
        if scored:
            total += rule.weight * pct
            weight_sum += rule.weight
            points_ok = points_ok and passed
        results[rule.name] = SkillResult(rule.name, value, best, worst, pct, rule.threshold, rule.weight,
                                         scored, passed)
    overall = round(total / weight_sum, 1) if weight_sum else 100.0
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
