"""Playing scenarios: choices, conditions, timers, undo and exact resume from JSON."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, doc_example
from trainer.play.engine import ChoiceNotAvailable, Compiled, Session
from trainer.scenario.loader import load_scenario


@pytest.fixture
def example(write):
    return Compiled(load_scenario(write(doc_example(), "spouse.yaml")))


class Clock:
    def __init__(self):
        self.now = 1_000.0

    def __call__(self):
        return self.now


def test_compiles_once_into_a_machine_without_auto_transitions(example):
    machine = example.machine
    assert not any(name.startswith("to_") for name in machine.events)
    assert "choose_warm-opening" in machine.events
    assert set(machine.states) == set(example.scenario.nodes) | set(example.scenario.endings)


def test_sessions_are_models_added_and_removed(example):
    a, b = example.start(), example.start()
    assert example.machine.models == [a, b]
    a.choose(1)
    assert (a.state, b.state) == ("verify", "opening")
    a.close()
    assert example.machine.models == [b]


def test_choice_applies_points_mood_flags_and_transcript(example):
    clock = Clock()
    session = example.start(clock)
    clock.now += 4.25
    step = session.choose("warm-opening")
    assert (step.node, step.choice, step.number, step.latency) == ("opening", "warm-opening", 1, 4.25)
    assert session.mood == 50 and session.points["empathy"] == 1
    session.choose(1)
    assert session.flags == {"checked"}
    assert session.transcript[-1].flags_before == []


def test_the_choice_reaches_the_machine_as_event_data(example):
    """The engine uses transitions' public API: a trigger fired by name with keyword arguments records them
    (when, how fast, the number shown), with no side channel on the session."""
    session = example.start(Clock())
    assert session.trigger("choose_warm-opening", at=1_234.5, latency=2.5, number=3) is True
    step = session.transcript[-1]
    assert (step.choice, step.number, step.latency) == ("warm-opening", 3, 2.5)
    assert step.at.startswith("1970-01-01T00:20:34.500")
    assert type(example.machine).__module__ == "transitions.core"  # no subclass overriding private hooks
    assert not hasattr(session, "_pending")


def test_a_session_carries_none_of_the_machines_per_session_helpers(example):
    """A site keeps hundreds of sessions: each holds its own state, not dozens of `is_<state>` and per-trigger
    helpers the machine could attach (`model_override=True`: it binds only what Session declares)."""
    session = example.start(Clock())
    helpers = [name for name in vars(session) if name.startswith(("is_", "may_", "choose_"))]
    assert helpers == []
    assert session.trigger("choose_warm-opening", at=1.0, latency=1.0, number=1) is True


def test_line_varies_with_mood_band(example):
    session = example.start()
    session.choose(1)
    assert session.band == "anxious"
    assert session.line().startswith("It's Priya Raman. I'm his wife. Please")


def test_condition_on_flag_hides_choice(example):
    session = example.start()
    session.choose(1)
    session.choose(2)  # read-results: no 'checked' flag
    assert session.finished and session.state == "disclosed"
    assert session.critical_errors == ["Disclosed results to a caller without identity or authorisation checks."]


def test_condition_true_offers_choice_and_numbering_follows_offer(example):
    session = example.start()
    session.choose(1)
    session.choose(1)
    ids = [c.id for c in session.options()]
    assert ids == ["explain-again", "offer-route", "policy-wall"]


def test_mood_condition_removes_choice_when_calm(write):
    text = doc_example().replace("  mood: 45", "  mood: 90")
    compiled = Compiled(load_scenario(write(text, "calm.yaml")))
    session = compiled.start()
    session.choose(1)
    session.choose(1)
    assert "policy-wall" not in [c.id for c in session.options()]
    with pytest.raises(ChoiceNotAvailable) as info:
        session.choose("policy-wall")
    assert "valid: 1 (explain-again), 2 (offer-route)" in str(info.value)


def test_machine_itself_enforces_conditions(write):
    """Conditions are transition conditions: a direct trigger is refused too, not just hidden."""
    text = doc_example().replace("  mood: 45", "  mood: 90")
    session = Compiled(load_scenario(write(text, "calm.yaml"))).start()
    session.choose(1)
    session.choose(1)
    assert session.trigger("choose_policy-wall", at=0.0, latency=0.0, number=3) is False
    assert session.state == "not-on-file" and len(session.transcript) == 2


def test_timeout_takes_the_timeout_branch(example):
    session = example.start()
    session.choose(1)
    session.choose(1)
    assert session.timeout is not None and session.timeout.seconds == 45
    step = session.time_out()
    assert step.timed_out and step.choice == "timeout" and session.state == "caller-hangs-up"
    assert session.points["de-escalation"] == -1


def test_timeout_not_available_on_untimed_node(example):
    with pytest.raises(ChoiceNotAvailable):
        example.start().time_out()


def test_choosing_after_end_is_refused(example):
    session = example.start()
    session.choose(2)
    session.choose(2)
    with pytest.raises(ChoiceNotAvailable) as info:
        session.choose(1)
    assert info.value.finished


def test_loop_back_to_same_node(example):
    session = example.start()
    session.choose(1)
    session.choose(1)
    session.choose("explain-again")
    session.choose("explain-again")
    assert session.state == "not-on-file" and len(session.transcript) == 4


def test_undo_restores_previous_state_exactly(example):
    session = example.start()
    session.choose(1)
    before = (session.state, session.mood, set(session.flags), dict(session.points))
    session.choose(1)
    removed = session.undo()
    assert removed.choice == "check-authorisation"
    assert (session.state, session.mood, set(session.flags), dict(session.points)) == before
    assert len(session.transcript) == 1


def test_resume_from_json_is_exact(example):
    clock = Clock()
    session = example.start(clock)
    for choice in (1, 1, "explain-again"):
        clock.now += 3
        session.choose(choice)
    data = json.loads(json.dumps(session.to_json()))
    resumed = Session.from_json(example, data)
    assert resumed.to_json() == session.to_json()
    resumed.choose("offer-route")
    assert resumed.finished and resumed.score().passed


def test_resume_detects_changed_scenario(example):
    session = example.start()
    session.choose(1)
    data = session.to_json()
    data["mood"] = 12
    with pytest.raises(ValueError, match="scenario has changed"):
        Session.from_json(example, data)


def test_score_of_best_and_critical_paths():
    compiled = Compiled(load_scenario(FIXTURES / "minimal.yaml"))
    good = compiled.start()
    good.choose("help")
    assert good.score().passed and good.score().overall == 100.0
    bad = compiled.start()
    bad.choose("wait")
    bad.choose("leak")
    score = bad.score()
    assert not score.passed and score.critical_errors == ("Shared another patient's appointment.",)


def test_best_choice_hint(example):
    assert example.best_choice("opening", set(), 45) == "warm-opening"
    assert example.best_choice("not-on-file", {"checked"}, 50) == "offer-route"
