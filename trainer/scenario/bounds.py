"""A cap on the analysis' state space, checked by the loader before anything builds the state graph.

The analysis tracks one state per reachable (node, flags that conditions test, mood when a condition
tests it). Flags set independently along a chain double the states with every flag: 18 of them in a
4.5 KB file make hundreds of thousands of states, minutes of analysis and gigabytes of memory in
`simulate`, `analyze` and the app's debrief. Past the cap the file is an error naming the flags.
"""

from __future__ import annotations

from trainer.scenario.analysis import tested_flags, tests_mood
from trainer.scenario.diagnostics import Report
from trainer.scenario.loops import location_of
from trainer.scenario.model import Scenario

STATE_CAP = 10_000
"""Most analysis states a scenario may have (documented in docs/scenario-format.md)."""


def count_states(scenario: Scenario, cap: int) -> tuple[int, list[str]]:
    """Reachable analysis states, counted up to just past `cap`, and the tested flags seen set in them
    (in the order first seen). Explores like `analysis.build_graph`, without building any edges."""
    flags_tested = tested_flags(scenario)
    track_mood = tests_mood(scenario)
    scale = scenario.mood
    nodes = scenario.nodes
    start = (scenario.start, frozenset(), scenario.character.mood if track_mood else None)
    seen = {start}
    todo = [start]
    set_flags: dict[str, None] = {}
    while todo and len(seen) <= cap:
        node_id, flags, mood = todo.pop()
        node = nodes.get(node_id)
        if node is None:
            continue
        options = node.choices + ((node.timeout,) if node.timeout is not None else ())
        for choice in options:
            when = choice.when
            if when is not None and not when.holds(mood if track_mood else 0, flags):
                continue
            new_flags = flags
            if choice.sets or choice.clears:
                new_flags = frozenset((flags | (set(choice.sets) & flags_tested)) - set(choice.clears))
                for flag in new_flags - flags:
                    set_flags.setdefault(flag)
            target = (choice.next, new_flags, scale.clamp(mood + choice.mood) if track_mood else None)
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return len(seen), list(set_flags)


def check_state_space(scenario: Scenario, report: Report, cap: int = STATE_CAP) -> bool:
    """An error when the analysis would pass `cap` states; True when the scenario is within it."""
    moods = scenario.mood.max - scenario.mood.min + 1 if tests_mood(scenario) else 1
    size = len(scenario.nodes) + len(scenario.endings)
    if size * moods * 2 ** min(len(tested_flags(scenario)), 64) <= cap:
        return True  # small enough without looking
    count, flags = count_states(scenario, cap)
    if count <= cap:
        return True
    named = ", ".join(flags[:12]) + (f" and {len(flags) - 12} more" if len(flags) > 12 else "")
    parts = []
    if flags:
        parts.append(f"{len(flags)} flags set independently and tested by conditions ({named})")
    if tests_mood(scenario):
        parts.append("conditions on mood")
    testing = next((c for n in scenario.nodes.values() for c in n.choices
                    if c.when is not None and set(c.when.flags + c.when.not_flags) & set(flags)), None)
    report.error(location_of(testing, "when") if testing else location_of(scenario, "nodes"),
                 f"this scenario has more than {cap:,} combinations of node, flags and mood to analyse, "
                 f"because of {' and '.join(parts) or 'its size'}",
                 "test fewer flags, clear a flag once it has done its job (`clears:`), or let one flag stand "
                 "for several; each independent flag a condition tests can double the combinations",
                 code="state-space")
    return False
