"""Scoring: the graph DP's best/worst equal brute force on generated graphs; attempt scores."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import Edge, Graph, LoopError, SkillRule, extremes, path_count, percent, score_attempt
from scoring.graph import find_unbalanced_loop
from scoring.many import total_ranges


@st.composite
def graphs(draw):
    """Small random graphs; terminals have no out-edges, like endings."""
    n = draw(st.integers(2, 6))
    terminals = set(draw(st.lists(st.integers(1, n - 1), min_size=1, max_size=2, unique=True)))
    graph = Graph(2)
    for i in range(n):
        graph.add_node(i, i in terminals)
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                                    st.integers(-3, 3), st.integers(-3, 3), st.booleans()),
                          max_size=10))
    for k, (a, b, w1, w2, critical) in enumerate(edges):
        if a in terminals:
            continue
        graph.add_edge(Edge(a, b, (float(w1), float(w2)), k, critical))
    return graph


def simple_paths(graph, start):
    """Brute force: every simple path from start to a terminal, as edge lists."""
    out = []

    def walk(node, seen, edges):
        if node in graph.terminals:
            out.append(list(edges))
        for e in graph.out.get(node, ()):
            if e.target not in seen:
                walk(e.target, seen | {e.target}, edges + [e])

    walk(start, {start}, [])
    return out


def has_unbalanced_simple_cycle(graph, start, dim):
    reach = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if n in reach:
            continue
        reach.add(n)
        todo.extend(e.target for e in graph.out.get(n, ()))

    def walk(origin, node, seen, total):
        for e in graph.out.get(node, ()):
            t = total + e.weights[dim]
            if e.target == origin and abs(t) > 1e-9:
                return True
            if e.target not in seen and e.target > origin and walk(origin, e.target, seen | {e.target}, t):
                return True
        return False

    return any(walk(o, o, {o}, 0.0) for o in reach)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_dp_best_and_worst_equal_brute_force(graph):
    loop = find_unbalanced_loop(graph, 0)
    unbalanced = [d for d in range(2) if has_unbalanced_simple_cycle(graph, 0, d)]
    assert (loop.dim if loop else None) == (unbalanced[0] if unbalanced else None)
    if loop is not None:
        return
    paths = simple_paths(graph, 0)
    for dim in range(2):
        weight = lambda e, d=dim: e.weights[d]  # noqa: E731
        best = extremes(graph, weight, True, 0)
        worst = extremes(graph, weight, False, 0)
        if not paths:
            assert 0 not in best.value
            continue
        totals = [sum(weight(e) for e in p) for p in paths]
        assert best.value[0] == pytest.approx(max(totals))
        assert worst.value[0] == pytest.approx(min(totals))
        # the reconstructed walk really achieves the value and ends at a terminal
        walk = best.walk(0)
        assert sum(weight(e) for e in walk) == pytest.approx(max(totals))
        assert (walk[-1].target if walk else 0) in graph.terminals
        assert best.first_step(0) == (walk[0] if walk else None)


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_all_weights_at_once_equal_brute_force(graph):
    """total_ranges (every weight's best and worst in one pass, as validate's analysis uses) against
    every simple path, on graphs whose loops are balanced."""
    if find_unbalanced_loop(graph, 0) is not None:
        return
    paths = simple_paths(graph, 0)
    found = total_ranges(graph, 0)
    if not paths:
        assert found is None
        return
    high, low = found
    for dim in range(2):
        totals = [sum(e.weights[dim] for e in p) for p in paths]
        assert high[dim] == max(totals) and low[dim] == min(totals)  # whole points: sums are exact
    assert all(math.copysign(1.0, v) == 1.0 for v in high + low if v == 0)  # a zero shows as 0, never -0


@settings(max_examples=300, deadline=None)
@given(graphs(), st.booleans())
def test_several_objectives_in_one_pass_equal_one_at_a_time(graph, maximize):
    """extremes_many (the lint's best walks through a critical error, per objective, in one pass) finds the
    same values and the same walks as `extremes` run once per objective, with or without loops."""
    from scoring.many import extremes_many

    if find_unbalanced_loop(graph, 0) is not None:
        return
    vector = lambda e: (e.weights[0] + e.weights[1], *e.weights)  # noqa: E731
    together = extremes_many(graph, vector, 3, maximize, 0)
    for k, found in enumerate(together):
        alone = extremes(graph, lambda e, k=k: vector(e)[k], maximize, 0)
        assert found.value == alone.value
        assert (found.walk(0) if 0 in found.value else None) == (alone.walk(0) if 0 in alone.value else None)


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_path_count_equals_enumeration_on_acyclic_graphs(graph):
    count = path_count(graph, 0)
    if count is None:
        return  # loops: unlimited walks
    def all_paths(node):
        return (1 if node in graph.terminals else 0) + sum(all_paths(e.target) for e in graph.out[node])
    assert count == all_paths(0)


def test_loop_with_points_is_detected():
    g = Graph(1)
    g.add_node("end", terminal=True)
    g.add_edge(Edge("a", "b", (1.0,)))
    g.add_edge(Edge("b", "a", (0.0,)))
    g.add_edge(Edge("b", "end", (0.0,)))
    with pytest.raises(LoopError):
        extremes(g, lambda e: e.weights[0], True, "a")


def test_zero_sum_loop_is_fine_and_value_is_exact():
    g = Graph(1)
    g.add_node("end", terminal=True)
    g.add_edge(Edge("a", "b", (2.0,)))
    g.add_edge(Edge("b", "a", (-2.0,)))
    g.add_edge(Edge("b", "end", (1.0,)))
    g.add_edge(Edge("a", "end", (0.0,)))
    assert extremes(g, lambda e: e.weights[0], True, "a").value["a"] == 3.0
    assert extremes(g, lambda e: e.weights[0], False, "a").value["a"] == 0.0
    assert path_count(g, "a") is None


@pytest.mark.parametrize("raw,best,worst,expected", [
    (4, 4, -2, 100.0), (2, 4, -2, 50.0), (-1, 4, -2, 0.0), (5, 4, 0, 100.0),
    (0, 0, -4, 100.0), (-2, 0, -4, 50.0), (-4, 0, -4, 0.0), (0, 0, 0, None),
])
def test_percent(raw, best, worst, expected):
    assert percent(raw, best, worst) == expected


def test_weighted_overall_thresholds_and_critical_errors():
    rules = [SkillRule("empathy", 2, 60), SkillRule("privacy", 1, 80), SkillRule("teach", 1, 50)]
    ranges = {"empathy": (4, -2), "privacy": (0, -4), "teach": (0, 0)}
    score = score_attempt({"empathy": 3, "privacy": -2}, rules, ranges, 70)
    assert score.skills["empathy"].percent == 75.0
    assert score.skills["privacy"].percent == 50.0 and not score.skills["privacy"].passed
    assert not score.skills["teach"].scored
    assert score.overall == round((2 * 75 + 50) / 3, 1)
    assert not score.passed  # privacy below its threshold and overall below 70

    perfect = score_attempt({"empathy": 4, "privacy": 0}, rules, ranges, 70)
    assert perfect.passed and perfect.overall == 100.0
    failed = score_attempt({"empathy": 4, "privacy": 0}, rules, ranges, 70, ["Disclosed results"])
    assert failed.points_passed and not failed.passed
