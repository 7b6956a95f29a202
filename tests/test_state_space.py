"""Bounded analysis: a scenario whose analysis states (node x tested flags x mood) pass the cap is an
error naming the flags responsible, found before anything builds the state graph."""

from __future__ import annotations

from trainer.scenario.bounds import STATE_CAP, count_states
from trainer.scenario.loader import check_file


def flag_chain(flags: int, mood: bool = False) -> str:
    """Each step may note one more fact (a flag); the last step tests that every fact was noted."""
    out = ["title: Flag chain", "category: billing", "summary: Many flags set along a chain.",
           "character: {name: Ana Ruiz}", "nodes:"]
    for i in range(flags):
        after = f"n{i + 1}" if i + 1 < flags else "last"
        out += [f"  n{i}:", "    says: Anything else?", "    choices:",
                f"      - {{id: note, text: Note it., next: {after}, sets: [fact{i}], points: {{resolution: 1}}, "
                "mood: 5, feedback: f, tags: [t]}",
                f"      - {{id: skip, text: Skip it., next: {after}, mood: -5, feedback: f, tags: [t]}}"]
    needed = ", ".join(f"fact{i}" for i in range(flags))
    when = f"{{flags: [{needed}]" + (", mood_at_least: 50}" if mood else "}")
    out += ["  last:", "    says: Is that everything?", "    choices:",
            f"      - {{id: all, text: All noted., next: good, when: {when}, points: {{empathy: 1}}, "
            "feedback: f, tags: [t]}",
            "      - {id: some, text: Some noted., next: partly, feedback: f, tags: [t]}",
            "endings:", "  good: {outcome: resolved, summary: Good.}", "  partly: {outcome: partial, summary: Partly.}"]
    return "\n".join(out) + "\n"


def test_eighteen_flags_along_a_chain_are_an_error_naming_them(write):
    text = flag_chain(18)
    assert len(text) < 5000  # the repro: a 4.5 KB file
    scenario, report = check_file(write(text, "chain.yaml"))
    assert scenario is None
    (error,) = report.errors
    assert error.code == "state-space"
    assert f"more than {STATE_CAP:,} combinations of node, flags and mood" in error.message
    assert "18 flags set independently" in error.message
    assert "fact0, fact1" in error.message and "and 6 more" in error.message
    assert "clears:" in error.hint
    assert error.loc.line == text.splitlines().index("  last:") + 4  # the condition that tests them


def test_mood_conditions_are_named_too(write):
    scenario, report = check_file(write(flag_chain(16, mood=True), "chain.yaml"))
    assert scenario is None and "and conditions on mood" in report.errors[0].message


def test_a_few_flags_load_and_are_analysed(write):
    scenario, report = check_file(write(flag_chain(8), "chain.yaml"))
    assert scenario is not None, [d.format() for d in report.errors]
    count, flags = count_states(scenario, cap=10**9)
    assert count == (2 ** 8 - 1) + 2 ** 8 + 2 ** 8 + 1  # 2^i at n_i; 2^8 at last and at partly; 1 good
    assert flags == [f"fact{i}" for i in range(8)]


def test_counting_matches_the_analysis_graph(write):
    from trainer.scenario.analysis import analysis_for

    scenario, _ = check_file(write(flag_chain(6, mood=True), "chain.yaml"))
    assert count_states(scenario, cap=10**9)[0] == len(analysis_for(scenario).graph.out)
