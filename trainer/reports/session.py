"""Stable JSON (and text) shapes for a played session; documented in docs/cli.md."""

from __future__ import annotations

from dataclasses import asdict

from trainer.i18n import _, ngettext
from trainer.play.engine import Session
from trainer.play.order import order_report
from trainer.scenario.vocabulary import label


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
    lines = [_("Scenario: {id}").format(id=data["scenario"])]
    if data["order"] != "file":
        lines.append("  " + _("choices numbered in the order shown with seed {seed}").format(seed=data["order"]["seed"]))
    for i, step in enumerate(data["transcript"], 1):
        shown = _("timeout") if step["timed_out"] else step["number"]
        lines.append(f"  {i}. [{step['node']}] {shown}: {step['text']}")
        if step.get("reply"):
            lines.append(f"     {step['reply']['name']}: {step['reply']['text']}")
        if step["critical"]:
            lines.append("     " + _("CRITICAL ERROR: {error}").format(error=step["critical"]))
    if data["finished"]:
        lines.append(_("Ending: {ending} ({outcome})").format(ending=data["ending"], outcome=label(data["outcome"])))
    else:
        lines.append(_("Not finished: now at '{node}'").format(node=data["state"]))
    for name, skill in data["skills"].items():
        if skill["scored"] and not skill["assessed"]:
            lines.append(f"  {label(name):<14} " + _("not assessed on this path"))
            continue
        mark = _("pass") if skill["passed"] else _("below")
        note = " " + _("(not scored)") if not skill["scored"] else ""
        if skill["percent"] is None:  # not scored: nothing on any path moves it
            lines.append(f"  {label(name):<14}   —    {note.strip()}")
            continue
        lines.append(f"  {label(name):<14} {skill['percent']:5.1f}%  "
                     + _("raw {raw}/{max}  threshold {threshold}%").format(
                         raw=f"{skill['raw']:g}", max=f"{skill['max']:g}", threshold=f"{skill['threshold']:g}")
                     + f" {mark}{note}")
    verdict = _("PASSED") if data["passed"] else _("NOT PASSED")
    if data["critical_errors"]:
        verdict += " " + ngettext("(critical error)", "(critical errors)", len(data["critical_errors"]))
    elif not data["finished"]:
        verdict += " " + _("(unfinished)")
    lines.append(_("Overall: {percent}% (pass mark {mark}%): {verdict}").format(
        percent=f"{data['overall']:.1f}", mark=f"{data['pass_mark']:g}", verdict=verdict))
    return "\n".join(lines)
