"""Data the report's charts need beyond the tables: scores over dates, groups, the choices that trip
people up (each trainee counted once however often they repeat it), and the conversation order in which
item analysis is listed. Read-only; each query is bounded by a scenario or by a row limit.
"""

from __future__ import annotations

from typing import Mapping

from trainer.progress.store import Store

TIMELINE_LIMIT = 2000


def _narrow(store: Store, where: list[str], params: list, trainee: str | None = None, **columns) -> bool:
    """Add the report's filters to a WHERE list: a trainee by name (False when there is none of that name,
    so the caller returns nothing), then `column=value` pairs; a `since` value means started on or after."""
    if trainee:
        person = store.find_trainee(trainee)
        if person is None:
            return False
        where.append("a.trainee_id = ?")
        params.append(person.id)
    for column, value in columns.items():
        if value:
            where.append("a.started_at >= ?" if column == "since" else f"a.{column} = ?")
            params.append(value)
    return True


def groups(store: Store) -> dict[str, list[str]]:
    """Group name -> its members' names (the groups trainees belong to today)."""
    out: dict[str, list[str]] = {}
    for group, name in store._db.execute(
            "SELECT g.name, t.name FROM group_members m JOIN groups g ON g.id = m.group_id"
            " JOIN trainees t ON t.id = m.trainee_id ORDER BY g.name_key, t.name"):
        out.setdefault(group, []).append(name)
    return out


def timeline(store: Store, trainee: str | None = None, scenario: str | None = None, since: str | None = None,
             mode: str | None = None) -> list[dict]:
    """Completed attempts oldest first (the latest TIMELINE_LIMIT): who, when, mode, scenario, score, pass."""
    where, params = ["a.status = 'completed'", "a.finished_at IS NOT NULL"], []
    if not _narrow(store, where, params, trainee, scenario_id=scenario, since=since, mode=mode):
        return []
    rows = store._db.execute(
        "SELECT t.name, a.mode, a.scenario_id, a.finished_at, a.overall, a.passed FROM attempts a"
        f" JOIN trainees t ON t.id = a.trainee_id WHERE {' AND '.join(where)}"
        f" ORDER BY a.finished_at DESC LIMIT {TIMELINE_LIMIT}", params).fetchall()
    return [{"trainee": name, "mode": kind, "scenario": sid, "finished_at": at, "score": overall,
             "passed": None if passed is None else bool(passed)}
            for name, kind, sid, at, overall, passed in reversed(rows)]


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
    """Without the scenario file: nodes by the average step at which recorded attempts reached them."""
    return {node: step for node, step in store._db.execute(
        "SELECT c.node, avg(c.seq) FROM choices c JOIN attempts a ON a.id = c.attempt_id"
        " WHERE (a.scenario_id = ? AND a.form_id IS NULL) OR a.form_id = ? GROUP BY c.node", [scenario_id, scenario_id])}


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
    where, params = ["a.scenario_id = ?", "a.status = 'completed'", "c.undone = 0"], [scenario_id]
    if not _narrow(store, where, params, trainee, mode=mode, since=since):
        return []
    clause = " AND ".join(where)
    reached = {(form, node): people for form, node, people in store._db.execute(
        f"SELECT coalesce(a.form_id, a.scenario_id), c.node, count(DISTINCT a.trainee_id) FROM choices c JOIN attempts"
        f" a ON a.id = c.attempt_id WHERE {clause} GROUP BY 1, c.node", params).fetchall()}
    rows = store._db.execute(
        "SELECT coalesce(a.form_id, a.scenario_id), c.node, c.choice_id, max(c.text), count(DISTINCT a.trainee_id),"
        " count(*), sum((SELECT coalesce(sum(value), 0) FROM json_each(c.points))), max(c.critical IS NOT NULL)"
        f" FROM choices c JOIN attempts a ON a.id = c.attempt_id WHERE {clause} GROUP BY 1, c.node, c.choice_id",
        params).fetchall()
    out = []
    for form, node, choice_id, text, people, picks, points, critical in rows:
        average = round((points or 0) / picks, 2) if picks else 0.0
        if average < 0 or critical:
            out.append({"form": form, "node": node, "choice_id": choice_id, "text": text, "trainees": people,
                        "reached": reached.get((form, node), people), "picks": picks, "average_points": average,
                        "critical": bool(critical)})
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
