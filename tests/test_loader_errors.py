"""Every kind of loader error gives path:line:col and a helpful message; all errors come at once."""

from __future__ import annotations

import pytest

from trainer.scenario.diagnostics import ScenarioError
from trainer.scenario.loader import check_file, load_scenario
from trainer.scenario.yamlsrc import MAX_BYTES

GOOD_NODES = """
nodes:
  start:
    says: Hi
    choices:
      - {id: a, text: Hello, next: done, points: {empathy: 1}}
endings:
  done: {outcome: resolved, summary: Done.}
"""
HEAD = "title: T\ncategory: billing\nsummary: S\ncharacter: {name: Ana}\n"


def errors(path):
    scenario, report = check_file(path)
    assert scenario is None
    return [d.format() for d in report.sorted() if d.severity == "error"]


def one_error(path):
    found = errors(path)
    assert len(found) == 1, found
    return found[0]


def test_valid_minimal_file_loads(write):
    scenario = load_scenario(write(HEAD + GOOD_NODES, "tiny.yaml"))
    assert scenario.id == "tiny"
    assert scenario.start == "start"
    assert list(scenario.skills) == ["empathy", "de-escalation", "privacy", "resolution"]
    assert scenario.nodes["start"].choices[0].points["empathy"] == 1


def test_unknown_key_points_at_key_with_suggestion(write):
    path = write(HEAD + "difficulity: beginner\n" + GOOD_NODES)
    msg = one_error(path)
    assert msg.startswith(f"{path.name}:5:1: error: unknown key 'difficulity'") or ":5:1: error: unknown key" in msg
    assert "did you mean 'difficulty'" in msg


def test_wrong_type_names_expected_type(write):
    msg = one_error(write(HEAD + "minutes: ten\n" + GOOD_NODES))
    assert ":5:10: error: 'minutes' must be a whole number, not text 'ten'" in msg


def test_missing_next_target_suggests_close_id(write):
    text = (HEAD + GOOD_NODES).replace("next: done", "next: dnoe")
    msg = one_error(write(text))
    assert "'next' names 'dnoe', which is not a node or ending (did you mean 'done'?)" in msg
    assert ":10:" in msg  # the line of the choice


def test_duplicate_keys_are_reported_with_first_line(write):
    msg = one_error(write(HEAD + "title: Again\n" + GOOD_NODES))
    assert ":5:1: error: duplicate key 'title' (first defined at line 1)" in msg


def test_duplicate_ids_across_nodes_and_endings(write):
    text = HEAD + GOOD_NODES + "  start: {outcome: failed, summary: x}\n"
    assert any("'start' is both a node and an ending" in e for e in errors(write(text)))


def test_duplicate_choice_ids(write):
    text = (HEAD + GOOD_NODES).replace(
        "      - {id: a, text: Hello, next: done, points: {empathy: 1}}",
        "      - {id: a, text: Hello, next: done}\n      - {id: a, text: Bye, next: done}")
    assert any("choice id 'a' is used twice" in e for e in errors(write(text)))


def test_all_errors_in_a_file_are_reported_together(write):
    text = (HEAD + "minutes: ten\ncolour: blue\n" + GOOD_NODES).replace("next: done", "next: nowhere")
    found = errors(write(text))
    assert len(found) == 3
    assert [int(e.split(":")[1]) for e in found] == sorted(int(e.split(":")[1]) for e in found)


def test_not_a_mapping(write):
    assert "must be a mapping" in one_error(write("- just\n- a list\n"))


def test_empty_file(write):
    assert "the file is empty" in one_error(write(""))


def test_syntax_error_has_location(write):
    msg = one_error(write("title: [unclosed\n"))
    assert ":1:8: error: YAML syntax: the '[' here starts a list that is never closed with ']'" in msg


def test_multiple_documents_rejected(write):
    assert "more than one YAML document" in one_error(write(HEAD + GOOD_NODES + "---\ntitle: two\n"))


def test_non_utf8_points_at_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEAD + "summary2: caf\xe9\n").encode("latin-1"))
    msg = one_error(path)
    assert ":5:14: error: file is not valid UTF-8 (byte 0xe9)" in msg


def test_oversized_file_rejected_without_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    assert "scenarios are limited to" in one_error(path)


def test_alias_bomb_rejected(write):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]\n"
    assert "alias expansion" in one_error(write(bomb))


def test_python_tags_are_never_constructed(write, tmp_path):
    marker = tmp_path / "pwned"
    text = HEAD.replace("title: T", f"title: !!python/object/apply:os.system ['touch {marker}']") + GOOD_NODES
    found = errors(write(text))
    assert any("unsupported YAML tag" in e for e in found)
    assert not marker.exists()


def test_unknown_skill_in_points(write):
    msg = one_error(write((HEAD + GOOD_NODES).replace("empathy: 1", "empaty: 1")))
    assert "points for unknown skill 'empaty' (did you mean 'empathy'?)" in msg


def test_bad_enum_value_suggests(write):
    msg = one_error(write(HEAD.replace("billing", "biling") + GOOD_NODES))
    assert "'category' must be one of" in msg and "did you mean 'billing'" in msg


def test_unknown_mood_band_in_says(write):
    text = (HEAD + GOOD_NODES).replace("says: Hi", "says: {angri: Hi}")
    assert "'angri' is not a mood band (did you mean 'angry'?)" in one_error(write(text))


def test_starting_mood_out_of_range(write):
    text = HEAD.replace("{name: Ana}", "{name: Ana, mood: 130}") + GOOD_NODES
    assert "starting mood 130 is outside the mood scale 0..100" in one_error(write(text))


def test_loop_that_gains_points_is_an_error(write):
    text = (HEAD + GOOD_NODES).replace(
        "      - {id: a, text: Hello, next: done, points: {empathy: 1}}",
        "      - {id: a, text: Hello, next: done, points: {empathy: 1}}\n"
        "      - {id: again, text: Again, next: start, points: {empathy: 1}}")
    scenario, report = check_file(write(text))
    assert scenario is None
    assert [d.code for d in report.errors] == ["loop-points"]
    assert report.errors[0].loc.line == 11
    assert "changes empathy by +1 each time round" in report.errors[0].message


def test_directory_named_like_a_file(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert "this is a folder" in one_error(folder)


def test_load_scenario_raises_with_all_diagnostics(write):
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(HEAD + "minutes: ten\ncolour: blue\n" + GOOD_NODES))
    assert len(info.value.diagnostics) == 2


def test_loop_blocked_by_a_flag_is_accepted(write):
    """A choice that leads back but can only be taken once (its flag blocks the second time round) is
    not an unbounded loop: the exact state graph is consulted before reporting."""
    text = (HEAD + GOOD_NODES).replace(
        "      - {id: a, text: Hello, next: done, points: {empathy: 1}}",
        "      - {id: a, text: Hello, next: done, points: {empathy: 1}}\n"
        "      - {id: again, text: Again, next: start, points: {empathy: 1}, sets: [asked],"
        " when: {not_flags: [asked]}}")
    scenario, report = check_file(write(text))
    assert scenario is not None, [d.format() for d in report.diagnostics]
