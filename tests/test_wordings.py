"""A choice's `text` may be a list of wordings that mean the same: each attempt shows one per choice, drawn
from its seed; an assessment prefers a wording the trainee has not seen in practice; the transcript, review,
resume and exports show the wording that was seen; the item analysis counts by choice id; and
`simulate --seed N` shows that seed's wordings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.play.engine import compiled_for
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.reports.data import build_report
from trainer.reports.exports import export_jsonl
from trainer.review.transcript import transcript_text
from trainer.scenario.library import load_library

PATH = FIXTURES / "wordings.yaml"
ASK = ("Let me ask Dr. Osei's nurse whether she can still see you this morning.",
       "I'll check with Dr. Osei's nurse now if there is still room for you this morning.",
       "Give me a moment to ask Dr. Osei's nurse whether she can fit you in this morning.")


@pytest.fixture
def library():
    return load_library([PATH], include_bundled=False)


@pytest.fixture
def scenario(library):
    return library.get("wordings")


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "p.db")
    yield opened
    opened.close()


def shown_texts(session) -> dict[str, str]:
    return {c.id: c.text for c in session.options()}


# --- the format ------------------------------------------------------------------------------------
def test_a_list_of_wordings_loads_with_the_first_as_the_text(scenario):
    ask = scenario.nodes["arrive"].choices[0]
    assert ask.wordings == ASK and ask.text == ASK[0]
    vague = scenario.nodes["answer"].choices[0]
    assert vague.wordings == (vague.text,)  # one text is one wording


@pytest.mark.parametrize("bad, message", [
    ("text: []", "'text' has no wordings"),
    ('text: ["Hold on, please.", "Hold on, please."]', "this wording is listed twice in 'text'"),
    ('text: ["Hold on, please.", 3]', "'text[2]' must be text"),
    ('text: ["Hold on, please.", ""]', "'text[2]' must not be empty"),
])
def test_bad_wordings_are_errors_at_their_line(write, runner, bad, message):
    original = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    path = write(original.replace('text: "Hold on."', bad))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert any(f"{path}:10:" in line and message in line for line in result.output.splitlines()), result.output


def test_the_schema_accepts_wordings_and_refuses_an_empty_list():
    import yaml
    from jsonschema import Draft202012Validator

    from trainer.scenario.schema import scenario_schema

    validator = Draft202012Validator(scenario_schema())
    text = PATH.read_text(encoding="utf-8")
    assert not list(validator.iter_errors(yaml.safe_load(text)))
    assert list(validator.iter_errors(yaml.safe_load(text.replace("      - id: vague\n        text: ",
                                                                   "      - id: vague\n        text: []\n        x: "))))


# --- drawing one wording per choice ---------------------------------------------------------------
def test_each_seed_draws_its_own_wording_and_keeps_it_for_the_whole_attempt(scenario):
    drawn = set()
    for seed in range(12):
        session = compiled_for(scenario).start(seed=seed)
        first = shown_texts(session)
        assert first["ask"] in ASK
        assert shown_texts(session) == first  # asked again: the same words
        again = compiled_for(scenario).start(seed=seed)
        assert shown_texts(again) == first  # the same seed: the same words
        drawn.add(first["ask"])
        step = session.choose_id("ask")
        assert (step.text, step.wording) == (first["ask"], ASK.index(first["ask"]))
        session.close(), again.close()
    assert drawn == set(ASK)  # every wording is shown by some seed
    unseeded = compiled_for(scenario).start()
    assert shown_texts(unseeded)["ask"] == ASK[0]  # file order: the first wording


def test_simulate_seed_shows_that_seeds_wordings(runner, scenario):
    for seed in (1, 3, 5):
        expected = shown_texts(compiled_for(scenario).start(seed=seed))["ask"]
        result = runner.invoke(cli, ["simulate", str(PATH), "--seed", str(seed), "--choose", "ask,options"])
        assert result.exit_code == 0, result.output
        assert f"[arrive] " in result.output and expected in result.output
        data = json.loads(runner.invoke(cli, ["simulate", str(PATH), "--seed", str(seed), "--choose", "ask",
                                              "--format", "json"]).output)
        assert data["transcript"][0]["text"] == expected
        assert data["transcript"][0]["wording"] == ASK.index(expected)
    plain = runner.invoke(cli, ["simulate", str(PATH), "--choose", "ask"]).output
    assert ASK[0] in plain


# --- recorded, resumed, reviewed, exported ---------------------------------------------------------
def seed_showing(scenario, wording: int) -> int:
    return next(s for s in range(100) if compiled_for(scenario).start(seed=s).wording("arrive",
                                                                                    scenario.nodes["arrive"].choices[0]) == wording)


def test_the_wording_seen_is_recorded_resumed_reviewed_and_exported(scenario, library, store, tmp_path):
    ana = store.trainee("Ana Ruiz")
    seed = seed_showing(scenario, 2)
    attempt = RecordedAttempt.start(store, ana, scenario, "practice", seed=seed)
    before = shown_texts(attempt.session)
    attempt.choose("ask")
    [row] = store.steps(attempt.attempt_id)
    assert (row.text, row.wording) == (ASK[2], 2)
    on_offer = shown_texts(attempt.session)  # the next node's wordings, as shown before leaving

    reopened = Store.open(tmp_path / "p.db")
    again = RecordedAttempt.resume(reopened, attempt.attempt_id, load_library([PATH], include_bundled=False).get(
        "wordings"))
    assert again.session.transcript[0].text == ASK[2]
    assert shown_texts(again.session) == on_offer
    again.choose("options")
    reopened.close()

    review = transcript_text(store, library, attempt.attempt_id).plain
    assert ASK[2] in review and before["refuse"] in review  # what was shown, the choices not picked too
    assert ASK[0] not in review and ASK[1] not in review  # not the first wording, nor another
    [record] = [json.loads(x) for x in export_jsonl(store)]
    assert [s["text"] for s in record["transcript"]][0] == ASK[2]
    assert record["transcript"][0]["wording"] == 2


def test_a_stored_wording_wins_over_what_the_seed_would_draw(scenario, store):
    ana = store.trainee("Ana Ruiz")
    attempt = RecordedAttempt.start(store, ana, scenario, "practice", seed=seed_showing(scenario, 1))
    attempt.choose("ask")
    store._db.execute("UPDATE choices SET wording = 0, text = ? WHERE attempt_id = ?", [ASK[0], attempt.attempt_id])
    store._db.conn.commit()
    again = RecordedAttempt.resume(store, attempt.attempt_id, scenario)
    assert again.session.transcript[0].text == ASK[0]


def test_the_item_analysis_counts_picks_by_choice_id_whatever_the_wording(scenario, store):
    ana = store.trainee("Ana Ruiz")
    for wording in (0, 1, 2):
        attempt = RecordedAttempt.start(store, ana, scenario, "assessment", seed=seed_showing(scenario, wording))
        attempt.choose("ask"), attempt.choose("options")
    report = build_report(store)
    [row] = report["scenarios"]
    asks = [i for i in row["items"] if i["choice_id"] == "ask"]
    assert len(asks) == 1 and asks[0]["picks"] == 3
    texts = {s["text"] for r in [json.loads(x) for x in export_jsonl(store)] for s in r["transcript"][:1]}
    assert len(texts) >= 2  # the attempts did see different words


# --- an assessment after practice -----------------------------------------------------------------
def test_an_assessment_prefers_wordings_not_seen_in_practice(scenario, store):
    ana = store.trainee("Ana Ruiz")
    seed = 7
    practice = RecordedAttempt.start(store, ana, scenario, "practice", seed=seed)
    seen = shown_texts(practice.session)
    practice.choose("refuse")
    practice.choose("options")
    assessment = RecordedAttempt.start(store, ana, scenario, "assessment", seed=seed)
    fresh = shown_texts(assessment.session)
    assert fresh["ask"] != seen["ask"] and fresh["refuse"] != seen["refuse"]  # shown, picked or not
    # a resumed assessment draws as it did when it began, even after more practice
    assessment.choose("ask")
    more = RecordedAttempt.start(store, ana, scenario, "practice", seed=seed + 1)
    more.choose("ask")
    later = shown_texts(assessment.session)
    resumed = RecordedAttempt.resume(store, assessment.attempt_id, scenario)
    assert shown_texts(resumed.session) == later
    assert resumed.session.transcript[0].text == fresh["ask"]
    # the same seed in practice again shows practice's words: only an assessment avoids them
    assert shown_texts(RecordedAttempt.start(store, ana, scenario, "practice", seed=seed).session) == seen


def test_another_trainees_practice_does_not_change_an_assessment(scenario, store):
    ana, ben = store.trainee("Ana Ruiz"), store.trainee("Ben Cole")
    fresh = shown_texts(RecordedAttempt.start(store, ana, scenario, "assessment", seed=7).session)
    RecordedAttempt.start(store, ben, scenario, "practice", seed=7).choose("ask")
    assert shown_texts(RecordedAttempt.start(store, ana, scenario, "assessment", seed=7).session) == fresh


async def test_the_app_shows_this_attempts_wordings_and_the_debrief_names_the_stronger_one_in_them(tmp_path):
    import shutil

    from textual.widgets import Static

    from tests.tui_helpers import FakeClock
    from trainer.launch import create_app
    from trainer.tui.screens.debrief import DebriefScreen
    from trainer.tui.screens.play import PlayScreen

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(PATH, folder / "wordings.yaml")
    scenario = load_library([folder], include_bundled=False).get("wordings")
    seed = seed_showing(scenario, 2)
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Ana Ruiz",
                     clock=FakeClock(), play="wordings", order_seed=lambda: seed)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # practice
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        numbers = {c.id: n for n, c in enumerate(app.screen.session.options(), 1)}
        from textual.widgets import OptionList

        listed = app.screen.query_one("#choices", OptionList)
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert f"{numbers['ask']}. {ASK[2]}" in shown  # the wording this attempt's seed draws, on screen
        await pilot.press(str(numbers["refuse"]), "enter")
        await pilot.pause()
        numbers = {c.id: n for n, c in enumerate(app.screen.session.options(), 1)}
        await pilot.press(str(numbers["options"]), "enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        annotated = str(app.screen.query_one("#annotated", Static).render())
        assert "Stronger here" in annotated and " ".join(ASK[2].split()) in " ".join(annotated.split())
