"""`says` as a list of entries: the first whose `when` holds is said, so a line can vary by flag as well as
by mood band."""

from __future__ import annotations

from tests.conftest import FIXTURES
from trainer.play.engine import compiled_for
from trainer.scenario.loader import check_file, load_scenario

FLAGGED = """\
title: T
category: billing
summary: S
character: {name: Ana Ruiz, mood: 50}
nodes:
  start:
    says: I was charged twice.
    choices:
      - {id: promise, text: It'll be refunded today., next: later, sets: [promised], points: {resolution: 1}}
      - {id: look, text: Let me look., next: later, sets: [looked]}
      - {id: shrug, text: These things happen., next: later, mood: -40}
  later:
    says:
      - when: {flags: [promised]}
        text: You said today. It's not there.
      - when: {flags: [promised]}
        text: Never said.
      - when: {mood_below: 20}
        text: {furious: Forget it., default: Not said either.}
      - when: {not_flags: [looked]}
        text: Did you even look?
    choices:
      - {id: done, text: Done., next: end}
endings:
  end: {outcome: resolved, summary: Done.}
"""


def said_after(scenario, choice: str):
    session = compiled_for(scenario).start()
    session.choose_id(choice)
    return session.said()


def test_the_first_entry_whose_when_holds_is_said(write):
    scenario = load_scenario(write(FLAGGED))
    assert said_after(scenario, "promise") == ("", "You said today. It's not there.")  # not the second match
    assert said_after(scenario, "shrug") == ("", "Forget it.")  # mood 10: the furious band of that entry


def test_when_no_entry_holds_nothing_is_said(write):
    scenario = load_scenario(write(FLAGGED))
    assert said_after(scenario, "look") is None


def test_the_fixture_scene_changes_who_speaks_by_flag():
    scenario = load_scenario(FIXTURES / "daughter-answers-for-her-father.yaml")
    assert said_after(scenario, "greet-him-verify") == ("nadia", "(Smiling.) Sorry, I'm in organiser mode. Go "
                                                                 "ahead, Dad.")
    assert said_after(scenario, "card-from-daughter") == ("farid", "She worries. I can manage, you know.")
    assert said_after(scenario, "can-he-answer") == ("farid", "(He looks at the floor and says nothing.)")


def test_a_flag_no_choice_sets_is_a_warning_with_did_you_mean(write):
    path = write(FLAGGED.replace("      - when: {not_flags: [looked]}", "      - when: {flags: [promissed]}"))
    scenario, report = check_file(path)
    assert scenario is not None
    warnings = [d.format() for d in report.sorted() if d.severity == "warning"]
    assert any(f"{path}:20:23: warning: flag 'promissed' is never set by any choice, so this line is never said "
               "(did you mean 'promised'?)" in w for w in warnings), warnings


def test_mistakes_in_an_entry_are_errors_at_their_place(write):
    text = (FLAGGED.replace("      - when: {flags: [promised]}\n        text: Never said.",
                            "      - when: {flag: [promised]}\n        text: Never said.")
            .replace("        text: Did you even look?", "        txt: Did you even look?")
            .replace("      - when: {mood_below: 20}", "      - when: {mood_below: 200}"))
    path = write(text)
    scenario, report = check_file(path)
    assert scenario is None
    errors = [d.format() for d in report.sorted() if d.severity == "error"]
    assert any(f"{path}:16:16: error: unknown key 'flag' in when (did you mean 'flags'?)" in e for e in errors), errors
    assert any(f"{path}:18:28: error: 'mood_below: 200' is outside the mood scale 0..100" in e for e in errors), errors
    assert any(f"{path}:21:9: error: unknown key 'txt' in 'says[4]' (did you mean 'text'?)" in e for e in errors), errors
    assert any(f"{path}:20:9: error: 'says[4]' is missing required key 'text'" in e for e in errors), errors


def test_a_translation_keeps_who_speaks_and_when(write):
    from trainer.scenario.translation import differences

    original = load_scenario(write(FLAGGED, "charged-twice.yaml"))
    spanish = FLAGGED.replace("title: T\n", "title: T\nlanguage: es\ntranslation_of: charged-twice\n")
    assert differences(load_scenario(write(spanish, "cobro-doble.yaml")), original) == []
    changed = spanish.replace("      - when: {not_flags: [looked]}", "      - when: {flags: [looked]}")
    path = write(changed, "cobro-doble.yaml")
    found = differences(load_scenario(path), original)
    assert len(found) == 1, found
    loc, message = found[0]
    assert (loc.line, message) == (22, "entry 4 of what is said at node 'later' is said by the main character when "
                                       "flags looked here but by the main character when not flags looked in the "
                                       "original 'charged-twice'")
