"""Data the report's charts need beyond the tables: scores over dates, groups, the choices that trip
people up (each trainee counted once however often they repeat it), and the conversation order in which
item analysis is listed. Read-only; the figures come from trainer.progress.report_queries (totals kept on
write, or a range of attempts when the report is narrowed).
"""

from __future__ import annotations

from typing import Mapping

from trainer.progress import report_queries as queries
from trainer.progress.store import Store

TIMELINE_LIMIT = 2000


def _trainee_id(store: Store, trainee: str | None) -> int | None | bool:
    """The id of the trainee the report is narrowed to: None when not narrowed, False when nobody has that
    name (the caller then returns nothing)."""
    if not trainee:
        return None
    person = store.find_trainee(trainee)
    return False if person is None else person.id


def groups(store: Store) -> dict[str, list[str]]:
    """Group name -> its members' names (the groups trainees belong to today)."""
    out: dict[str, list[str]] = {}
    for group, name in queries.group_members(store):
        out.setdefault(group, []).append(name)
    return out


def timeline(store: Store, trainee: str | None = None, scenario: str | None = None, since: str | None = None,
             mode: str | None = None) -> list[dict]:
    """Completed attempts oldest first (the latest TIMELINE_LIMIT): who, when, mode, scenario, score, pass."""
    trainee_id = _trainee_id(store, trainee)
    if trainee_id is False:
        return []
    rows = queries.completed_timeline(store, TIMELINE_LIMIT, trainee_id, scenario, since, mode)
    return [{"trainee": r.trainee, "mode": r.mode, "scenario": r.scenario, "finished_at": r.finished_at,
             "score": r.score, "passed": None if r.passed is None else bool(r.passed)} for r in reversed(rows)]


def conversation_order(scenario) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Node positions in the order a conversation reaches them (breadth first from the start; nodes
    no path reaches keep file order after), and each choice's position in its node as written."""
    nodes = list(scenario.nodes)
    start = scenario.start or (nodes[0] if nodes else "")
    seen, queue = [], [start]
    while queue:
        node_id = queue.pop(0)
        if node_id in seen or node_id not in scenario.nodes:
            continue
        seen.append(node_id)
        node = scenario.nodes[node_id]
        queue += [c.next for c in node.choices] + ([node.timeout.next] if node.timeout else [])
    seen += [n for n in nodes if n not in seen]
    choices = {(n, c.id): i for n in nodes for i, c in enumerate(scenario.nodes[n].choices)}
    return {n: i for i, n in enumerate(seen)}, choices


def recorded_order(store: Store, scenario_id: str) -> dict[str, float]:
    """Without the scenario file: nodes by the average step at which completed attempts answered them."""
    return queries.recorded_node_steps(store, scenario_id)


def in_conversation_order(store: Store, scenario_id: str, items: list[dict], scenarios: Mapping | None) -> list[dict]:
    """`items` (dicts with node and choice_id) sorted as the conversation runs; items of a form (their `form`
    another id) after the original's, each form in its own conversation order."""
    forms = sorted({r.get("form") or scenario_id for r in items}, key=lambda f: (f != scenario_id, f))
    if len(forms) > 1 or forms[:1] not in ([], [scenario_id]):
        return [r for form in forms for r in _one_conversation_order(
            store, form, [r for r in items if (r.get("form") or scenario_id) == form], scenarios)]
    return _one_conversation_order(store, scenario_id, items, scenarios)


def _one_conversation_order(store: Store, scenario_id: str, items: list[dict], scenarios: Mapping | None) -> list[dict]:
    model = None
    if scenarios is not None:
        try:
            model = scenarios.get(scenario_id)
        except Exception:  # a scenario file that no longer loads: fall back to what was recorded
            model = None
    if model is not None:
        node_pos, choice_pos = conversation_order(model)
    else:
        node_pos, choice_pos = recorded_order(store, scenario_id), {}
    big = float(len(node_pos) + 1)
    return sorted(items, key=lambda r: (node_pos.get(r["node"], big), r["node"],
                                        choice_pos.get((r["node"], r["choice_id"]), 999), -r.get("picks", 0),
                                        r["choice_id"]))


def trip_ups(store: Store, scenario_id: str, mode: str | None = None, trainee: str | None = None,
             since: str | None = None) -> list[dict]:
    """Choices that lose points or are critical errors, in completed attempts: how many different
    trainees picked each (a trainee repeating it counts once) out of how many reached that step."""
    trainee_id = _trainee_id(store, trainee)
    if trainee_id is False:
        return []
    reached, rows = queries.trip_up_counts(store, scenario_id, mode, trainee_id, since)
    out = []
    for r in rows:
        average = round(r.points / r.picks, 2) if r.picks else 0.0
        if average < 0 or r.critical:
            out.append({"form": r.form, "node": r.node, "choice_id": r.choice_id, "text": r.text,
                        "trainees": r.trainees, "reached": reached.get((r.form, r.node), r.trainees),
                        "picks": r.picks, "average_points": average, "critical": r.critical})
    return out


def add_chart_data(report: dict, store: Store, scenarios: Mapping | None = None) -> dict:
    """Item analysis in conversation order, each scenario's `trip_ups`, and the report's `timeline` and
    `groups` (additions to the JSON; nothing there changes shape)."""
    filters = report.get("filters", {})
    trainee, since, mode = filters.get("trainee"), filters.get("since"), filters.get("mode")
    for row in report["scenarios"]:
        row["items"] = in_conversation_order(store, row["id"], row["items"], scenarios)
        row["trip_ups"] = in_conversation_order(
            store, row["id"], trip_ups(store, row["id"], row.get("mode"), trainee, since), scenarios)
    report["timeline"] = timeline(store, trainee, filters.get("scenario"), since, mode)
    report["groups"] = groups(store)
    return report
