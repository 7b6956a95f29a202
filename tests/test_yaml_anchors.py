"""YAML anchors and aliases, the documented way to reuse a choice within a file: the reused choice plays in
both places, and a problem inside it is reported once, at the anchor, where it is fixed."""

from __future__ import annotations

from tests.conftest import FIXTURES
from trainer.play.engine import compiled_for
from trainer.scenario.loader import check_file, load_scenario

SCENE = FIXTURES / "daughter-answers-for-her-father.yaml"

REUSED = """\
title: T
category: billing
summary: S
character: {name: Ana Ruiz}
nodes:
  start:
    says: I was charged twice.
    choices:
      - &refund
        id: refund
        text: I'll refund the second charge today.
        next: done
        points: {resolution: 1}
        reply: Thank you.
      - {id: look, text: Let me look., next: still}
  still:
    says: Well?
    choices:
      - *refund
      - {id: shrug, text: It happens., next: done, points: {resolution: -1}}
endings:
  done: {outcome: resolved, summary: Done.}
"""


def test_an_aliased_choice_plays_in_both_nodes(write):
    scenario = load_scenario(write(REUSED))
    assert scenario.nodes["start"].choices[0] == scenario.nodes["still"].choices[0]
    session = compiled_for(scenario).start()
    session.choose_id("look")
    step = session.choose_id("refund")
    assert (step.node, step.points, step.reply["text"], session.state) == ("still", {"resolution": 1}, "Thank you.",
                                                                           "done")


def test_the_fixture_reuses_a_choice_through_an_alias():
    text = SCENE.read_text(encoding="utf-8")
    assert "- &ask-permission" in text and "- *ask-permission" in text
    scenario = load_scenario(SCENE)
    assert scenario.nodes["his-answer"].choices[0] == scenario.nodes["talked-over"].choices[0]


def test_a_mistake_in_a_reused_choice_is_reported_once_at_the_anchor(write):
    path = write(REUSED.replace("        next: done\n        points: {resolution: 1}",
                                "        next: dnoe\n        points: {resolution: 1}\n        moood: 5"))
    scenario, report = check_file(path)
    assert scenario is None
    assert [d.format() for d in report.sorted()] == [
        f"{path}:12:15: error: 'next' names 'dnoe', which is not a node or ending (did you mean 'done'?)",
        f"{path}:14:9: error: unknown key 'moood' in choice 'refund' (did you mean 'mood'?)\n"
        "  hint: allowed here: id, text, next, points, mood, feedback, tags, critical, when, sets, clears, reply",
    ]


def test_an_alias_used_twice_in_one_node_names_the_node(write):
    path = write(REUSED.replace("      - *refund\n", "      - *refund\n      - *refund\n"))
    scenario, report = check_file(path)
    assert scenario is None
    assert [d.message for d in report.errors] == ["choice id 'refund' is used twice in node 'still' (first at line 10)"]


def test_merge_keys_are_refused_with_the_fix(write):
    path = write(REUSED.replace("      - *refund\n", "      - {<<: *refund, next: start}\n"))
    scenario, report = check_file(path)
    assert scenario is None
    assert ("YAML merge keys ('<<') are not supported", "write the keys out") in [
        (d.message, d.hint) for d in report.errors]
