"""Best and worst totals over a weighted graph, by dynamic programming on its condensation.

Loops are allowed as long as every loop nets zero for each weight: then each strongly connected
component has a potential (a node's total relative to the component's first node), the value of a
walk inside a component depends only on where it enters and leaves, and the condensation is a DAG.
That gives exact best/worst totals in linear time with no path enumeration. A loop that gains or
loses points would make scores unbounded, so it is reported as a `LoopError`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterable

EPS = 1e-9


@dataclass(frozen=True)
class Edge:
    source: Hashable
    target: Hashable
    weights: tuple[float, ...]
    label: object = None  # what the caller needs to replay the edge (e.g. a choice id)
    critical: bool = False


@dataclass
class Graph:
    """A directed multigraph whose terminal nodes are where walks may end."""

    dims: int
    out: dict[Hashable, list[Edge]] = field(default_factory=dict)
    terminals: set[Hashable] = field(default_factory=set)
    _condensed: dict = field(default_factory=dict, repr=False, compare=False)
    # a node every node of the graph is reachable from, when its builder explored the graph from it: then a
    # condensation from it needs no search for what is reachable (a new node may not be, so it forgets)
    rooted_at: Hashable | None = field(default=None, repr=False, compare=False)

    def add_node(self, node: Hashable, terminal: bool = False) -> None:
        if self._condensed:
            self._condensed.clear()
        if node not in self.out:
            self.out[node] = []
            self.rooted_at = None
        if terminal:
            self.terminals.add(node)

    def add_edge(self, edge: Edge) -> None:
        """As add_node(source), add_node(target), then the edge (inlined: graphs are built edge by edge)."""
        if self._condensed:
            self._condensed.clear()
        out = self.out
        edges = out.get(edge.source)
        if edges is None:
            edges = out[edge.source] = []
        if edge.target not in out:
            out[edge.target] = []
        edges.append(edge)
        self.rooted_at = None

    @property
    def edges(self) -> Iterable[Edge]:
        for edges in self.out.values():
            yield from edges


_new = object.__new__
_set = object.__setattr__


def make_edge(source: Hashable, target: Hashable, weights: tuple[float, ...], label: object = None,
              critical: bool = False) -> Edge:
    """`Edge(source, target, weights, label, critical)`, equal in every way, made without the frozen
    dataclass' five `object.__setattr__` calls: a scenario's graphs hold thousands of edges."""
    edge = _new(Edge)
    _set(edge, "__dict__", {"source": source, "target": target, "weights": weights, "label": label,
                            "critical": critical})
    return edge


class LoopError(ValueError):
    """A loop whose weights do not net to zero: totals would be unbounded."""

    def __init__(self, edge: Edge, dim: int, gain: float):
        self.edge, self.dim, self.gain = edge, dim, gain
        super().__init__(f"loop through {edge.source!r} -> {edge.target!r} changes weight {dim} by {gain:+g}")


def reachable(graph: Graph, start: Hashable) -> set[Hashable]:
    seen, todo = {start}, [start]
    while todo:
        for e in graph.out.get(todo.pop(), ()):
            if e.target not in seen:
                seen.add(e.target)
                todo.append(e.target)
    return seen


def strongly_connected(graph: Graph, nodes: Iterable[Hashable] | None = None) -> list[list[Hashable]]:
    """Tarjan's algorithm, iterative; components come sinks first (reverse topological order)."""
    index: dict[Hashable, int] = {}
    low: dict[Hashable, int] = {}
    on_stack: set[Hashable] = set()
    stack: list[Hashable] = []
    result: list[list[Hashable]] = []
    counter = 0
    out_of = graph.out.get
    for root in nodes if nodes is not None else list(graph.out):
        if root in index:
            continue
        work = [(root, iter(out_of(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for e in edges:
                t = e.target
                if t not in index:
                    index[t] = low[t] = counter
                    counter += 1
                    stack.append(t)
                    on_stack.add(t)
                    work.append((t, iter(out_of(t, ()))))
                    advanced = True
                    break
                if t in on_stack:
                    seen_at = index[t]
                    if seen_at < low[node]:
                        low[node] = seen_at
            if advanced:
                continue
            work.pop()
            node_low = low[node]
            if work:
                parent = work[-1][0]
                if node_low < low[parent]:
                    low[parent] = node_low
            if node_low == index[node]:
                component = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    component.append(n)
                    if n is node or n == node:
                        break
                result.append(component)
    return result


@dataclass
class Extremes:
    """Best (or worst) total from each node to a terminal, and the walk that achieves it."""

    value: dict[Hashable, float]  # missing: no terminal reachable
    via: dict[Hashable, Edge | None]  # the exit edge a best walk takes from the node's component
    component: dict[Hashable, int]
    potential: dict[Hashable, float]
    graph: Graph
    maximize: bool

    def first_step(self, start: Hashable) -> Edge | None:
        """The first edge of `walk(start)`, without building the rest of the walk."""
        exit_edge = self.via.get(start)
        if exit_edge is None:
            return None
        inside = _path_within(self.graph, start, exit_edge.source, self.component)
        return inside[0] if inside else exit_edge

    def leg(self, node: Hashable) -> list[Edge]:
        """The first stretch of `walk(node)`: to its component's exit edge, included ([] at an end)."""
        exit_edge = self.via.get(node)
        if exit_edge is None:
            return []
        return _path_within(self.graph, node, exit_edge.source, self.component) + [exit_edge]

    def walk(self, start: Hashable) -> list[Edge]:
        """Edges of an optimal walk from `start` to a terminal (shortest within each component)."""
        if start not in self.value:
            return []
        edges: list[Edge] = []
        leg = self.leg(start)
        while leg:
            edges.extend(leg)
            leg = self.leg(leg[-1].target)
        return edges


def _in_order(graph: Graph, subset: set) -> list:
    """`subset` in the order nodes were added, so results never depend on hashing."""
    return [n for n in graph.out if n in subset]


def _path_within(graph: Graph, start, goal, component) -> list[Edge]:
    if start == goal:
        return []
    cid = component[start]
    back: dict[Hashable, Edge] = {}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for e in graph.out.get(node, ()):
            if component.get(e.target) == cid and e.target not in back and e.target != start:
                back[e.target] = e
                if e.target == goal:
                    path = [e]
                    while path[-1].source != start:
                        path.append(back[path[-1].source])
                    return path[::-1]
                todo.append(e.target)
    raise AssertionError("nodes of one component are always connected")


@dataclass
class Condensation:
    """Strongly connected components (sinks first) with their internal and exit edges: computed once
    per graph and start, then shared by every DP over the same graph."""

    components: list[list[Hashable]]
    comp_of: dict[Hashable, int]
    internal: list[list[Edge]]
    exits: list[list[Edge]]
    terminal: list[Hashable | None]


def condensation(graph: Graph, start: Hashable | None = None) -> Condensation:
    key = ("all",) if start is None else ("from", start)
    cached = graph._condensed.get(key)
    if cached is not None:
        return cached
    if start is None:
        nodes = None
    elif graph.rooted_at is not None and graph.rooted_at == start:
        nodes = list(graph.out)  # all reachable from it, in the order they were added (as _in_order gives)
    else:
        nodes = _in_order(graph, reachable(graph, start))
    components = strongly_connected(graph, nodes)
    comp_of = {n: cid for cid, members in enumerate(components) for n in members}
    internal: list[list[Edge]] = []
    exits: list[list[Edge]] = []
    terminal: list[Hashable | None] = []
    out_of, terminals = graph.out.get, graph.terminals
    for cid, members in enumerate(components):
        if len(members) == 1:  # most components: no edge inside unless the node loops to itself
            n = members[0]
            edges = out_of(n, ())
            inside = [e for e in edges if comp_of[e.target] == cid]  # a loop from the node to itself
            leaving = [e for e in edges if comp_of[e.target] != cid] if inside else list(edges)
            internal.append(inside)
            exits.append(leaving)
            terminal.append(n if n in terminals else None)
            continue
        inside, leaving = [], []
        for n in members:
            for e in out_of(n, ()):
                (inside if comp_of[e.target] == cid else leaving).append(e)
        internal.append(inside)
        exits.append(leaving)
        terminal.append(next((n for n in members if n in terminals), None))
    result = Condensation(components, comp_of, internal, exits, terminal)
    graph._condensed[key] = result
    return result


def _potentials(cond: Condensation, weight: Callable[[Edge], float]) -> dict[Hashable, float]:
    """Each node's total from its component's first node; raises LoopError if a loop is unbalanced."""
    if not any(cond.internal):  # no loop at all (most graphs): every node is its component's first, at 0
        return dict.fromkeys([members[0] for members in cond.components], 0.0)
    potential: dict[Hashable, float] = {}
    for cid, members in enumerate(cond.components):
        root = members[0]
        potential[root] = 0.0
        inside = cond.internal[cid]
        if not inside:
            continue
        if len(members) > 1:
            spread_within(inside, root, potential, lambda at, e: at + weight(e))
        for e in inside:
            gain = potential[e.source] + weight(e) - potential[e.target]
            if abs(gain) > 1e-6:
                raise LoopError(e, -1, gain)
    return potential


def spread_within(inside: list[Edge], root: Hashable, potential: dict, step: Callable[[object, Edge], object]) -> None:
    """Give every node of a component its potential, walking the component's own edges from `root` (whose
    potential is set): `step(potential of an edge's source, edge)`, for one weight or for all at once."""
    by_source: dict[Hashable, list[Edge]] = {}
    for e in inside:
        by_source.setdefault(e.source, []).append(e)
    todo = [root]
    while todo:
        node = todo.pop()
        for e in by_source.get(node, ()):
            if e.target not in potential:
                potential[e.target] = step(potential[node], e)
                todo.append(e.target)


def extremes(graph: Graph, weight: Callable[[Edge], float], maximize: bool = True,
             start: Hashable | None = None) -> Extremes:
    """Best (maximize) or worst total walk value from every node (or those reachable from `start`)."""
    cond = condensation(graph, start)
    potential = _potentials(cond, weight)
    value: dict[Hashable, float] = {}
    via: dict[Hashable, Edge | None] = {}
    for cid, members in enumerate(cond.components):  # sinks first, so every exit target is already done
        best: float | None = None
        best_edge: Edge | None = None
        for e in cond.exits[cid]:
            after = value.get(e.target)
            if after is None:
                continue
            candidate = potential[e.source] + weight(e) + after
            if best is None or (candidate > best + EPS if maximize else candidate < best - EPS):
                best, best_edge = candidate, e
        end = cond.terminal[cid]
        if end is not None:
            here = potential[end]
            if best is None or (here > best + EPS if maximize else here < best - EPS):
                best, best_edge = here, None
        if best is None:
            continue
        for n in members:
            value[n] = best - potential[n]
            via[n] = best_edge
    return Extremes(value, via, cond.comp_of, potential, graph, maximize)


def find_unbalanced_loop(graph: Graph, start: Hashable) -> LoopError | None:
    """The first loop (reachable from `start`) whose weights do not net zero in some dimension."""
    cond = condensation(graph, start)
    if not any(cond.internal):
        return None
    for dim in range(graph.dims):
        try:
            _potentials(cond, lambda e, d=dim: e.weights[d])
        except LoopError as err:
            return LoopError(err.edge, dim, err.gain)
    return None


PATH_COUNT_CAP = 10**18


def path_count(graph: Graph, start: Hashable) -> int | None:
    """Distinct complete walks from `start` to a terminal, saturating at PATH_COUNT_CAP (counts grow
    exponentially with size, and exact giant numbers would make the count quadratic); None when a
    loop makes them unlimited."""
    count: dict[Hashable, int] = {}
    for members in condensation(graph, start).components:
        node = members[0]
        if len(members) > 1 or any(e.target == node for e in graph.out.get(node, ())):
            return None
        total = (1 if node in graph.terminals else 0) + sum(count[e.target] for e in graph.out[node])
        count[node] = min(total, PATH_COUNT_CAP)
    return count[start]
