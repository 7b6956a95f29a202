"""The loop check the loader runs on every scenario: a loop that gains or loses points makes scores
unbounded, so it is an error, not a warning."""

from __future__ import annotations

from trainer.scenario.analysis import Analysis, analysis_for
from trainer.scenario.diagnostics import Location, Report
from trainer.scenario.model import Scenario


def location_of(obj, key: str = "") -> Location:
    return obj.locs.get(key) or obj.locs.get("", Location())


def check_loops(scenario: Scenario, report: Report) -> Analysis:
    """An error for a loop that gains or loses points: scores would be unbounded. Run by the loader."""
    analysis = analysis_for(scenario)
    err = analysis.loop_error
    if err is not None:
        node, choice_id = err.edge.label
        choice = find_choice(scenario, node, choice_id)
        skill = analysis.skills[err.dim] if err.dim >= 0 else "a skill"
        report.error(location_of(choice) if choice else location_of(scenario.nodes[node]),
                     f"choice '{choice_id}' in node '{node}' closes a loop that changes {skill} by "
                     f"{err.gain:+g} each time round, so scores would be unbounded",
                     "loops (choices leading back to an earlier node) must net zero points for every skill",
                     code="loop-points")
    return analysis


def find_choice(s: Scenario, node: str, choice_id: str):
    step = s.nodes.get(node)
    if step is None:
        return None
    if step.timeout is not None and choice_id == "timeout":
        return step.timeout
    return next((c for c in step.choices if c.id == choice_id), None)
