"""`trainer simulate --seed N`: choices shown and numbered in the order an attempt with that seed shows
them (the numbers `trainer analyze --seed N` prints), file order without it; the JSON says which order;
ids always work; `--record` keeps the seed with the attempt so resume and review show the same order."""

from __future__ import annotations

import json

import pytest

from trainer.cli import cli
from trainer.play.engine import compiled_for
from trainer.play.order import node_order, visits
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.review.transcript import transcript_text
from trainer.scenario.library import load_library

SCENARIO = "waiting-room-delay"  # bundled: several choices at every step
SEEDS = range(6)


def run_json(runner, *args) -> dict:
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def plain_best():
    from click.testing import CliRunner

    return run_json(CliRunner(), "analyze", SCENARIO)["best"]


def test_without_a_seed_simulate_keeps_file_order_and_says_so(runner, plain_best):
    data = run_json(runner, "simulate", SCENARIO, "--choose", ",".join(map(str, plain_best["choices"])))
    assert data["order"] == "file"
    assert [s["choice"] for s in data["transcript"]] == plain_best["choice_ids"]
    assert "order shown with seed" not in runner.invoke(cli, ["simulate", SCENARIO, "--choose", "1"]).output


@pytest.mark.parametrize("seed", SEEDS)
def test_analyze_seed_numbers_replay_the_best_path_in_simulate_seed(runner, plain_best, seed):
    seeded = run_json(runner, "analyze", SCENARIO, "--seed", str(seed))["best"]
    data = run_json(runner, "simulate", SCENARIO, "--seed", str(seed), "--choose", ",".join(map(str, seeded["choices"])))
    assert data["order"] == {"seed": seed}
    assert [s["choice"] for s in data["transcript"]] == plain_best["choice_ids"]
    assert [s["number"] for s in data["transcript"]] == seeded["choices"]
    assert (data["overall"], data["ending"], data["passed"]) == (plain_best["overall"], plain_best["ending"], True)


def test_the_seed_changes_what_a_number_picks(runner, plain_best):
    """The best first answer's file-order number picks another answer under some seed: the seed is applied."""
    first = str(plain_best["choices"][0])
    picked = {run_json(runner, "simulate", SCENARIO, "--seed", str(seed), "--choose", first)["transcript"][0]["choice"]
              for seed in SEEDS}
    assert picked - {plain_best["choice_ids"][0]}


@pytest.mark.parametrize("seed", [None, 3])
def test_choice_ids_work_whatever_the_order(runner, plain_best, seed):
    extra = [] if seed is None else ["--seed", str(seed)]
    data = run_json(runner, "simulate", SCENARIO, *extra, "--choose", ",".join(plain_best["choice_ids"]))
    assert [s["choice"] for s in data["transcript"]] == plain_best["choice_ids"]
    assert data["passed"] is True
    if seed is not None:  # each step records the number it had in the seed's order
        assert [s["number"] for s in data["transcript"]] == \
            run_json(runner, "analyze", SCENARIO, "--seed", str(seed))["best"]["choices"]


def test_text_output_names_the_seed_and_a_wrong_number_lists_the_seeds_order(runner):
    text = runner.invoke(cli, ["simulate", SCENARIO, "--seed", "5", "--choose", "1"]).output
    assert "choices numbered in the order shown with seed 5" in text
    session = compiled_for(load_library().get(SCENARIO)).start(seed=5)
    shown = ", ".join(f"{i} ({c.id})" for i, c in enumerate(session.options(), 1))
    session.close()
    result = runner.invoke(cli, ["simulate", SCENARIO, "--seed", "5", "--choose", "9"])
    assert result.exit_code == 1 and f"valid: {shown}" in result.output


def test_a_seed_the_database_cannot_keep_is_a_usage_error(runner):
    result = runner.invoke(cli, ["simulate", SCENARIO, "--seed", str(2**63), "--choose", "1"])
    assert result.exit_code == 2 and "--seed" in result.output and "Traceback" not in result.output


def test_record_keeps_the_seed_so_resume_and_review_show_the_same_order(runner, tmp_path, plain_best):
    seed = 4
    db = tmp_path / "p.db"
    seeded = run_json(runner, "analyze", SCENARIO, "--seed", str(seed))["best"]
    first_two = ",".join(map(str, seeded["choices"][:2]))
    data = run_json(runner, "--db", str(db), "simulate", SCENARIO, "--seed", str(seed), "--choose", first_two,
                    "--record", "--trainee", "Sam", "--mode", "practice")
    library = load_library()
    scenario = library.get(SCENARIO)
    store = Store.open(db)
    try:
        attempt = store.attempt(data["attempt_id"])
        assert attempt.order_seed == seed
        # what was stored as shown is the seed's order, step by step
        replay = compiled_for(scenario).start(seed=seed)
        expected_shown = []
        for choice_id in plain_best["choice_ids"][:2]:
            node = replay.step
            offered = [c for c in node.choices if c.when is None or c.when.holds(replay.mood, replay.flags)]
            expected_shown.append([c.id for c in node_order(node, offered, seed, visits(replay.transcript, node.id))])
            replay.choose_id(choice_id)
        assert [s.shown for s in store.steps(data["attempt_id"])] == expected_shown
        assert expected_shown[0] != [c.id for c in scenario.nodes[scenario.start].choices]  # not file order
        # resuming continues in the same order: the third step's choices as the seed shows them
        resumed = RecordedAttempt.resume(store, data["attempt_id"], scenario)
        assert [c.id for c in resumed.session.options()] == [c.id for c in replay.options()]
        resumed.release()
        resumed.close()
        replay.close()
        # the review transcript lists the first step's choices in the order shown
        text = transcript_text(store, library, data["attempt_id"]).plain
        from trainer.play.recording import trainee_name
        from trainer.scenario.placeholders import personalised

        shown = personalised(scenario, trainee_name(store, attempt))  # {trainee}: as the trainee saw it
        by_id = {c.id: c for c in shown.nodes[shown.start].choices}
        first_texts = [by_id[c].text for c in expected_shown[0]]
        positions = [text.index(" ".join(t.split())) for t in first_texts]
        assert positions == sorted(positions)
    finally:
        store.close()

