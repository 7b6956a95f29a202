"""Every `validate --strict` rule: a fixture that triggers it and one that does not."""

from __future__ import annotations

import pytest

from trainer.scenario.lint import lint
from trainer.scenario.loader import check_file

BASE = """\
title: Lint fixture
category: billing
summary: A fixture.
character: {name: Ana Ruiz}
nodes:
  start:
    says: Hello.
    choices:
      - {id: good, text: Good answer., next: middle, points: {empathy: 2, de-escalation: 2, privacy: 1, resolution: 1}, feedback: Why it helps., tags: [NURSE:naming]}
      - {id: poor, text: Poor answer., next: middle, points: {empathy: -1}, mood: -10, feedback: Why it hurts., tags: [NURSE:naming]}
  middle:
    says: And then?
    choices:
      - {id: finish, text: Finish well., next: done, points: {resolution: 2, empathy: 1, de-escalation: 1, privacy: 1}, feedback: Resolves it., tags: [HEARD:resolve]}
      - {id: give-up, text: Give up., next: bad, points: {resolution: -2}, feedback: Leaves them stuck., tags: [HEARD:resolve]}
endings:
  done: {outcome: resolved, summary: Done.}
  bad: {outcome: failed, summary: Bad.}
"""


def codes(write, text: str) -> list[str]:
    scenario, report = check_file(write(text))
    assert scenario is not None, [d.format() for d in report.diagnostics]
    lint(scenario, report)
    return [d.code for d in report.diagnostics]


def test_clean_fixture_has_no_warnings(write):
    assert codes(write, BASE) == []


def add_node(text: str, node: str) -> str:
    return text.replace("endings:\n", node + "endings:\n")


CASES = {
    "unreachable": add_node(BASE, "  orphan:\n    says: Nobody gets here.\n    choices:\n"
                                  "      - {id: x, text: X, next: done, feedback: f, tags: [t]}\n"),
    "dead-end": BASE.replace("next: bad, points", "next: stuck, points").replace(
        "endings:\n", "  stuck:\n    says: Nothing to do here.\nendings:\n").replace(
        "  bad: {outcome: failed, summary: Bad.}\n", "  bad: {outcome: failed, summary: Bad.}\n"),
    "trap": BASE.replace("next: bad, points: {resolution: -2}", "next: loop, points: {resolution: -2}").replace(
        "endings:\n", "  loop:\n    says: Round we go.\n    choices:\n"
                      "      - {id: again, text: Again., next: loop, feedback: f, tags: [t]}\nendings:\n"),
    "no-feedback": BASE.replace(" feedback: Why it hurts.,", ""),
    "no-tags": BASE.replace(" feedback: Why it hurts., tags: [NURSE:naming]}", " feedback: Why it hurts.}"),
    "unused-skill": BASE.replace("summary: A fixture.", "summary: A fixture.\nskills: {teach-back: {weight: 1}}"),
    "duplicate-text": BASE.replace("text: Poor answer.", "text: Good  answer."),
    "never": BASE.replace("feedback: Leaves them stuck.,", "when: {mood_at_least: 90, mood_below: 50}, "
                                                           "feedback: Leaves them stuck.,"),
    "best-fails": BASE.replace("pass_mark", "x").replace("summary: A fixture.",
                                                         "summary: A fixture.\nskills: {empathy: {threshold: 100}}"
                                                         ).replace("resolution: 2, empathy: 1,", "resolution: 2, empathy: -2,"),
    "critical-passes": BASE.replace("feedback: Leaves them stuck.,", "feedback: Leaves them stuck.,").replace(
        "{id: finish, text: Finish well., next: done,",
        "{id: finish, text: Finish well., next: done, critical: Shared the wrong record.,"),
}
CASES["failed-ending-passes"] = BASE.replace(
    "{id: give-up, text: Give up., next: bad, points: {resolution: -2},",
    "{id: give-up, text: Give up., next: bad, points: {resolution: 2, empathy: 1, de-escalation: 1, privacy: 1},")
# a flag no choice sets also makes a condition that can never hold
CASES["never-flag"] = BASE.replace("feedback: Leaves them stuck.,", "when: {flags: [verifed]}, feedback: Leaves them stuck.,")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_triggers(write, rule):
    expected = rule.split("-flag")[0] if rule == "never-flag" else rule
    assert expected in codes(write, CASES[rule])


def test_unreached_ending_is_reported(write):
    text = BASE.replace("  bad: {outcome: failed, summary: Bad.}\n",
                        "  bad: {outcome: failed, summary: Bad.}\n  lost: {outcome: partial, summary: Never.}\n")
    scenario, report = check_file(write(text))
    lint(scenario, report)
    assert [d.message for d in report.diagnostics] == ["ending 'lost' can never be reached from 'start'"]


def test_conditional_twins_with_the_same_text_are_fine(write):
    text = BASE.replace("text: Poor answer., next: middle,", "text: Good answer., next: middle, when: {mood_below: 30},")
    assert "duplicate-text" not in codes(write, text)


def test_possible_condition_is_fine(write):
    text = BASE.replace("feedback: Leaves them stuck.,", "when: {mood_below: 50}, feedback: Leaves them stuck.,")
    assert "never" not in codes(write, text)


def test_critical_error_with_enough_penalty_is_fine(write):
    text = BASE.replace("{id: give-up, text: Give up., next: bad, points: {resolution: -2},",
                        "{id: give-up, text: Give up., next: bad, points: {resolution: -2, privacy: -3}, "
                        "critical: Shared the wrong record.,")
    assert codes(write, text) == []


def test_warnings_have_locations(write):
    scenario, report = check_file(write(CASES["no-feedback"]))
    lint(scenario, report)
    (warning,) = report.diagnostics
    assert warning.loc.line == 10 and warning.format().startswith(f"{report.path}:10:")
