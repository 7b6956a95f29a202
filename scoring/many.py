"""Several objectives' best walks over one graph in one pass, every weight's best and worst total in one
pass, and one graph's condensation reused for other ends.

The lint asks for the best walk through a critical error, and to a failed ending, once for the overall
score and once per skill: five or more `extremes` over the same graph, each walking every component and
exit edge and calling its weight function per edge. Here the components are walked once, each edge's
weights looked up once, and every objective's arithmetic is exactly `extremes`' (the same sums in the same
order, the same tie-breaking), so the walks found are the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from operator import add, sub

from scoring.graph import EPS, Condensation, Edge, Extremes, Graph, _potentials, condensation, spread_within


def extremes_many(graph: Graph, vector: Callable[[Edge], Sequence[float]], size: int, maximize: bool = True,
                  start: Hashable | None = None) -> list[Extremes]:
    """`[extremes(graph, lambda e: vector(e)[k], maximize, start) for k in range(size)]`, in one pass."""
    cond = condensation(graph, start)
    ks = range(size)
    if not any(cond.internal):
        return _without_loops(graph, cond, vector, size, maximize)
    potentials = [_potentials(cond, lambda e, k=k: vector(e)[k]) for k in ks]
    # per node, every objective's value and exit edge at once (one lookup per edge, not one per objective);
    # split into one dict per objective at the end, in the order the nodes were reached
    values: dict[Hashable, list[float]] = {}
    vias: dict[Hashable, list[Edge | None]] = {}
    for cid, members in enumerate(cond.components):  # sinks first, so every exit target is already done
        best: list[float | None] = [None] * size
        best_edge: list[Edge | None] = [None] * size
        for e in cond.exits[cid]:
            after = values.get(e.target)
            if after is None:  # no value for any objective: it depends only on the graph
                continue
            source, w = e.source, vector(e)
            for k in ks:
                candidate = potentials[k][source] + w[k] + after[k]
                b = best[k]
                if b is None or (candidate > b + EPS if maximize else candidate < b - EPS):
                    best[k], best_edge[k] = candidate, e
        end = cond.terminal[cid]
        if end is not None:
            for k in ks:
                here = potentials[k][end]
                b = best[k]
                if b is None or (here > b + EPS if maximize else here < b - EPS):
                    best[k], best_edge[k] = here, None
        if best[0] is None:
            continue
        for n in members:
            values[n] = [best[k] - potentials[k][n] for k in ks]
            vias[n] = best_edge
    return [Extremes({n: v[k] for n, v in values.items()}, {n: v[k] for n, v in vias.items()}, cond.comp_of,
                     potentials[k], graph, maximize) for k in ks]


def _without_loops(graph: Graph, cond: Condensation, vector: Callable[[Edge], Sequence[float]], size: int,
                   maximize: bool) -> list[Extremes]:
    """`extremes_many` on a graph without a loop (most scenarios): every component is one node whose
    potential is 0.0, and adding 0.0 to a value or taking it away changes nothing (values are sums of
    whole points and their multiples, never -0.0), so the same sums are made without them."""
    ks = range(size)
    values: dict[Hashable, list[float]] = {}
    vias: dict[Hashable, list[Edge | None]] = {}
    for cid, members in enumerate(cond.components):  # sinks first
        best: list[float | None] = [None] * size
        best_edge: list[Edge | None] = [None] * size
        for e in cond.exits[cid]:
            after = values.get(e.target)
            if after is None:
                continue
            w = vector(e)
            for k in ks:
                candidate = w[k] + after[k]
                b = best[k]
                if b is None or (candidate > b + EPS if maximize else candidate < b - EPS):
                    best[k], best_edge[k] = candidate, e
        if cond.terminal[cid] is not None:
            for k in ks:
                b = best[k]
                if b is None or (0.0 > b + EPS if maximize else 0.0 < b - EPS):
                    best[k], best_edge[k] = 0.0, None
        if best[0] is None:
            continue
        values[members[0]] = best
        vias[members[0]] = best_edge
    potential = dict.fromkeys([members[0] for members in cond.components], 0.0)  # what _potentials gives
    return [Extremes({n: v[k] for n, v in values.items()}, {n: v[k] for n, v in vias.items()}, cond.comp_of,
                     potential, graph, maximize) for k in ks]


def total_ranges(graph: Graph, start: Hashable) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """Best and worst total of each weight over complete walks from `start`, every weight in one pass:
    the values `extremes` gives one weight and one direction at a time, for a graph whose loops are
    balanced. None when no terminal can be reached."""
    cond = condensation(graph, start)
    if not any(cond.internal):
        return _ranges_without_loops(graph, cond, start)
    zero = (0.0,) * graph.dims
    potential: dict[Hashable, tuple[float, ...]] = {}
    for cid, members in enumerate(cond.components):  # as _potentials, for all weights at once
        root = members[0]
        potential[root] = zero
        if len(members) > 1:
            spread_within(cond.internal[cid], root, potential,
                          lambda at, e: tuple(p + w for p, w in zip(at, e.weights)))
    high: dict[Hashable, tuple[float, ...]] = {}
    low: dict[Hashable, tuple[float, ...]] = {}
    # A component's first node has the zero potential (most components are one node): adding or taking
    # away 0.0 changes no weight (they are whole points, never -0.0), so those sums are skipped.
    for cid, members in enumerate(cond.components):  # sinks first
        best = worst = None
        for e in cond.exits[cid]:
            after_high = high.get(e.target)
            if after_high is None:
                continue
            at = potential[e.source]
            step = e.weights if at is zero else tuple(map(add, at, e.weights))
            up = tuple(map(add, step, after_high))
            down = tuple(map(add, step, low[e.target]))
            best = up if best is None else tuple(map(max, best, up))
            worst = down if worst is None else tuple(map(min, worst, down))
        end = cond.terminal[cid]
        if end is not None:
            here = potential[end]
            best = here if best is None else tuple(map(max, best, here))
            worst = here if worst is None else tuple(map(min, worst, here))
        if best is None:
            continue
        for n in members:
            at = potential[n]
            if at is zero:
                high[n], low[n] = best, worst
            else:
                high[n] = tuple(map(sub, best, at))
                low[n] = tuple(map(sub, worst, at))
    if start not in high:
        return None
    return high[start], low[start]


def _ranges_without_loops(graph: Graph, cond: Condensation, start: Hashable
                          ) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """`total_ranges` on a graph without a loop (most scenarios), with half the tuple arithmetic: each node
    keeps its best totals and its worst totals negated in one tuple, so a single `max` picks both (the
    negation of a sum is the sum of the negations, and the largest negation is the negated smallest, exactly
    in floating point; a zero's sign, the one difference, is dropped when the worst totals are turned back)."""
    dims = graph.dims
    both: dict[Hashable, tuple[float, ...]] = {}
    mirrored: dict[int, tuple[float, ...]] = {}  # a weights tuple's id -> its weights, then them negated (the
    # edges of one choice share one tuple, kept alive by the graph while this runs)
    zeros = (0.0,) * (2 * dims)
    for cid, members in enumerate(cond.components):  # sinks first; each is one node with potential 0.0
        best = None
        for e in cond.exits[cid]:
            after = both.get(e.target)
            if after is None:
                continue
            w = e.weights
            step = mirrored.get(id(w))
            if step is None:
                step = mirrored[id(w)] = w + tuple([-x for x in w])
            up = tuple(map(add, step, after))
            best = up if best is None else tuple(map(max, best, up))
        if cond.terminal[cid] is not None:
            best = zeros if best is None else tuple(map(max, best, zeros))
        if best is not None:
            both[members[0]] = best
    found = both.get(start)
    if found is None:
        return None
    return found[:dims], tuple([0.0 - x for x in found[dims:]])


def with_terminals(graph: Graph, terminals: set[Hashable], start: Hashable) -> Graph:
    """`Graph(graph.dims, graph.out, terminals)` with its condensation from `start` taken from `graph`'s (the
    same nodes and edges make the same components; only which node of each is an end differs)."""
    other = Graph(graph.dims, graph.out, terminals)
    cond = condensation(graph, start)
    terminal = [next((n for n in members if n in terminals), None) for members in cond.components]
    other._condensed[("from", start)] = Condensation(cond.components, cond.comp_of, cond.internal, cond.exits,
                                                      terminal)
    return other
