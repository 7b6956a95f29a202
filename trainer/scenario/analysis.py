"""Scenario analysis on the state graph: best/worst scores, paths, reachability, loops.

The graph's states are (node, flags that conditions test, mood when conditions test it), so conditions
are respected exactly while a scenario without conditions stays one state per node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from scoring import (AttemptScore, Edge, Extremes, Graph, LoopError, SkillRule, assessed_skills, extremes,
                     linear_coefficients, path_count, score_attempt)
from scoring.graph import condensation, find_unbalanced_loop, make_edge
from scoring.many import extremes_many, total_ranges, with_terminals
from trainer.scenario.model import Scenario

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
class PathRun:
    """A complete path found by the analysis, scored."""

    labels: list[tuple[str, str]]
    numbers: list[int | str]  # what a trainee presses at each step in file order (`simulate --choose`)
    ending: str | None
    score: AttemptScore
    states: list[State] = field(default_factory=list)  # where each step was taken

    @property
    def passed(self) -> bool:
        return self.score.passed and self.ending is not None


@dataclass
class Analysis:
    """Everything the graph DP can say about a scenario. The state graph is built on first use; the
    loop check the loader needs runs on the much smaller node graph."""

    scenario: Scenario
    loop_error: LoopError | None = None

    @cached_property
    def _built(self) -> tuple[Graph, State, tuple[str, ...]]:
        return build_graph(self.scenario)

    @property
    def graph(self) -> Graph:
        return self._built[0]

    @property
    def start(self) -> State:
        return self._built[1]

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(self.scenario.skills)

    @cached_property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """Per skill, the (best, worst) total any complete path can reach; empty if loops are unbalanced."""
        if self.loop_error is not None:
            return {}
        found = total_ranges(self.graph, self.start)
        if found is None:
            return {skill: (0.0, 0.0) for skill in self.skills}
        return {skill: (found[0][i], found[1][i]) for i, skill in enumerate(self.skills)}

    @cached_property
    def rules(self) -> list[SkillRule]:
        """Each skill's rule, made once (every path scored asks for them)."""
        return [SkillRule(s.id, s.weight, s.threshold) for s in self.scenario.skills.values()]

    @cached_property
    def coefficients(self) -> list[float]:
        return linear_coefficients(self.rules, self.ranges)

    @cached_property
    def _overall_by_weights(self) -> dict[tuple[float, ...], float]:
        return {}  # edges of one choice share one weights tuple: each sum is worked out once

    def overall_weight(self, edge: Edge) -> float:
        known = self._overall_by_weights
        value = known.get(edge.weights)
        if value is None:
            value = known[edge.weights] = sum(c * w for c, w in zip(self.coefficients, edge.weights))
        return value

    def objectives(self, edge: Edge) -> tuple[float, ...]:
        """The edge's weight for the overall score, then for each skill: what the candidate walks maximise
        (scoring.many.extremes_many), worked out once per weights tuple."""
        known = self._objectives_by_weights
        value = known.get(edge.weights)
        if value is None:
            value = known[edge.weights] = (self.overall_weight(edge), *edge.weights)
        return value

    @cached_property
    def _objectives_by_weights(self) -> dict[tuple[float, ...], tuple[float, ...]]:
        return {}

    @cached_property
    def best(self) -> Extremes:
        return extremes(self.graph, self.overall_weight, True, self.start)

    @cached_property
    def worst(self) -> Extremes:
        return extremes(self.graph, self.overall_weight, False, self.start)

    @cached_property
    def critical_graph(self) -> tuple[Graph, tuple]:
        """The state graph doubled by 'a critical error has been committed' (the part reachable from the
        start that can still end); only committed states end."""
        # Only nodes reachable from (start, not committed) that can still reach a committed ending are built:
        # everything asked of this graph is asked from there, and a node that cannot end has no value in
        # any walk. Such a node reaches only others like it, so leaving them out changes neither the other
        # nodes' components nor their order (Tarjan's search visits the rest in the same order) nor any
        # walk. Most clean copies cannot reach a critical choice at all: about half the doubled graph of the
        # bundled library. The nodes kept keep the relative order the whole doubled graph gives them (each
        # state's clean copy, then its committed one, in the state graph's order). Built straight into the
        # adjacency lists, one key per node.
        graph = self.graph
        can_end, can_commit = self._ends_and_commits
        start = (self.start, False)
        found: dict[tuple, list | None] = {start: None}  # node -> its edges, each node's as it is searched
        todo = [start]
        while todo:
            key = todo.pop()
            state, committed = key
            edges = []
            for e in graph.out[state]:
                after_committed = committed or e.critical
                if e.target in (can_end if after_committed else can_commit):
                    after = (e.target, after_committed)
                    edges.append(make_edge(key, after, e.weights, e.label, e.critical))
                    if after not in found:
                        found[after] = None
                        todo.append(after)
            found[key] = edges
        doubled = Graph(graph.dims)
        out, terminals, ends = doubled.out, doubled.terminals, graph.terminals
        for state in graph.out:  # the nodes in the state graph's order
            for key in ((state, False), (state, True)):
                edges = found.get(key)
                if edges is not None:
                    out[key] = edges
                    if key[1] and state in ends:
                        terminals.add(key)
        doubled.rooted_at = start
        return doubled, (self.start, False)

    @cached_property
    def _ends_and_commits(self) -> tuple[set[State], set[State]]:
        """The states from which an ending can be reached, and those from which a walk can take a critical
        choice and still end: one pass over the state graph's components, sinks first."""
        cond = condensation(self.graph, self.start)
        comp_of, exits, internal, terminal = cond.comp_of, cond.exits, cond.internal, cond.terminal
        ends: list[bool] = []  # per component: an ending can be reached from it
        commits: list[bool] = []  # ... and so can a critical choice after which one still can
        can_end: set[State] = set()
        can_commit: set[State] = set()
        for cid, members in enumerate(cond.components):
            end = terminal[cid] is not None
            commit = False
            for e in exits[cid]:
                after = comp_of[e.target]
                if ends[after]:
                    end = True
                    if e.critical or commits[after]:
                        commit = True
            if end and not commit:
                for e in internal[cid]:
                    if e.critical:
                        commit = True
                        break
            ends.append(end)
            commits.append(commit)
            if end:
                can_end.update(members)
                if commit:
                    can_commit.update(members)
        return can_end, can_commit

    @cached_property
    def critical_best(self) -> tuple[Extremes, State] | None:
        """Best overall walk among those that commit at least one critical error."""
        doubled, start = self.critical_graph
        result = extremes(doubled, self.overall_weight, True, start)
        return (result, start) if start in result.value else None

    @cached_property
    def critical_candidates(self) -> list["PathRun"]:
        """Walks through a critical error that are the likeliest to pass on points: the best overall
        one, and the best for each skill (a path can pass by clearing each threshold, not the total)."""
        doubled, start = self.critical_graph
        return self._distinct_runs(extremes_many(doubled, self.objectives, 1 + len(self.skills), True, start),
                                   start, lambda source: source[0])

    @cached_property
    def failed_ending_candidates(self) -> list["PathRun"]:
        """Walks that end at a `failed` ending and are the likeliest to pass on points anyway."""
        failed = {s for s in self.graph.terminals if self.scenario.endings[s[0]].outcome == "failed"}
        if not failed:
            return []
        only_failed = with_terminals(self.graph, failed, self.start)
        return self._distinct_runs(extremes_many(only_failed, self.objectives, 1 + len(self.skills), True,
                                                 self.start), self.start, lambda source: source)

    def _distinct_runs(self, results, start, state_of) -> list["PathRun"]:
        """Each objective's best walk from `start` that exists, scored, in the objectives' order; a walk
        found for several objectives is kept once (compared by its labels), and a walk both candidate lists
        find (through a critical error to a failed ending) is scored once: the labels from the start fix
        every state on the way, so they fix the score. `state_of` maps a graph node to its state (a critical
        graph's nodes carry a committed flag)."""
        scored: dict[tuple, PathRun] = self.__dict__.setdefault("_scored_walks", {})
        out: list[PathRun] = []
        for result in results:
            if start in result.value:
                walk = result.walk(start)
                labels = tuple([e.label for e in walk])
                run = scored.get(labels)
                if run is None:
                    run = scored[labels] = self.score_path([(state_of(e.source), e) for e in walk])
                if all(run is not kept for kept in out):  # the same labels give the same run
                    out.append(run)
        return out

    @cached_property
    def best_path(self) -> "PathRun":
        return self.score_path([(e.source, e) for e in self.best.walk(self.start)])

    @cached_property
    def worst_path(self) -> "PathRun":
        return self.score_path([(e.source, e) for e in self.worst.walk(self.start)])

    def offered(self, state: State) -> list:
        """The choices on offer in `state`, in file order (as the engine filters them)."""
        return list(self.offered_at(state))

    def offered_at(self, state: State) -> tuple:
        """`offered(state)`, worked out once per state (scoring a path asks at every step, for every path)."""
        memo = self.__dict__.setdefault("_offered_memo", {})
        found = memo.get(state)
        if found is None:
            _, flags, mood = state
            node = self.scenario.nodes[state[0]]
            found = memo[state] = tuple(c for c in node.choices
                                        if c.when is None or c.when.holds(mood if mood is not None else 0, flags))
        return found

    def choices_at(self, state: State) -> tuple[dict[str, tuple[int, object]], frozenset[str]]:
        """For `state`, once: each choice on offer by id with the number a trainee presses for it in file
        order, and the skills that some choice on offer (its timeout too) could raise or lower, which a
        path through it assessed (scoring.assessed_skills, as the engine decides it for a played attempt)."""
        memo = self.__dict__.setdefault("_choices_memo", {})
        found = memo.get(state)
        if found is None:
            offered = self.offered_at(state)
            numbered: dict[str, tuple[int, object]] = {}
            for number, choice in enumerate(offered, 1):
                numbered.setdefault(choice.id, (number, choice))
            timeout = self.scenario.nodes[state[0]].timeout
            points = [c.points for c in offered] + ([timeout.points] if timeout else [])
            found = memo[state] = (numbered, frozenset(assessed_skills([points])))
        return found

    def score_path(self, steps: list[tuple[State, Edge]]) -> "PathRun":
        """Score a walk straight from the state graph: the same arithmetic as playing it through the
        engine (tests check they agree), without building a session for every step."""
        points = {skill: 0 for skill in self.skills}
        critical: list[str] = []
        numbers: list[int | str] = []
        labels: list[tuple[str, str]] = []
        tested: set[str] = set()  # the skills the path assessed: those of each state it passed through
        passed_through: set[State] = set()
        nodes = self.scenario.nodes
        state = self.start
        for source, edge in steps:
            _, choice_id = edge.label
            labels.append(edge.label)
            numbered, skills = self.choices_at(source)
            if source not in passed_through:
                passed_through.add(source)
                tested |= skills
            timeout = nodes[source[0]].timeout if choice_id == "timeout" else None
            if timeout is not None:
                choice = timeout
                numbers.append("timeout")
            else:
                number, choice = numbered[choice_id]
                numbers.append(number)
            for skill, value in choice.points.items():
                points[skill] += value
            if choice.critical:
                critical.append(choice.critical)
            state = edge.target
        end = state[0] if isinstance(state[0], str) else state[0][0]
        score = score_attempt(points, self.rules, self.ranges, self.scenario.pass_mark, critical,
                              offered=[[dict.fromkeys(tested, 1)]])
        return PathRun(labels, numbers, end if self.scenario.is_ending(end) else None, score,
                       [source for source, _ in steps])

    @cached_property
    def reachable_states(self) -> set[State]:
        """build_graph explores from the start only, so every state it holds is reachable (and it holds them all)."""
        return set(self.graph.out)

    @cached_property
    def moods_at(self) -> dict[str, set[int]]:
        """Node -> the moods any path reaches it with (only when a condition tests mood; else empty)."""
        out: dict[str, set[int]] = {}
        for node, _, mood in self.reachable_states:
            if mood is not None:
                out.setdefault(node, set()).add(mood)
        return out

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

    @cached_property
    def tested_flags(self) -> frozenset[str]:
        return tested_flags(self.scenario)

    def best_label_from(self, state: State) -> tuple[str, str] | None:
        """(node, choice id) of the first step of a best walk from `state`."""
        edge = self.best.first_step(state)
        return edge.label if edge else None


def build_graph(scenario: Scenario, with_mood: bool = True) -> tuple[Graph, State, tuple[str, ...]]:
    """The state graph. With `with_mood=False` mood is left out of the state and mood conditions are
    treated as always true: a smaller graph whose loops include every loop of the exact one."""
    skills = tuple(scenario.skills)
    flags_tested = tested_flags(scenario)
    mood_conditions = tests_mood(scenario)
    track_mood = mood_conditions and with_mood
    scale = scenario.mood
    endings = scenario.endings
    graph = Graph(len(skills))
    out, terminals = graph.out, graph.terminals  # filled directly: what add_node and add_edge would do
    start: State = (scenario.start, frozenset(), scenario.character.mood if track_mood else None)
    graph.add_node(start, scenario.is_ending(scenario.start))
    todo = [start]
    # per node, once: each option with its weights, label and whether it is critical
    options: dict[str, list] = {}
    for node_id, node in scenario.nodes.items():
        options[node_id] = [(choice, tuple(float(choice.points.get(s, 0)) for s in skills), (node_id, choice.id),
                             choice.critical is not None) for choice in _options(node)]
    while todo:
        state = todo.pop()
        node_id, flags, mood = state
        here = options.get(node_id)
        if here is None:
            continue
        edges = out[state]
        for choice, weights, label, critical in here:
            when = choice.when
            if when is not None:
                if track_mood or not mood_conditions:
                    if not when.holds(mood if track_mood else 0, flags):
                        continue
                elif not when.holds_flags(flags):
                    continue
            new_flags = flags
            if flags_tested and (choice.sets or choice.clears):
                new_flags = frozenset((set(flags) | (set(choice.sets) & flags_tested)) - set(choice.clears))
            target = (choice.next, new_flags, scale.clamp(mood + choice.mood) if track_mood else None)
            if target not in out:
                out[target] = []
                if choice.next in endings:
                    terminals.add(target)
                todo.append(target)
            edges.append(make_edge(state, target, weights, label, critical))
    graph.rooted_at = start  # explored from it: every state is reachable
    return graph, start, skills


def node_graph(scenario: Scenario) -> Graph:
    """Nodes and choices only, conditions ignored. Every loop of the state graph runs along a loop of
    this graph, so when all of these net zero points, so do all of those."""
    skills = tuple(scenario.skills)
    graph = Graph(len(skills))
    for ident in list(scenario.nodes) + list(scenario.endings):
        graph.add_node(ident, scenario.is_ending(ident))
    for node in scenario.nodes.values():
        for choice in _options(node):
            graph.add_edge(make_edge(node.id, choice.next, tuple(float(choice.points.get(s, 0)) for s in skills),
                                     (node.id, choice.id), choice.critical is not None))
    return graph


def analyse(scenario: Scenario) -> Analysis:
    """Loops are checked cheapest first: the node graph, then node x flags, then the exact state graph.
    Each graph's loops include the next one's, so a balanced coarse graph settles it; an unbalanced
    loop is only reported when the exact graph really has one."""
    analysis = Analysis(scenario)
    if find_unbalanced_loop(node_graph(scenario), scenario.start) is None:
        return analysis
    graph, start, _ = build_graph(scenario, with_mood=False)
    if find_unbalanced_loop(graph, start) is None:
        return analysis
    analysis.loop_error = find_unbalanced_loop(analysis.graph, analysis.start)
    return analysis


def analysis_for(scenario: Scenario) -> Analysis:
    """The scenario's analysis, computed once per loaded scenario."""
    return scenario.memo("_analysis", analyse)
