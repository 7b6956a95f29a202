"""Stable JSON (and text) shapes for a played session; documented in docs/cli.md."""

from __future__ import annotations

from dataclasses import asdict

from trainer.play.engine import Session
from trainer.play.order import order_report


def session_json(session: Session) -> dict:
    score = session.score()
    ending = session.state if session.finished else None
    return {
        "scenario": session.scenario.id,
        "version": session.scenario.version,
        "order": order_report(session.seed),
        "finished": session.finished,
        "state": session.state,
        "ending": ending,
        "outcome": session.scenario.endings[ending].outcome if ending else None,
        "mood": session.mood,
        "mood_band": session.band,
        "skills": {name: r.as_dict() for name, r in score.skills.items()},
        "overall": score.overall,
        "pass_mark": score.pass_mark,
        "points_passed": score.points_passed,
        "passed": score.passed and session.finished,
        "critical_errors": list(score.critical_errors),
        "transcript": [asdict(step) for step in session.transcript],
    }


def session_text(data: dict) -> str:
    lines = [f"Scenario: {data['scenario']}"]
    if data["order"] != "file":
        lines.append(f"  choices numbered in the order shown with seed {data['order']['seed']}")
    for i, step in enumerate(data["transcript"], 1):
        shown = "timeout" if step["timed_out"] else step["number"]
        lines.append(f"  {i}. [{step['node']}] {shown}: {step['text']}")
        if step.get("reply"):
            lines.append(f"     {step['reply']['name']}: {step['reply']['text']}")
        if step["critical"]:
            lines.append(f"     CRITICAL ERROR: {step['critical']}")
    if data["finished"]:
        lines.append(f"Ending: {data['ending']} ({data['outcome']})")
    else:
        lines.append(f"Not finished: now at '{data['state']}'")
    for name, skill in data["skills"].items():
        mark = "pass" if skill["passed"] else "below"
        note = "" if skill["scored"] else " (not scored)"
        lines.append(f"  {name:<14} {skill['percent']:5.1f}%  raw {skill['raw']:g}/{skill['max']:g}  "
                     f"threshold {skill['threshold']:g}% {mark}{note}")
    verdict = "PASSED" if data["passed"] else "NOT PASSED"
    if data["critical_errors"]:
        verdict += f" (critical error{'s' if len(data['critical_errors']) > 1 else ''})"
    elif not data["finished"]:
        verdict += " (unfinished)"
    lines.append(f"Overall: {data['overall']:.1f}% (pass mark {data['pass_mark']:g}%): {verdict}")
    return "\n".join(lines)
