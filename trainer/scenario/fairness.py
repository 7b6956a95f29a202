"""What a score measures: would a trainee pass without reading (test-wise strategies), does the best
answer give itself away by its length, and does one small slip fail an otherwise best attempt.

Everything is computed on the analysis' state graph: a strategy is a walk that picks one edge per
state, and a single slip is the best path up to a decision point, one other choice, then the best
walk from where it leads (the DP's best walk from that state). Slips are scored from running totals:
the best path's points so far, the slip's own, and the best walk's from its target, memoised per state,
so all of them together take time linear in the best path and the graph, not one replay per slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from scoring import AttemptScore, Edge, score_attempt
from trainer.scenario.analysis import Analysis, PathRun, State, analysis_for
from trainer.scenario.loops import find_choice
from trainer.scenario.model import Choice, Scenario

LENGTH_CUE_SHARE = 0.4  # the best answer may be the longest at no more than this share of decision points
MILD_COST = 1  # a slip costing at most this many points in every skill should not fail an attempt alone

Pick = Callable[[list[tuple[Edge, Choice]]], Edge]


def text_length(choice: Choice) -> int:
    """Characters a trainee sees, with runs of white space counted once."""
    return len(" ".join(choice.text.split()))


STRATEGIES: dict[str, Pick] = {
    "always-longest": lambda options: max(options, key=lambda o: text_length(o[1]))[0],
    "always-shortest": lambda options: min(options, key=lambda o: text_length(o[1]))[0],
    "always-first": lambda options: options[0][0],
    "always-last": lambda options: options[-1][0],
}
"""Strategies that never read the situation, over the choices in file order (ties: the first)."""


@dataclass
class StrategyResult:
    strategy: str
    run: PathRun  # ends early (ending None) when the strategy goes round a loop for ever

    @property
    def overall(self) -> float:
        return self.run.score.overall

    @property
    def passed(self) -> bool:
        return self.run.passed

    def as_dict(self) -> dict:
        return {"strategy": self.strategy, "overall": self.overall, "passed": self.passed,
                "ending": self.run.ending}


@dataclass
class Slip:
    """One non-critical alternative at a decision point on the best path, then best play."""

    node: str
    choice: str
    best_choice: str
    score: AttemptScore | None  # None: no ending can be reached after the slip
    mild: bool  # costs at most MILD_COST points in every skill against the best choice

    @property
    def overall(self) -> float | None:
        return self.score.overall if self.score else None

    @property
    def passed(self) -> bool:
        return bool(self.score and self.score.passed)

    def as_dict(self) -> dict:
        return {"node": self.node, "choice": self.choice, "overall": self.overall, "passed": self.passed}


@dataclass
class DecisionPoint:
    state: State
    best: Edge
    options: list[tuple[Edge, Choice]]  # the choices on offer, in file order (a timeout is not one)

    @property
    def best_choice(self) -> Choice | None:
        """The best answer on offer (None when the best move is to let the clock run out)."""
        return next((c for e, c in self.options if e is self.best), None)

    @property
    def best_is_longest(self) -> bool:
        best = self.best_choice
        return best is not None and text_length(best) >= max(text_length(c) for _, c in self.options)


class Fairness:
    """Fairness figures for one scenario; needs a best path (some ending reachable)."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.scenario = analysis.scenario
        self._after: dict[State, tuple[tuple[float, ...], tuple[str, ...], frozenset[str]]] = {}
        self._options_at: dict[State, tuple[list[tuple[Edge, Choice]], Edge | None]] = {}

    def _options(self, state: State) -> tuple[list[tuple[Edge, Choice]], Edge | None]:
        """The choices on offer in `state` with their edges, and the timeout's edge: once per state (every
        strategy and decision point asks). Callers only read the list."""
        found = self._options_at.get(state)
        if found is None:
            found = self._options_at[state] = self._find_options(state)
        return found

    def _find_options(self, state: State) -> tuple[list[tuple[Edge, Choice]], Edge | None]:
        node = self.scenario.nodes[state[0]]
        by_id = {c.id: c for c in node.choices}
        choices, timeout = [], None
        for edge in self.analysis.graph.out.get(state, ()):
            choice_id = edge.label[1]
            if choice_id == "timeout" and node.timeout is not None:
                timeout = edge
            else:
                choices.append((edge, by_id[choice_id]))
        return choices, timeout

    def strategy_run(self, pick: Pick) -> PathRun:
        """Follow `pick` from the start; stop at an ending, a dead end or the first repeated state (the
        choices offered depend only on the state, so a repeat means going round for ever)."""
        graph = self.analysis.graph
        state, seen, steps = self.analysis.start, set(), []
        while state not in graph.terminals and state not in seen:
            seen.add(state)
            options, timeout = self._options(state)
            edge = pick(options) if options else timeout
            if edge is None:
                break
            steps.append((state, edge))
            state = edge.target
        return self.analysis.score_path(steps)

    @cached_property
    def test_wise(self) -> list[StrategyResult]:
        return [StrategyResult(name, self.strategy_run(pick)) for name, pick in STRATEGIES.items()]

    @cached_property
    def best_walk(self) -> list[Edge]:
        return self.analysis.best.walk(self.analysis.start)

    @cached_property
    def decision_points(self) -> list[DecisionPoint]:
        """States on the best path that offer two or more choices."""
        out = []
        for edge in self.best_walk:
            options, _ = self._options(edge.source)
            if len(options) >= 2:
                out.append(DecisionPoint(edge.source, edge, options))
        return out

    @cached_property
    def all_decision_points(self) -> list[DecisionPoint]:
        """Every reachable state offering two or more choices from which an ending can be reached, with the
        best walk's first step from it: on the best path and off it, where a trainee who slipped recovers
        (a cue there teaches as well as one on the best path). States of one node that offer the same
        choices with the same best one count once. In a stable order: the best path's first, then by node."""
        analysis, out, seen = self.analysis, [], set()
        on_path = [p.state for p in self.decision_points]
        on_path_set = set(on_path)  # made once (inside the generator it was made again for every state)
        others = sorted((s for s in analysis.reachable_states if s not in on_path_set), key=_state_key)
        for state in on_path + others:
            edge = analysis.best.first_step(state)
            if edge is None:
                continue
            options, _ = self._options(state)
            if len(options) < 2:
                continue
            key = (state[0], tuple(c.id for _, c in options), edge.label[1])
            if key not in seen:
                seen.add(key)
                out.append(DecisionPoint(state, edge, options))
        return out

    @property
    def longest_best(self) -> int:
        return sum(point.best_is_longest for point in self.all_decision_points)

    @property
    def length_cue(self) -> bool:
        points = len(self.all_decision_points)
        return points > 0 and self.longest_best > LENGTH_CUE_SHARE * points

    @cached_property
    def single_slips(self) -> list[Slip]:
        """Each slip's points are the best path's points before it, the slip's own, and the best walk's
        from where it leads (memoised per state), so all slips cost time linear in the graph."""
        analysis = self.analysis
        skills = analysis.skills
        out: list[Slip] = []
        before = (0.0,) * len(skills)
        critical_before: tuple[str, ...] = ()
        tested_before: frozenset[str] = frozenset()  # skills the choices on offer so far could move
        points = {id(p.best): p for p in self.decision_points}
        for edge in self.best_walk:
            point = points.get(id(edge))
            if point is not None:
                best_choice = next((c for e, c in point.options if e is edge), None)
                if best_choice is None:  # the best move is to let the clock run out
                    best_choice = self.scenario.nodes[edge.source[0]].timeout
                for alt_edge, alt in point.options:
                    if alt_edge is edge or alt.critical is not None:
                        continue
                    mild = all(best_choice.points.get(k, 0) - alt.points.get(k, 0) <= MILD_COST for k in skills)
                    after = self._best_after(alt_edge.target)
                    score = None
                    if after is not None:
                        total = [a + b + c for a, b, c in zip(before, alt_edge.weights, after[0])]
                        tested = tested_before | self._tested_at(edge.source) | after[2]
                        score = score_attempt(dict(zip(skills, total)), analysis.rules, analysis.ranges,
                                              self.scenario.pass_mark, critical_before + after[1],
                                              offered=[[{skill: 1} for skill in tested]])
                    out.append(Slip(edge.source[0], alt.id, best_choice.id, score, mild))
            before = tuple(a + b for a, b in zip(before, edge.weights))
            critical_before += self._critical(edge)
            tested_before |= self._tested_at(edge.source)
        return out

    def _tested_at(self, state: State) -> frozenset[str]:
        """The skills some choice on offer in `state` (its timeout too) could raise or lower (see
        Analysis.choices_at)."""
        return self.analysis.choices_at(state)[1]

    def _critical(self, edge: Edge) -> tuple[str, ...]:
        if not edge.critical:
            return ()
        return (find_choice(self.scenario, *edge.label).critical,)

    def _best_after(self, state: State) -> tuple[tuple[float, ...], tuple[str, ...], frozenset[str]] | None:
        """Points, critical errors and skills tested (`_tested_at`) of the best walk from `state` to an
        ending (None: no ending): `Extremes.walk(state)`, which is the state's leg (to its loop's exit edge) and then the walk from
        where the leg leads, memoised per state where a leg starts, so each is summed once, not per slip."""
        best, memo = self.analysis.best, self._after
        if state not in best.value:
            return None
        pending = []
        node = state
        while node not in memo:
            leg = best.leg(node)
            if not leg:  # an ending
                memo[node] = ((0.0,) * len(self.analysis.skills), (), frozenset())
                break
            pending.append((node, leg))
            node = leg[-1].target
        for node, edges in reversed(pending):
            points, critical, tested = memo[edges[-1].target]
            for e in reversed(edges):
                points = tuple(a + b for a, b in zip(points, e.weights))
                critical = self._critical(e) + critical
                tested = tested | self._tested_at(e.source)
            memo[node] = (points, critical, tested)
        return memo[state]

    @property
    def slips_passing(self) -> int:
        return sum(slip.passed for slip in self.single_slips)

    @property
    def unforgiving(self) -> list[Slip]:
        """Mild slips that fail the attempt although the best path passes."""
        if not self.analysis.best_path.passed:
            return []
        return [slip for slip in self.single_slips if slip.mild and not slip.passed]


def _state_key(state: State) -> tuple:
    node, flags, mood = state
    return (str(node), sorted(flags), -1 if mood is None else mood)


def fairness_for(scenario: Scenario) -> Fairness | None:
    """The scenario's fairness figures, computed once; None when no ending can be reached or a loop
    makes scores unbounded."""
    analysis = analysis_for(scenario)
    if analysis.loop_error is not None or analysis.start not in analysis.best.value:
        return None
    return scenario.memo("_fairness", lambda s: Fairness(analysis))
