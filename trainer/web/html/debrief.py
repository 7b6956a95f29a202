"""The debrief page's content: outcome, overall score against the pass mark, critical errors, per-skill
results, the supervisor's sign-off and notes, and the steps with their coaching; in practice only, the
stronger choice at each step (an assessment debrief never gives the answers away: retries must be earned).
Every figure comes from the session's `score()` and the compiled scenario, as in the terminal debrief."""

from __future__ import annotations

from trainer.i18n import _, day_text
from trainer.scenario.vocabulary import label
from trainer.sanitize import line


def debrief_view(site, attempt) -> dict:
    from trainer.web.html.words import points_words

    session = attempt.session
    scenario = session.scenario
    score = session.score()
    ending = scenario.endings[session.state]
    skills = []
    for name, result in score.skills.items():
        if not result.scored:
            continue
        skills.append({"name": label(name), "assessed": result.assessed,
                       "percent": f"{result.percent:.0f}%" if result.assessed else "",
                       "threshold": f"{result.threshold:g}%", "passed": result.passed,
                       "value": result.percent if result.assessed else 0})
    steps = []
    for step in session.transcript:
        item = {"text": _("(time ran out)") if step.timed_out else " ".join(step.text.split()),
                "reply": ({"name": line(step.reply["name"]), "text": " ".join(step.reply["text"].split())}
                          if step.reply else None),
                "critical": line(step.critical) if step.critical else "",
                "feedback": " ".join(step.feedback.split()), "points": points_words(step.points),
                "tags": " ".join(step.tags), "stronger": ""}
        if attempt.mode == "practice":
            best = session.compiled.best_choice(step.node, step.flags_before, step.mood_before)
            if best and best != step.choice:
                better = next((c for c in scenario.nodes[step.node].choices if c.id == best), None)
                if better is not None:
                    item["stronger"] = " ".join(better.worded(session.wording(step.node, better)).split())
        steps.append(item)
    supervisor = []
    row = site.store.attempt(attempt.attempt_id)
    if row and row.get("signed_off_by"):
        supervisor.append(_("Signed off by {name} on {day}").format(name=line(row["signed_off_by"]),
                                                                   day=day_text(row["signed_off_at"])))
    for note in site.store.notes(attempt.attempt_id) if row else []:
        supervisor.append(f"{day_text(note['created_at'])} · {line(note['author'])}: {' '.join(note['text'].split())}")
    return {
        "outcome": _("Outcome: {outcome}").format(outcome=label(ending.outcome)),
        "outcome_code": ending.outcome,
        "mode": _("Practice") if attempt.mode == "practice" else _("Assessment"),
        "summary": " ".join(ending.summary.split()),
        "overall": _("Overall {percent}%").format(percent=f"{score.overall:.0f}"),
        "pass_mark": _("(pass mark {percent}%)").format(percent=f"{score.pass_mark:g}"),
        "passed": score.passed,
        "critical": [line(m) for m in score.critical_errors],
        "skills": skills, "steps": steps, "supervisor": supervisor,
        "retry": scenario.id,
    }
