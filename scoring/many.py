"""Several objectives' best walks over one graph in one pass, and one graph's condensation reused for other
ends.

The lint asks for the best walk through a critical error, and to a failed ending, once for the overall
score and once per skill: five or more `extremes` over the same graph, each walking every component and
exit edge and calling its weight function per edge. Here the components are walked once, each edge's
weights looked up once, and every objective's arithmetic is exactly `extremes`' (the same sums in the same
order, the same tie-breaking), so the walks found are the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from scoring.graph import EPS, Condensation, Edge, Extremes, Graph, _potentials, condensation


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


def with_terminals(graph: Graph, terminals: set[Hashable], start: Hashable) -> Graph:
    """`Graph(graph.dims, graph.out, terminals)` with its condensation from `start` taken from `graph`'s (the
    same nodes and edges make the same components; only which node of each is an end differs)."""
    other = Graph(graph.dims, graph.out, terminals)
    cond = condensation(graph, start)
    terminal = [next((n for n in members if n in terminals), None) for members in cond.components]
    other._condensed[("from", start)] = Condensation(cond.components, cond.comp_of, cond.internal, cond.exits,
                                                      terminal)
    return other
