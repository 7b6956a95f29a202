"""Parallel forms (`form_of:`): checked by validate and the library, listed with `form_of`, recorded under
their original (so an assignment of the original is met by passing a form, and reports and the completion
grid group them), kept apart in the item analysis, resumed and reviewed in the very form played, and an
assessment opens the form the trainee has seen least and says which."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, timedelta

import pytest

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.play.recording import RecordedAttempt
from trainer.progress import programme
from trainer.progress.store import Store
from trainer.reports.data import build_report
from trainer.reports.exports import export_csv, export_jsonl
from trainer.reports.formats import report_text
from trainer.reports.html import report_html
from trainer.review.transcript import transcript_text
from trainer.scenario.library import load_library

ORIGINAL, FORM = "copay-question", "copay-question-urgent-care"
ORIGINAL_BEST, FORM_BEST = ["check", "plan"], ["compare", "lab"]
FORM_WORST = ["insurer", "neighbour"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    scenarios = tmp_path / "scenarios"
    shutil.copytree(FIXTURES / "forms", scenarios)
    monkeypatch.setenv("TRAINER_SCENARIOS", str(scenarios))
    return scenarios


@pytest.fixture
def library(folder):
    return load_library([folder], include_bundled=False)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "p.db")
    yield opened
    opened.close()


def played(store, person, scenario, picks, mode="assessment", seed=None):
    attempt = RecordedAttempt.start(store, person, scenario, mode, seed=seed)
    for pick in picks:
        attempt.choose(pick)
    return attempt.attempt_id


# --- the format: validate, the library, list, the schema ---------------------------------------------
def test_the_fixture_form_loads_as_a_form_of_its_original(library):
    assert library.get(FORM).form_of == ORIGINAL and library.get(ORIGINAL).form_of == ""
    assert library.summaries[FORM].counts_toward == ORIGINAL


def test_list_json_gives_each_scenario_its_form_of(runner, folder):
    rows = {r["id"]: r for r in json.loads(runner.invoke(cli, ["list", "--format", "json"]).output)}
    assert rows[FORM]["form_of"] == ORIGINAL
    assert rows[ORIGINAL]["form_of"] is None
    assert all("form_of" in r for r in rows.values())
    text = runner.invoke(cli, ["list"]).output
    assert f"An urgent care bill above the card  (a form of {ORIGINAL})" in text


def test_validate_reports_a_form_that_scores_other_skills_at_its_form_of(runner, tmp_path):
    shutil.copy(FIXTURES / "forms" / f"{ORIGINAL}.yaml", tmp_path)
    text = (FIXTURES / "forms" / f"{FORM}.yaml").read_text(encoding="utf-8").replace(
        "points: {privacy: -3}", "points: {resolution: -3}")
    (tmp_path / f"{FORM}.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if ": error: " in x)
    assert line.startswith(f"{tmp_path / FORM}.yaml:5:10: error: this form gives no points for privacy")
    assert "a form must score the same skills as its original 'copay-question'" in line


def test_a_warm_validate_reports_a_form_the_same_without_reading_it_again(runner, tmp_path, monkeypatch):
    """The form-against-original check is cached on both files' bytes: the second run prints the same
    error, at the same line, without parsing the pair again; changing the original checks it afresh."""
    from trainer.scenario import loader

    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(FIXTURES / "forms" / f"{ORIGINAL}.yaml", folder)
    text = (FIXTURES / "forms" / f"{FORM}.yaml").read_text(encoding="utf-8").replace(
        "points: {privacy: -3}", "points: {resolution: -3}")
    (folder / f"{FORM}.yaml").write_text(text, encoding="utf-8")
    cold = runner.invoke(cli, ["validate", str(folder)])
    parsed = []
    real = loader.check_file
    monkeypatch.setattr(loader, "check_file", lambda path, *a, **k: parsed.append(path) or real(path, *a, **k))
    warm = runner.invoke(cli, ["validate", str(folder)])
    assert warm.exit_code == cold.exit_code == 1 and warm.output == cold.output
    assert "this form gives no points for privacy" in warm.output and parsed == []
    original = folder / f"{ORIGINAL}.yaml"
    original.write_text(original.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = runner.invoke(cli, ["validate", str(folder)])
    assert "this form gives no points for privacy" in again.output and parsed


def test_validate_names_a_missing_original_with_a_suggestion_and_refuses_forms_of_forms(runner, tmp_path):
    shutil.copy(FIXTURES / "forms" / f"{ORIGINAL}.yaml", tmp_path)
    text = (FIXTURES / "forms" / f"{FORM}.yaml").read_text(encoding="utf-8")
    (tmp_path / "typo.yaml").write_text(text.replace("form_of: copay-question", "form_of: copay-questoin"),
                                        encoding="utf-8")
    (tmp_path / FORM).with_suffix(".yaml").write_text(text, encoding="utf-8")
    (tmp_path / "second.yaml").write_text(text.replace("form_of: copay-question", f"form_of: {FORM}"),
                                          encoding="utf-8")
    (tmp_path / "itself.yaml").write_text(text.replace("form_of: copay-question", "form_of: itself"),
                                          encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    errors = [x for x in result.output.splitlines() if ": error: " in x]
    assert f"{tmp_path / 'typo.yaml'}:5:10: error: 'form_of' names 'copay-questoin', which is not a loaded scenario " \
           "(did you mean 'copay-question'?)" in errors
    assert f"{tmp_path / 'second.yaml'}:5:10: error: '{FORM}' is itself a form (of 'copay-question')" in errors
    assert f"{tmp_path / 'itself.yaml'}:5:10: error: a scenario cannot be a form of itself" in errors
    assert "make every form a form of the original: form_of: copay-question" in result.output
    assert len(errors) == 3  # the sound form is not reported


def test_a_form_carries_its_originals_version_so_retraining_treats_passes_alike(runner, tmp_path):
    original = (FIXTURES / "forms" / f"{ORIGINAL}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{ORIGINAL}.yaml").write_text(original.replace("category: billing\n", "category: billing\nversion: 2\n"),
                                               encoding="utf-8")
    shutil.copy(FIXTURES / "forms" / f"{FORM}.yaml", tmp_path)
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / FORM}.yaml:5:10: error: 'version' is 1 here but 2 in the original 'copay-question'" \
        in result.output
    assert "then set version: 2" in result.output


def test_validate_finds_the_original_in_the_library_when_only_the_form_is_checked(runner, folder):
    result = runner.invoke(cli, ["validate", str(folder / f"{FORM}.yaml")])
    assert result.exit_code == 0, result.output


def test_the_library_leaves_out_a_broken_form_and_says_why(folder):
    text = (folder / f"{FORM}.yaml").read_text(encoding="utf-8")
    (folder / f"{FORM}.yaml").write_text(text.replace("form_of: copay-question", "form_of: nowhere"),
                                         encoding="utf-8")
    library = load_library([folder], include_bundled=False)
    assert FORM not in library.summaries and library.get(FORM) is None
    [error] = library.errors
    assert (error.loc.line, error.loc.col) == (5, 10) and "'form_of' names 'nowhere'" in error.message


def test_a_translation_of_a_form_must_repeat_its_form_of(runner, tmp_path):
    for name in (ORIGINAL, FORM):
        shutil.copy(FIXTURES / "forms" / f"{name}.yaml", tmp_path)
    text = (FIXTURES / "forms" / f"{FORM}.yaml").read_text(encoding="utf-8")
    spanish = text.replace("form_of: copay-question\n", f"translation_of: {FORM}\nlanguage: es\n")
    (tmp_path / "copago-urgencias.yaml").write_text(spanish, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: 'form_of' is not set here but 'copay-question' in the original" in result.output
    fixed = spanish.replace("language: es\n", "language: es\nform_of: copay-question\n")
    (tmp_path / "copago-urgencias.yaml").write_text(fixed, encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(tmp_path)]).exit_code == 0


def test_the_schema_accepts_a_form_and_refuses_a_form_of_that_is_not_an_id(write):
    import yaml
    from jsonschema import Draft202012Validator

    from trainer.scenario.loader import check_file
    from trainer.scenario.schema import scenario_schema

    validator = Draft202012Validator(scenario_schema())
    text = (FIXTURES / "forms" / f"{FORM}.yaml").read_text(encoding="utf-8")
    assert not list(validator.iter_errors(yaml.safe_load(text)))
    broken = text.replace("form_of: copay-question", "form_of: copay question!")
    assert list(validator.iter_errors(yaml.safe_load(broken)))
    scenario, report = check_file(write(broken))
    assert scenario is None and report.errors


# --- attempts, assignments, reports ----------------------------------------------------------------
def test_an_attempt_on_a_form_counts_toward_its_original_and_remembers_the_form(library, store):
    ana = store.trainee("Ana Ruiz")
    attempt_id = played(store, ana, library.get(FORM), FORM_BEST)
    row = store.attempt(attempt_id)
    assert (row.scenario_id, row.form_id, row.translation_id) == (ORIGINAL, FORM, FORM)
    assert library.played(row).id == FORM  # transcripts and debriefs replay the very file played
    assert row.passed is True


def test_an_assignment_of_the_original_is_met_by_passing_a_form_in_the_assigned_mode(library, store):
    ana = store.trainee("Ana Ruiz")
    programme.assign(store, [(ORIGINAL, None)], "Morgan Lee", date.today() + timedelta(days=7), trainee="Ana Ruiz")
    played(store, ana, library.get(FORM), FORM_BEST, mode="practice")
    [row] = programme.completion_grid(store, library.summaries, date.today())
    assert row["status"] != "passed"  # a practice pass does not meet an assessment
    played(store, ana, library.get(FORM), FORM_BEST)
    [row] = programme.completion_grid(store, library.summaries, date.today())
    assert (row["scenario"], row["status"], row["form"]) == (ORIGINAL, "passed", FORM)
    report = build_report(store, catalogue=library.summaries, today=date.today())
    assert report["assignments"][0]["form"] == FORM
    assert f"· on the form {FORM}" in report_text(report)


def test_assign_by_a_forms_id_assigns_its_original(runner, folder, tmp_path):
    Store.open(tmp_path / "progress.db").trainee("Ana Ruiz")
    result = runner.invoke(cli, ["assign", FORM, "--trainee", "Ana Ruiz", "--due",
                                 (date.today() + timedelta(days=3)).isoformat()])
    assert result.exit_code == 0, result.output
    recorded = runner.invoke(cli, ["simulate", FORM, "--choose", ",".join(FORM_BEST), "--record",
                                   "--trainee", "Ana Ruiz"])
    assert recorded.exit_code == 0, recorded.output
    report = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    assert [(a["scenario"], a["status"]) for a in report["assignments"]] == [(ORIGINAL, "passed")]
    by_form = json.loads(runner.invoke(cli, ["report", "--scenario", FORM, "--format", "json"]).output)
    assert [(s["id"], s["forms"]) for s in by_form["scenarios"]] == [(ORIGINAL, {FORM: 1})]


def test_reports_group_forms_under_their_scenario_and_keep_their_items_apart(library, store):
    ana, ben = store.trainee("Ana Ruiz"), store.trainee("Ben Cole")
    played(store, ana, library.get(ORIGINAL), ORIGINAL_BEST)
    played(store, ben, library.get(FORM), FORM_WORST)
    played(store, ana, library.get(FORM), FORM_BEST)
    for filtered in ({}, {"trainee": None}, {"since": "2000-01-01"}):
        report = build_report(store, catalogue=library.summaries, scenarios=library.scenarios, **filtered)
        [row] = [s for s in report["scenarios"] if s["mode"] == "assessment"]
        assert (row["id"], row["attempts"], row["passed"]) == (ORIGINAL, 3, 2)
        assert row["forms"] == {ORIGINAL: 1, FORM: 2}
        items = {(i["form"], i["node"], i["choice_id"]): (i["picks"], i["share"]) for i in row["items"]}
        assert items == {(ORIGINAL, "ask", "check"): (1, 100.0), (ORIGINAL, "explain", "plan"): (1, 100.0),
                         (FORM, "ask", "compare"): (1, 50.0), (FORM, "ask", "insurer"): (1, 50.0),
                         (FORM, "explain", "lab"): (1, 50.0), (FORM, "explain", "neighbour"): (1, 50.0)}
        assert [i["form"] for i in row["items"]][:2] == [ORIGINAL, ORIGINAL]  # the original's first
        assert {(t["form"], t["choice_id"]) for t in row["trip_ups"]} == {(FORM, "insurer"), (FORM, "neighbour")}
    text = report_text(report)
    assert f"forms: {ORIGINAL} 1, {FORM} 2" in text
    assert f"[{FORM} · ask]" in text and "[ask]" in text
    assert f"Form {FORM}, step: ask" in report_html(report)


def test_exports_name_the_form_played(library, store):
    ana = store.trainee("Ana Ruiz")
    played(store, ana, library.get(ORIGINAL), ORIGINAL_BEST)
    played(store, ana, library.get(FORM), FORM_BEST)
    rows = list(csv.DictReader(io.StringIO(export_csv(store))))
    assert sorted((r["scenario_id"], r["form_id"]) for r in rows) == [(ORIGINAL, ""), (ORIGINAL, FORM)]
    records = [json.loads(x) for x in export_jsonl(store)]
    assert sorted((r["scenario_id"], r["form_id"] or "") for r in records) == [(ORIGINAL, ""), (ORIGINAL, FORM)]
    assert None in [r["form_id"] for r in records]
    [on_form] = [r for r in records if r["form_id"]]
    assert on_form["transcript"][0]["text"].startswith("I can see why that's confusing")


def test_an_unfinished_form_attempt_resumes_and_is_reviewed_in_the_form(library, store):
    ana = store.trainee("Ana Ruiz")
    attempt = RecordedAttempt.start(store, ana, library.get(FORM), "practice", seed=3)
    attempt.choose("compare")
    assert [r.id for r in store.resumable(ana, library.get(FORM))] == [attempt.attempt_id]
    assert store.resumable(ana, library.get(ORIGINAL)) == []
    again = RecordedAttempt.resume(store, attempt.attempt_id, library.get(FORM))
    assert again.session.state == "explain" and again.session.scenario.id == FORM
    again.choose("lab")
    review = transcript_text(store, library, attempt.attempt_id).plain
    assert "An urgent care bill above the card" in review
    assert "I can see why that's confusing" in review and "strep test" in review


def test_a_form_is_never_suggested_on_its_own(library):
    from trainer.play.next_up import offers

    assert FORM in library.summaries and set(offers(library)) == {ORIGINAL}


# --- which form an assessment opens ---------------------------------------------------------------
def test_an_assessment_draws_the_form_the_trainee_has_not_seen(library, store):
    from trainer.play.unseen import assessment_form, least_seen_form

    ana = store.trainee("Ana Ruiz")
    assert least_seen_form(store, ana.id, library, ORIGINAL) == ORIGINAL  # nothing seen: the one asked for
    played(store, ana, library.get(ORIGINAL), ORIGINAL_BEST, mode="practice")
    chosen, number, count = assessment_form(store, ana.id, library, library.get(ORIGINAL))
    assert (chosen.id, number, count) == (FORM, 2, 2)
    played(store, ana, library.get(FORM), FORM_BEST)
    played(store, ana, library.get(FORM), FORM_BEST, mode="practice")
    chosen, number, _ = assessment_form(store, ana.id, library, library.get(FORM))
    assert (chosen.id, number) == (ORIGINAL, 1)  # seen once against twice


def test_a_scenario_without_forms_is_opened_as_it_is(library, store, tmp_path):
    from trainer.play.unseen import assessment_form

    alone = load_library([FIXTURES / "minimal.yaml"], include_bundled=False)
    ana = store.trainee("Ana Ruiz")
    chosen, number, count = assessment_form(store, ana.id, alone, alone.get("minimal"))
    assert (chosen.id, number, count) == ("minimal", 1, 1)


async def test_the_app_opens_an_assessment_on_the_unseen_form_and_says_which(folder, tmp_path):
    from tests.tui_helpers import FakeClock
    from trainer.launch import create_app
    from trainer.tui.screens.brief import BriefScreen
    from trainer.tui.screens.play import PlayScreen

    library = load_library([folder], include_bundled=False)
    store = Store.open(tmp_path / "progress.db")
    played(store, store.trainee("Ana Ruiz"), library.get(ORIGINAL), ORIGINAL_BEST, mode="practice")
    store.close()
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Ana Ruiz",
                     clock=FakeClock(), play=ORIGINAL, order_seed=lambda: 5)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m", "enter")  # the brief of the original, switched to assessment
        await pilot.pause()
        assert isinstance(app.screen, BriefScreen)  # the form's own brief: its situation and people differ
        assert (app.screen.scenario.id, app.screen.mode) == (FORM, "assessment")
        assert "Marcus Oyelaran" in str(app.screen.query_one("#brief-body").render())
        said = [n.message for n in app._notifications]
        assert any("form 2 of 2: An urgent care bill above the card" in m for m in said), said
        await pilot.press("enter")  # the assessment asks once, on the form's own brief
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.attempt.mode == "assessment" and app.screen.session.scenario.id == FORM
    store = Store.open(tmp_path / "progress.db")
    rows = [r for r in store._db["attempts"].rows if r["mode"] == "assessment"]
    assert [(r["scenario_id"], r["form_id"]) for r in rows] == [(ORIGINAL, FORM)]
    store.close()


async def test_the_brief_of_the_original_resumes_an_assessment_left_on_its_form(folder, tmp_path):
    from tests.tui_helpers import FakeClock
    from trainer.launch import create_app
    from trainer.tui.screens.play import PlayScreen

    library = load_library([folder], include_bundled=False)
    store = Store.open(tmp_path / "progress.db")
    left = RecordedAttempt.start(store, store.trainee("Ana Ruiz"), library.get(FORM), "assessment", seed=2)
    left.choose("compare")
    left.release()
    store.close()
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Ana Ruiz",
                     clock=FakeClock(), play=ORIGINAL, order_seed=lambda: 5)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "unfinished assessment attempt" in str(app.screen.query_one("#brief-resume").render())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        session = app.screen.session
        assert (session.scenario.id, session.state, len(session.transcript)) == (FORM, "explain", 1)
        assert app.screen.attempt.attempt_id == left.attempt_id


async def test_the_catalogue_shows_each_scenario_once_not_its_forms(folder, tmp_path):
    """A form is a version of its original, like a translation: one row, opened as the least-seen form."""
    from textual.widgets import DataTable

    from trainer.launch import create_app

    app = create_app(db=tmp_path / "cat.db", scenario_dirs=[folder], bundled=False, trainee="Robin Test")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#catalogue", DataTable)
        rows = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert "copay-question" in rows and "copay-question-urgent-care" not in rows
        assert "1 of 1 scenario" in str(app.screen.query_one("#catalogue-status").render())
