"""What a score measures: would a trainee pass without reading (test-wise strategies), does the best
answer give itself away by its length, and does one small slip fail an otherwise best attempt.

Everything is computed on the analysis' state graph: a strategy is a walk that picks one edge per
state, and a single slip is the best path up to a decision point, one other choice, then the best
walk from where it leads (the DP's best-from-state values), scored by `Analysis.score_path`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from scoring import Edge
from trainer.scenario.analysis import Analysis, PathRun, State, analysis_for
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
    run: PathRun | None  # None: no ending can be reached after the slip
    mild: bool  # costs at most MILD_COST points in every skill against the best choice

    @property
    def overall(self) -> float | None:
        return self.run.score.overall if self.run else None

    @property
    def passed(self) -> bool:
        return bool(self.run and self.run.passed)

    def as_dict(self) -> dict:
        return {"node": self.node, "choice": self.choice, "overall": self.overall, "passed": self.passed}


@dataclass
class DecisionPoint:
    state: State
    best: Edge
    options: list[tuple[Edge, Choice]]  # the choices on offer, in file order (a timeout is not one)

    @property
    def best_is_longest(self) -> bool:
        best = next((c for e, c in self.options if e is self.best), None)
        return best is not None and text_length(best) >= max(text_length(c) for _, c in self.options)


class Fairness:
    """Fairness figures for one scenario; needs a best path (some ending reachable)."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.scenario = analysis.scenario

    def _options(self, state: State) -> tuple[list[tuple[Edge, Choice]], Edge | None]:
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

    @property
    def longest_best(self) -> int:
        return sum(point.best_is_longest for point in self.decision_points)

    @property
    def length_cue(self) -> bool:
        points = len(self.decision_points)
        return points > 0 and self.longest_best > LENGTH_CUE_SHARE * points

    @cached_property
    def single_slips(self) -> list[Slip]:
        analysis, best = self.analysis, self.analysis.best
        skills = analysis.skills
        out: list[Slip] = []
        prefix: list[tuple[State, Edge]] = []
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
                    run = None
                    if alt_edge.target in best.value:
                        after = [(e.source, e) for e in best.walk(alt_edge.target)]
                        run = analysis.score_path(prefix + [(edge.source, alt_edge)] + after)
                    out.append(Slip(edge.source[0], alt.id, best_choice.id, run, mild))
            prefix.append((edge.source, edge))
        return out

    @property
    def slips_passing(self) -> int:
        return sum(slip.passed for slip in self.single_slips)

    @property
    def unforgiving(self) -> list[Slip]:
        """Mild slips that fail the attempt although the best path passes."""
        if not self.analysis.best_path.passed:
            return []
        return [slip for slip in self.single_slips if slip.mild and not slip.passed]


def fairness_for(scenario: Scenario) -> Fairness | None:
    """The scenario's fairness figures, computed once; None when no ending can be reached or a loop
    makes scores unbounded."""
    analysis = analysis_for(scenario)
    if analysis.loop_error is not None or analysis.start not in analysis.best.value:
        return None
    return scenario.memo("_fairness", lambda s: Fairness(analysis))
