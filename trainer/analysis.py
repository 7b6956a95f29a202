"""Scenario analysis on the state graph: best/worst scores, paths, reachability, loops.

The graph's states are (node, flags that conditions test, mood when conditions test it), so conditions
are respected exactly while a scenario without conditions stays one state per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Hashable

from scoring import Edge, Extremes, Graph, LoopError, SkillRule, extremes, linear_coefficients, path_count
from scoring.graph import find_unbalanced_loop, reachable
from trainer.model import Scenario

State = tuple  # (node id, frozenset of tested flags, mood or None)


def _options(node):
    """Choices and the timeout (a choice nobody made), in order."""
    yield from node.choices
    if node.timeout is not None:
        yield node.timeout


def tested_flags(scenario: Scenario) -> frozenset[str]:
    out = set()
    for node in scenario.nodes.values():
        for choice in node.choices:
            if choice.when is not None:
                out.update(choice.when.flags, choice.when.not_flags)
    return frozenset(out)


def tests_mood(scenario: Scenario) -> bool:
    return any(c.when is not None and (c.when.mood_at_least is not None or c.when.mood_below is not None)
               for n in scenario.nodes.values() for c in n.choices)


@dataclass
class Analysis:
    scenario: Scenario
    graph: Graph
    start: State
    skills: tuple[str, ...]
    loop_error: LoopError | None = None

    @cached_property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """Per skill, the (best, worst) total any complete path can reach; empty if loops are unbalanced."""
        if self.loop_error is not None:
            return {}
        out = {}
        for i, skill in enumerate(self.skills):
            hi = extremes(self.graph, lambda e, i=i: e.weights[i], True, self.start)
            lo = extremes(self.graph, lambda e, i=i: e.weights[i], False, self.start)
            out[skill] = (hi.value.get(self.start, 0.0), lo.value.get(self.start, 0.0))
        return out

    @property
    def rules(self) -> list[SkillRule]:
        return [SkillRule(s.id, s.weight, s.threshold) for s in self.scenario.skills.values()]

    @cached_property
    def coefficients(self) -> list[float]:
        return linear_coefficients(self.rules, self.ranges)

    def overall_weight(self, edge: Edge) -> float:
        return sum(c * w for c, w in zip(self.coefficients, edge.weights))

    @cached_property
    def best(self) -> Extremes:
        return extremes(self.graph, self.overall_weight, True, self.start)

    @cached_property
    def worst(self) -> Extremes:
        return extremes(self.graph, self.overall_weight, False, self.start)

    @cached_property
    def critical_graph(self) -> tuple[Graph, tuple]:
        """The state graph doubled by 'a critical error has been committed'; only committed states end."""
        doubled = Graph(self.graph.dims)
        for state in self.graph.out:
            for committed in (False, True):
                doubled.add_node((state, committed), terminal=committed and state in self.graph.terminals)
        for e in self.graph.edges:
            for committed in (False, True):
                after = committed or e.critical
                doubled.add_edge(Edge((e.source, committed), (e.target, after), e.weights, e.label, e.critical))
        return doubled, (self.start, False)

    @cached_property
    def critical_best(self) -> tuple[Extremes, State] | None:
        """Best overall walk among those that commit at least one critical error."""
        doubled, start = self.critical_graph
        result = extremes(doubled, self.overall_weight, True, start)
        return (result, start) if start in result.value else None

    def critical_candidates(self) -> list[list[tuple[str, str]]]:
        """Walks through a critical error that are the likeliest to pass on points: the best overall
        one, and the best for each skill (a path can pass by clearing each threshold, not the total)."""
        doubled, start = self.critical_graph
        out = []
        objectives = [self.overall_weight] + [lambda e, i=i: e.weights[i] for i in range(len(self.skills))]
        for objective in objectives:
            result = extremes(doubled, objective, True, start)
            if start in result.value:
                labels = [e.label for e in result.walk(start)]
                if labels not in out:
                    out.append(labels)
        return out

    @cached_property
    def reachable_states(self) -> set[State]:
        return reachable(self.graph, self.start)

    @cached_property
    def reachable_nodes(self) -> set[str]:
        return {s[0] for s in self.reachable_states}

    @property
    def unreachable(self) -> list[str]:
        seen = self.reachable_nodes
        return [n for n in list(self.scenario.nodes) + list(self.scenario.endings) if n not in seen]

    @property
    def dead_ends(self) -> list[str]:
        """Nodes (not endings) that offer no way on at all."""
        return [n.id for n in self.scenario.nodes.values() if not n.choices and n.timeout is None]

    @cached_property
    def traps(self) -> list[str]:
        """Reachable nodes from which no ending can be reached (e.g. a loop with no way out)."""
        can_finish = {s[0] for s in self.best.value}
        return [n for n in self.scenario.nodes if n in self.reachable_nodes and n not in can_finish]

    @cached_property
    def paths(self) -> int | None:
        return path_count(self.graph, self.start)

    def best_label_from(self, state: State) -> tuple[str, str] | None:
        """(node, choice id) of the first step of a best walk from `state`."""
        walk = self.best.walk(state)
        return walk[0].label if walk else None


def build_graph(scenario: Scenario) -> tuple[Graph, State, tuple[str, ...]]:
    skills = tuple(scenario.skills)
    flags_tested = tested_flags(scenario)
    track_mood = tests_mood(scenario)
    scale = scenario.mood
    graph = Graph(len(skills))
    start: State = (scenario.start, frozenset(), scenario.character.mood if track_mood else None)
    graph.add_node(start, scenario.is_ending(scenario.start))
    todo = [start]
    seen = {start}
    weights_cache: dict[int, tuple[float, ...]] = {}
    while todo:
        state = todo.pop()
        node_id, flags, mood = state
        node = scenario.nodes.get(node_id)
        if node is None:
            continue
        for choice in _options(node):
            if choice.when is not None and not choice.when.holds(mood if track_mood else 0, flags):
                continue
            new_flags = flags
            if flags_tested and (choice.sets or choice.clears):
                new_flags = frozenset((set(flags) | (set(choice.sets) & flags_tested)) - set(choice.clears))
            new_mood = scale.clamp(mood + choice.mood) if track_mood else None
            target = (choice.next, new_flags, new_mood)
            if target not in seen:
                seen.add(target)
                graph.add_node(target, scenario.is_ending(choice.next))
                todo.append(target)
            key = id(choice)
            if key not in weights_cache:
                weights_cache[key] = tuple(float(choice.points.get(s, 0)) for s in skills)
            graph.add_edge(Edge(state, target, weights_cache[key], (node_id, choice.id), choice.critical is not None))
    return graph, start, skills


def analyse(scenario: Scenario) -> Analysis:
    graph, start, skills = build_graph(scenario)
    analysis = Analysis(scenario, graph, start, skills)
    analysis.loop_error = find_unbalanced_loop(graph, start)
    return analysis


def analysis_for(scenario: Scenario) -> Analysis:
    """The scenario's analysis, computed once per loaded scenario (scenarios are immutable)."""
    cached = scenario.__dict__.get("_analysis")
    if cached is None:
        cached = analyse(scenario)
        object.__setattr__(scenario, "_analysis", cached)
    return cached
