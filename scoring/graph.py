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

    def add_node(self, node: Hashable, terminal: bool = False) -> None:
        self.out.setdefault(node, [])
        if terminal:
            self.terminals.add(node)

    def add_edge(self, edge: Edge) -> None:
        self.add_node(edge.source)
        self.add_node(edge.target)
        self.out[edge.source].append(edge)

    @property
    def edges(self) -> Iterable[Edge]:
        for edges in self.out.values():
            yield from edges


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
    for root in nodes if nodes is not None else list(graph.out):
        if root in index:
            continue
        work = [(root, iter(graph.out.get(root, ())))]
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
                    work.append((t, iter(graph.out.get(t, ()))))
                    advanced = True
                    break
                if t in on_stack:
                    low[node] = min(low[node], index[t])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    component.append(n)
                    if n == node:
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

    def walk(self, start: Hashable) -> list[Edge]:
        """Edges of an optimal walk from `start` to a terminal (shortest within each component)."""
        if start not in self.value:
            return []
        edges: list[Edge] = []
        node = start
        while True:
            exit_edge = self.via.get(node)
            if exit_edge is None:
                return edges
            edges.extend(_path_within(self.graph, node, exit_edge.source, self.component))
            edges.append(exit_edge)
            node = exit_edge.target


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


def extremes(graph: Graph, weight: Callable[[Edge], float], maximize: bool = True,
             start: Hashable | None = None) -> Extremes:
    """Best (maximize) or worst total walk value from every node (or those reachable from `start`)."""
    nodes = _in_order(graph, reachable(graph, start)) if start is not None else None
    components = strongly_connected(graph, nodes)
    comp_of: dict[Hashable, int] = {}
    for cid, members in enumerate(components):
        for n in members:
            comp_of[n] = cid
    potential: dict[Hashable, float] = {}
    for members in components:
        _set_potentials(graph, members, comp_of, weight, potential)
    better = (lambda a, b: a > b + EPS) if maximize else (lambda a, b: a < b - EPS)
    value: dict[Hashable, float] = {}
    via: dict[Hashable, Edge | None] = {}
    for cid, members in enumerate(components):  # sinks first, so every exit target is already done
        best: float | None = None
        best_edge: Edge | None = None
        terminal_here: Hashable | None = None
        for n in members:
            if n in graph.terminals:
                terminal_here = n
            for e in graph.out.get(n, ()):
                if comp_of[e.target] == cid or e.target not in value:
                    continue
                candidate = potential[n] + weight(e) + value[e.target]
                if best is None or better(candidate, best):
                    best, best_edge = candidate, e
        if terminal_here is not None and (best is None or better(potential[terminal_here], best)):
            best, best_edge = potential[terminal_here], None
        if best is None:
            continue
        for n in members:
            value[n] = best - potential[n]
            via[n] = best_edge
    return Extremes(value, via, comp_of, potential, graph, maximize)


def _set_potentials(graph: Graph, members, comp_of, weight, potential) -> None:
    """Give each node in a component its total from the component's first node; check loops net zero."""
    cid = comp_of[members[0]]
    root = members[0]
    potential[root] = 0.0
    todo = [root]
    while todo:
        node = todo.pop()
        for e in graph.out.get(node, ()):
            if comp_of.get(e.target) != cid:
                continue
            expected = potential[node] + weight(e)
            if e.target not in potential:
                potential[e.target] = expected
                todo.append(e.target)
    for n in members:
        for e in graph.out.get(n, ()):
            if comp_of.get(e.target) == cid:
                gain = potential[n] + weight(e) - potential[e.target]
                if abs(gain) > 1e-6:
                    raise LoopError(e, -1, gain)


def find_unbalanced_loop(graph: Graph, start: Hashable) -> LoopError | None:
    """The first loop (reachable from `start`) whose weights do not net zero in some dimension."""
    for dim in range(graph.dims):
        try:
            extremes(graph, lambda e, d=dim: e.weights[d], True, start)
        except LoopError as err:
            return LoopError(err.edge, dim, err.gain)
    return None


def path_count(graph: Graph, start: Hashable) -> int | None:
    """Distinct complete walks from `start` to a terminal; None when a loop makes them unlimited."""
    nodes = _in_order(graph, reachable(graph, start))
    components = strongly_connected(graph, nodes)
    count: dict[Hashable, int] = {}
    for members in components:
        node = members[0]
        if len(members) > 1 or any(e.target == node for e in graph.out.get(node, ())):
            return None
        count[node] = (1 if node in graph.terminals else 0) + sum(count[e.target] for e in graph.out[node])
    return count[start]
