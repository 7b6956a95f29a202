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
      - {id: poor, text: "Poor answer, and a long one.", next: middle, points: {empathy: -1}, mood: -10, feedback: Why it hurts., tags: [NURSE:naming]}
      - {id: curt, text: Wait., next: middle, points: {empathy: -1, de-escalation: -1}, feedback: Too curt., tags: [AIDET:acknowledge]}
  middle:
    says: And then?
    choices:
      - {id: give-up, text: "Give up, with a long goodbye.", next: bad, points: {resolution: -2}, feedback: Leaves them stuck., tags: [HEARD:resolve]}
      - {id: finish, text: Finish well., next: done, points: {resolution: 2, empathy: 1, de-escalation: 1, privacy: 1}, feedback: Resolves it., tags: [HEARD:resolve]}
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
    "duplicate-text": BASE.replace('text: "Poor answer, and a long one."', "text: Good  answer."),
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
    "next: bad, points: {resolution: -2},",
    "next: bad, points: {resolution: 2, empathy: 1, de-escalation: 1, privacy: 1},")
# a flag no choice sets also makes a condition that can never hold
CASES["never-flag"] = BASE.replace("feedback: Leaves them stuck.,", "when: {flags: [verifed]}, feedback: Leaves them stuck.,")

GIVE_UP = '      - {id: give-up, text: "Give up, with a long goodbye."'
FINISH = "      - {id: finish, text: Finish well."


def _swap_middle(text: str) -> str:
    """Put the best answer first at the second step too."""
    lines = text.splitlines(keepends=True)
    a = next(i for i, line in enumerate(lines) if line.startswith(GIVE_UP))
    b = next(i for i, line in enumerate(lines) if line.startswith(FINISH))
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


# with the best answer first at both steps, "always the first" passes without reading anything: a cue only
# where the choices keep their file order (a shuffled node shows each attempt its own order)
CASES["test-wise-pass"] = _swap_middle(BASE).replace("  middle:\n", "  middle:\n    shuffle: false\n").replace(
    "  start:\n", "  start:\n    shuffle: false\n")
# the best answer is the longest at the first of two decision points (50% > 40%)
LONG_GOOD = 'text: "Good answer, said warmly and at some length.", next: middle,'
CASES["length-cue"] = BASE.replace("text: Good answer., next: middle,", LONG_GOOD)
# a poor answer that costs one point in two skills, yet the pass mark leaves no room for it
MILD_POOR = "next: middle, points: {empathy: 1, de-escalation: 1, privacy: 1, resolution: 1}, mood: -10,"
CASES["unforgiving-slip"] = BASE.replace("next: middle, points: {empathy: -1}, mood: -10,", MILD_POOR).replace(
    "summary: A fixture.", "summary: A fixture.\npass_mark: 90")


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
    text = BASE.replace('text: "Poor answer, and a long one.", next: middle,',
                        "text: Good answer., next: middle, when: {mood_below: 30},")
    assert "duplicate-text" not in codes(write, text)


def test_possible_condition_is_fine(write):
    text = BASE.replace("feedback: Leaves them stuck.,", "when: {mood_below: 50}, feedback: Leaves them stuck.,")
    assert "never" not in codes(write, text)


def test_critical_error_with_enough_penalty_is_fine(write):
    text = BASE.replace("next: bad, points: {resolution: -2},",
                        "next: bad, points: {resolution: -2, privacy: -3}, "
                        "critical: Shared the wrong record.,")
    assert codes(write, text) == []


def test_warnings_have_locations(write):
    scenario, report = check_file(write(CASES["no-feedback"]))
    lint(scenario, report)
    (warning,) = report.diagnostics
    assert warning.loc.line == 10 and warning.format().startswith(f"{report.path}:10:")


def test_fairness_fixtures_differ_from_the_clean_one_only_in_the_rule(write):
    assert codes(write, CASES["test-wise-pass"]) == ["test-wise-pass"]
    assert codes(write, CASES["length-cue"]) == ["length-cue"]
    assert codes(write, CASES["unforgiving-slip"]) == ["unforgiving-slip"]


def _with_steps(best_is_longest: list[bool]) -> str:
    """BASE (best answer the longest at its first decision point only) followed by more decision points."""
    extra = ""
    for i, longest in enumerate(best_is_longest):
        after = f"step{i + 1}" if i + 1 < len(best_is_longest) else "done"
        right = "The right answer given in full and kindly." if longest else "Right answer."
        extra += (f"  step{i}:\n    says: More.\n    choices:\n"
                  f"      - {{id: wrong, text: A longer answer that misses it., next: {after}, points: {{resolution: -1}}, "
                  "feedback: f, tags: [t]}\n"
                  f"      - {{id: right, text: {right}, next: {after}, points: {{resolution: 1}}, feedback: f, tags: [t]}}\n")
    text = add_node(CASES["length-cue"], extra)
    return text.replace(FINISH + ", next: done", FINISH + ", next: step0")


def test_length_cue_allows_up_to_40_percent_of_decision_points(write):
    assert "length-cue" not in codes(write, _with_steps([False, False, False]))  # 1 of 5
    assert "length-cue" not in codes(write, _with_steps([True, False, False]))  # 2 of 5: 40%
    assert "length-cue" in codes(write, _with_steps([True, True, False]))  # 3 of 5


def test_length_cue_counts_decision_points_off_the_best_path(write):
    """Where a trainee who slipped recovers, a longest-is-best habit teaches as well as on the best path."""
    recover = ""
    for i, after in ((1, "recover2"), (2, "middle")):
        recover += (f"  recover{i}:\n    says: Hm.\n    choices:\n"
                    f"      - {{id: wrong, text: Not that., next: {after}, points: {{resolution: -1}}, feedback: f, "
                    "tags: [t]}\n"
                    f"      - {{id: right, text: The right answer given in full and kindly., next: {after}, "
                    "points: {resolution: 1}, feedback: f, tags: [t]}\n")
    text = add_node(BASE.replace("next: middle, points: {empathy: -1}", "next: recover1, points: {empathy: -1}"),
                    recover)
    scenario, report = check_file(write(text))
    lint(scenario, report)
    assert [d.code for d in report.diagnostics] == ["length-cue"]  # 2 of 4 decision points; 0 of 2 on the best path
    assert "at 2 of 4 decision points" in report.diagnostics[0].message
    assert report.diagnostics[0].message.endswith(": recover1, recover2")


def test_mild_slip_that_still_passes_is_fine(write):
    text = BASE.replace("next: middle, points: {empathy: -1}, mood: -10,", MILD_POOR)
    assert "unforgiving-slip" not in codes(write, text)


def test_mild_slip_into_a_critical_choice_is_not_counted(write):
    text = CASES["unforgiving-slip"].replace(MILD_POOR, MILD_POOR + " critical: Skipped the identity check.,")
    assert "unforgiving-slip" not in codes(write, text)
