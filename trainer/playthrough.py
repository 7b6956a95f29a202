"""Headless play-throughs: replaying choice lists for `simulate`, `analyze` and lint."""

from __future__ import annotations

from dataclasses import dataclass

from scoring import AttemptScore
from trainer.engine import Compiled, Session
from trainer.model import Scenario


@dataclass
class Run:
    session: Session
    score: AttemptScore


def compiled_for(scenario: Scenario) -> Compiled:
    """One compiled machine per loaded scenario."""
    cached = scenario.__dict__.get("_compiled")
    if cached is None:
        cached = Compiled(scenario)
        object.__setattr__(scenario, "_compiled", cached)
    return cached


def replay(scenario: Scenario, labels: list[tuple[str, str]], clock=lambda: 0.0) -> Run:
    """Play (node, choice id) labels from the start; a timeout label takes the timeout branch."""
    session = compiled_for(scenario).start(clock)
    try:
        for node, choice_id in labels:
            if choice_id == "timeout" and session.timeout is not None:
                session.time_out()
            else:
                session.choose_id(choice_id)
        return Run(session, session.score())
    finally:
        session.close()


def numbers_for(run: Run) -> list[int | str]:
    """The 1-based numbers a trainee would press for this run ('timeout' where the clock ran out)."""
    return ["timeout" if s.timed_out else s.number for s in run.session.transcript]
