"""The play engine: a scenario compiled once into a `transitions` Machine; sessions are its models.

Each choice is a trigger named after its id; conditions are the machine's transition conditions and
a choice's effects (points, mood, flags, transcript) run as the transition's `before` callback. Only
`transitions`' public API is used: the machine sends every callback its `EventData` (`send_event=True`)
and what the trainee's choice carries (when, how fast, the number shown) travels as the trigger's keyword
arguments, so nothing rides beside the machine and an upgrade of the pinned library cannot break it quietly.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from functools import cached_property
from typing import Callable

from transitions import Machine, MachineError

from scoring import AttemptScore, score_attempt

from trainer.play.order import node_order, visits
from trainer.play.unseen import pick_wording
from trainer.progress.accommodations import NONE as NO_ACCOMMODATION, Accommodation
from trainer.scenario.analysis import Analysis, analysis_for
from trainer.scenario.format import nfc
from trainer.scenario.model import Choice, Ending, Node, Scenario, Timeout, line_for

# With `model_override=True` (see Session.trigger) the machine logs a warning for every helper it does not
# attach: dozens per session, on purpose. Its other warnings are about machines built wrongly, which the
# tests would catch, so only errors from transitions.core are kept.
logging.getLogger("transitions.core").setLevel(logging.ERROR)


class ChoiceNotAvailable(ValueError):
    """The trainee asked for a choice that is not on offer at this step."""

    def __init__(self, wanted: str, options: list[str], finished: bool = False):
        self.wanted, self.options, self.finished = wanted, options, finished
        if finished:
            message = f"choice '{wanted}' was given after the scenario had ended"
        else:
            message = f"no choice '{wanted}' here; valid: {', '.join(options)}"
        super().__init__(message)


def trigger_name(choice_id: str) -> str:
    return f"choose_{choice_id}"


def _now_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Step:
    """One line of the transcript: what was on offer, what was chosen, what it did."""

    node: str
    choice: str
    number: int  # as shown to the trainee (0 for a timeout)
    text: str
    points: dict[str, int]
    mood_before: int
    mood_after: int
    flags_before: list[str]
    at: str
    latency: float
    feedback: str = ""
    tags: list[str] = field(default_factory=list)
    critical: str | None = None
    timed_out: bool = False
    next: str = ""
    reply: dict | None = None  # {"speaker": id, "name": shown name, "text": …}: the reaction to this choice
    wording: int = 0  # which of the choice's wordings `text` is (0: the first, or the only one)


class Compiled:
    """A scenario compiled once: the machine, its analysis and the skill rules."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.machine = Machine(model=None, states=list(scenario.nodes) + list(scenario.endings),
                               initial=scenario.start, auto_transitions=False, send_event=True,
                               model_override=True)
        for node in scenario.nodes.values():
            for choice in node.choices:
                self._add(node, choice)
            if node.timeout is not None:
                self._add(node, node.timeout)

    def _add(self, node: Node, choice: Choice | Timeout) -> None:
        conditions = []
        if choice.when is not None:
            cond = choice.when
            conditions.append(lambda event, cond=cond: cond.holds(event.model.mood, event.model.flags))
        self.machine.add_transition(trigger_name(choice.id), node.id, choice.next, conditions=conditions,
                                    before=lambda event, choice=choice: event.model._apply(choice, event))

    @cached_property
    def analysis(self) -> Analysis:
        return analysis_for(self.scenario)

    def start(self, clock: Callable[[], float] = time.time, seed: int | None = None) -> "Session":
        """A new session; with a `seed`, each node's choices are shown in that attempt's own order."""
        session = Session(self, clock, seed)
        self.machine.add_model(session)
        return session

    def start_at(self, node: str, mood: int | None = None, flags=(), clock: Callable[[], float] = time.time
                 ) -> "Session":
        """A session placed at any node with any mood and flags (for previews while authoring)."""
        session = self.start(clock)
        self.machine.set_state(node, model=session)
        if mood is not None:
            session.mood = self.scenario.mood.clamp(mood)
        session.flags = set(flags)
        return session

    def best_choice(self, node: str, flags, mood: int) -> str | None:
        """The choice id a best-scoring trainee would pick at this point, if the node is reachable."""
        analysis = self.analysis
        tested = analysis.tested_flags
        state = (node, frozenset(f for f in flags if f in tested), mood if analysis.start[2] is not None else None)
        if state not in analysis.best.value:
            return None
        label = analysis.best_label_from(state)
        return label[1] if label else None


def compiled_for(scenario: Scenario) -> Compiled:
    """The scenario's machine, compiled once per loaded scenario and shared by all its sessions."""
    return scenario.memo("_compiled", Compiled)


class Session:
    """One play-through. `state` is maintained by the compiled machine."""

    state: str

    def trigger(self, name: str, *args, **kwargs) -> bool:
        """Fire a trigger by name. The machine replaces this with its own when it adds the session: with
        `model_override=True` it binds only what the model declares (this), not the `is_<state>` and
        per-trigger helpers it would otherwise attach to every session (6 KiB and a quarter of the speed)."""
        raise RuntimeError("this session has not been added to its scenario's machine")

    def __init__(self, compiled: Compiled, clock: Callable[[], float] = time.time, seed: int | None = None):
        scenario = compiled.scenario
        self.compiled = compiled
        self.clock = clock
        self.seed = seed  # None: file order
        self.mood = scenario.character.mood
        self.flags: set[str] = set()
        self.points = {skill: 0 for skill in scenario.skills}
        self.transcript: list[Step] = []
        self.seen_wordings: dict = {}  # (node, choice) -> {wording: times seen in practice}: an assessment avoids them
        self._wordings: dict[tuple[str, str], int] = {}  # (node, choice) -> the wording this attempt shows
        self.started_at = clock()
        self.shown_at = self.started_at
        self.accommodation: Accommodation = NO_ACCOMMODATION  # extra time or no timer, set by whoever records it

    # --- what the trainee sees -------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        return self.compiled.scenario

    @property
    def finished(self) -> bool:
        return self.scenario.is_ending(self.state)

    @property
    def step(self) -> Node | Ending:
        return self.scenario.step(self.state)

    @property
    def band(self) -> str:
        return self.scenario.mood.band(self.mood)

    def line(self) -> str:
        """What is said at this step now ('' when nothing is)."""
        said = self.said()
        return said[1] if said else ""

    def said(self) -> tuple[str, str] | None:
        """(speaker id, text) of what is said at this step now, or None."""
        return line_for(self.step.says, self.scenario.mood, self.mood, self.flags)

    def options(self) -> list[Choice]:
        """The choices on offer now, in the order they are shown and numbered for the trainee."""
        if self.finished:
            return []
        node = self.step
        offered = [c for c in node.choices if c.when is None or c.when.holds(self.mood, self.flags)]
        if self.seed is not None:
            offered = node_order(node, offered, self.seed, visits(self.transcript, node.id))
        return [self._as_shown(node.id, c) if len(c.wordings) > 1 else c for c in offered]

    def wording(self, node_id: str, choice) -> int:
        """Which of the choice's wordings this attempt shows: one per choice for the whole attempt, drawn
        from its seed (the first without a seed), avoiding those seen most in practice (`seen_wordings`)."""
        wordings = getattr(choice, "wordings", ())
        if len(wordings) < 2:
            return 0
        key = (node_id, choice.id)
        found = self._wordings.get(key)
        if found is None or not 0 <= found < len(wordings):
            found = self._wordings[key] = pick_wording(self.seed, node_id, choice.id, len(wordings),
                                                       self.seen_wordings.get(key))
        return found

    def _as_shown(self, node_id: str, choice: Choice) -> Choice:
        """The choice with `text` the wording this attempt shows (its other fields unchanged)."""
        return replace(choice, text=choice.worded(self.wording(node_id, choice)))

    @property
    def timeout(self) -> Timeout | None:
        return None if self.finished else self.step.timeout

    @property
    def time_limit(self) -> float | None:
        """Seconds this step allows before its timeout branch is taken, after the trainee's accommodation
        (extra time multiplies it; no timer removes it): None when nothing runs out here. Every deadline
        (terminal app, web pages, stored clock) comes from this, so an accommodation is honoured alike."""
        timeout = self.timeout
        return self.accommodation.seconds(timeout.seconds) if timeout is not None else None

    @property
    def critical_errors(self) -> list[str]:
        return [s.critical for s in self.transcript if s.critical]

    # --- acting --------------------------------------------------------------------------------
    def choose(self, wanted: int | str, now: float | None = None) -> Step:
        """Pick by the 1-based number shown or by choice id."""
        if self.finished:
            raise ChoiceNotAvailable(str(wanted), [], finished=True)
        options = self.options()
        number, choice = self._resolve(wanted, options)
        if choice is None:
            raise ChoiceNotAvailable(str(wanted), [f"{i} ({c.id})" for i, c in enumerate(options, 1)])
        return self._fire(choice, number, now)

    def choose_id(self, choice_id: str, now: float | None = None) -> Step:
        """Pick by choice id only (ids may look like numbers)."""
        options = self.options()
        choice_id = nfc(choice_id)
        for number, choice in enumerate(options, 1):
            if choice.id == choice_id:
                return self._fire(choice, number, now)
        raise ChoiceNotAvailable(choice_id, [f"{i} ({c.id})" for i, c in enumerate(options, 1)], self.finished)

    def time_out(self, now: float | None = None) -> Step:
        """The clock ran out on a timed node: take its timeout branch (never for a trainee with no timer)."""
        if self.time_limit is None:
            raise ChoiceNotAvailable("timeout", [f"{i} ({c.id})" for i, c in enumerate(self.options(), 1)],
                                     self.finished)
        return self._fire(self.timeout, 0, now)

    @staticmethod
    def _resolve(wanted, options):
        text = nfc(str(wanted).strip())
        if text.isdecimal():
            index = int(text)
            if 1 <= index <= len(options):
                return index, options[index - 1]
        for i, choice in enumerate(options, 1):
            if choice.id == text:
                return i, choice
        return 0, None

    def _fire(self, choice, number: int, now: float | None) -> Step:
        now = self.clock() if now is None else now
        try:
            if not self._trigger(choice, at=now, latency=max(0.0, now - self.shown_at), number=number):
                raise ChoiceNotAvailable(choice.id, [c.id for c in self.options()])
        except MachineError as exc:  # pragma: no cover - options() already filtered
            raise ChoiceNotAvailable(choice.id, [c.id for c in self.options()]) from exc
        self.shown_at = now
        return self.transcript[-1]

    def _trigger(self, choice, at: float, latency: float, number: int) -> bool:
        """Fire the choice's trigger through the machine; `at`, `latency` and `number` reach `_apply` as the
        event's keyword arguments."""
        return self.trigger(trigger_name(choice.id), at=at, latency=latency, number=number)

    def _apply(self, choice, event) -> None:
        """The transition's `before` callback: effects of the choice, recorded in the transcript. `event` is
        the machine's EventData; its kwargs are what `_trigger` passed (a trigger fired without them, e.g.
        by hand, is timed now with no latency and number 0)."""
        given = event.kwargs
        at = given["at"] if "at" in given else self.clock()
        latency, number = given.get("latency", 0.0), given.get("number", 0)
        before = self.mood
        flags_before = sorted(self.flags)
        for skill, value in choice.points.items():
            self.points[skill] = self.points.get(skill, 0) + value
        self.mood = self.scenario.mood.clamp(self.mood + choice.mood)
        self.flags.update(choice.sets)
        self.flags.difference_update(choice.clears)
        said = line_for(choice.reply, self.scenario.mood, self.mood, self.flags)
        wording = self.wording(event.transition.source, choice)
        self.transcript.append(Step(
            node=event.transition.source, choice=choice.id, number=number,
            text=choice.worded(wording) if wording else choice.text, wording=wording,
            points=dict(choice.points), mood_before=before, mood_after=self.mood, flags_before=flags_before,
            at=_now_iso(at), latency=round(latency, 3), feedback=choice.feedback, tags=list(choice.tags),
            critical=choice.critical, timed_out=isinstance(choice, Timeout), next=choice.next,
            reply=said and self._said(*said),
        ))

    def _said(self, speaker: str, text: str) -> dict:
        who = self.scenario.speaker(speaker)
        return {"speaker": who.id, "name": who.name, "text": text}

    def undo(self) -> Step | None:
        """Take back the last choice (practice mode); returns the step removed."""
        if not self.transcript:
            return None
        removed = self.transcript[-1]
        self._restore(self.transcript[:-1])
        self.shown_at = self.clock()
        return removed

    def _restore(self, steps: list[Step]) -> None:
        scenario = self.scenario
        self.compiled.machine.set_state(scenario.start, model=self)
        self.mood = scenario.character.mood
        self.flags = set()
        self.points = {skill: 0 for skill in scenario.skills}
        self.transcript = []
        for step in steps:  # the wordings recorded are the ones shown, whatever the seed would draw now
            if step.wording is not None:
                self._wordings[(step.node, step.choice)] = step.wording
        for step in steps:
            choice = self.step.timeout if step.timed_out else next(
                (c for c in self.options() if c.id == step.choice), None)
            if choice is None:
                raise ChoiceNotAvailable(step.choice, [c.id for c in self.options()])
            self._trigger(choice, at=0.0, latency=step.latency, number=step.number)
            self.transcript[-1].at = step.at

    def close(self) -> None:
        """Detach from the machine (the model list must not grow with finished sessions)."""
        if self in self.compiled.machine.models:
            self.compiled.machine.remove_model(self)

    # --- results -------------------------------------------------------------------------------
    def score(self) -> AttemptScore:
        analysis = self.compiled.analysis
        return score_attempt(self.points, analysis.rules, analysis.ranges, self.scenario.pass_mark,
                             self.critical_errors, offered=self.offered_points())

    def offered_points(self) -> list[list[dict[str, int]]]:
        """Per step taken, the points of every choice that was on offer there (its timeout too): what
        decides which skills this path assessed."""
        out = []
        for step in self.transcript:
            node = self.scenario.nodes[step.node]
            flags = set(step.flags_before)
            offered = [c.points for c in node.choices if c.when is None or c.when.holds(step.mood_before, flags)]
            if node.timeout is not None:
                offered.append(node.timeout.points)
            out.append(offered)
        return out

    def to_json(self) -> dict:
        return {
            "scenario": self.scenario.id,
            "version": self.scenario.version,
            "content_hash": self.scenario.content_hash,
            "state": self.state,
            "mood": self.mood,
            "flags": sorted(self.flags),
            "points": dict(self.points),
            "started_at": _now_iso(self.started_at),
            "seed": self.seed,
            "transcript": [asdict(s) for s in self.transcript],
        }

    @classmethod
    def from_json(cls, compiled: Compiled, data: dict, clock: Callable[[], float] = time.time,
                  seen_wordings: dict | None = None) -> "Session":
        """Resume exactly: replays the recorded choices through the machine and checks the result (an
        assessment's `seen_wordings` as when it started, so what is still to come is drawn as it was)."""
        session = compiled.start(clock, data.get("seed"))
        session.seen_wordings = seen_wordings or {}
        steps = [Step(**s) for s in data.get("transcript", [])]
        session._restore(steps)
        for s, original in zip(session.transcript, steps):
            s.latency, s.at = original.latency, original.at
        started = data.get("started_at")
        if started:
            session.started_at = datetime.fromisoformat(started).timestamp()
        if session.state != data.get("state", session.state) or session.mood != data.get("mood", session.mood):
            raise ValueError("saved attempt does not replay to the same place: the scenario has changed")
        return session
