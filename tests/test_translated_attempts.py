"""Attempts on a translation count toward its original everywhere (reports, exports, the completion grid,
suggestions, My progress, the review), with the language played shown; the catalogue lists a scenario once
and opens it in the trainee's language."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from tests.test_translations import ORIGINAL, SPANISH
from trainer.cli import cli
from trainer.play.recording import RecordedAttempt
from trainer.progress import programme
from trainer.progress.store import Store
from trainer.reports.data import build_report
from trainer.reports.exports import export_csv
from trainer.reports.formats import report_text
from trainer.scenario.library import load_library

BEST = ["help"]  # minimal's best path: start -> done
WORST = ["wait", "leak"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "minimal.yaml").write_text(ORIGINAL, encoding="utf-8")
    (scenarios / "minimo.yaml").write_text(SPANISH, encoding="utf-8")
    monkeypatch.setenv("TRAINER_SCENARIOS", str(scenarios))
    return scenarios


@pytest.fixture
def library(folder):
    return load_library([folder], include_bundled=False)


def played(store, person, scenario, picks, mode="assessment"):
    attempt = RecordedAttempt.start(store, person, scenario, mode)
    for pick in picks:
        attempt.choose(pick)
    return attempt.attempt_id


def test_an_attempt_on_a_translation_is_recorded_against_its_original_with_its_language(library, tmp_path):
    store = Store.open(tmp_path / "p.db")
    ana = store.trainee("Ana Ruiz")
    spanish = played(store, ana, library.get("minimo"), BEST)
    english = played(store, ana, library.get("minimal"), WORST)
    rows = {r.id: r for r in store.attempts_for(ana)}
    assert (rows[spanish].scenario_id, rows[spanish].language, rows[spanish].translation_id) == \
        ("minimal", "es", "minimo")
    assert (rows[english].scenario_id, rows[english].language, rows[english].translation_id) == \
        ("minimal", "en", None)
    assert library.played(rows[spanish]).title == "Mínimo"  # transcripts and debriefs replay the file played

    report = build_report(store, catalogue=library.summaries, scenarios=library.scenarios)
    [row] = [s for s in report["scenarios"] if s["mode"] == "assessment"]
    assert (row["id"], row["attempts"], row["passed"], row["languages"]) == ("minimal", 2, 1, {"en": 1, "es": 1})
    assert "played in English 1, Español 1" in report_text(report)
    exported = list(csv.DictReader(io.StringIO(export_csv(store))))
    assert sorted((r["scenario_id"], r["language"], r["translation_id"]) for r in exported) == [
        ("minimal", "en", ""), ("minimal", "es", "minimo")]


def test_a_pass_on_the_translation_fulfils_an_assignment_of_the_original(library, tmp_path):
    store = Store.open(tmp_path / "p.db")
    ana = store.trainee("Ana Ruiz")
    programme.assign(store, [("minimal", None)], "Morgan Lee", date.today() + timedelta(days=7), trainee="Ana Ruiz")
    played(store, ana, library.get("minimo"), BEST)
    report = build_report(store, catalogue=library.summaries, today=date.today())
    [row] = report["assignments"]
    assert (row["scenario"], row["status"], row["language"]) == ("minimal", "passed", "es")
    assert "(version 1) · in Español" in report_text(report)


def test_a_translation_is_never_suggested_on_its_own(library):
    from trainer.play.next_up import offers

    assert set(offers(library)) == {"minimal"}


def test_unfinished_attempts_resume_in_the_version_played(library, tmp_path):
    store = Store.open(tmp_path / "p.db")
    ana = store.trainee("Ana Ruiz")
    attempt = RecordedAttempt.start(store, ana, library.get("minimo"), "practice")
    attempt.choose("wait")
    assert [r.id for r in store.resumable(ana, library.get("minimo"))] == [attempt.attempt_id]
    assert store.resumable(ana, library.get("minimal")) == []
    again = RecordedAttempt.resume(store, attempt.attempt_id, library.get("minimo"))
    assert again.session.state == "meh"


def test_list_shows_a_translation_with_its_original(runner, folder):
    rows = json.loads(runner.invoke(cli, ["list", "--format", "json"]).output)
    [row] = [r for r in rows if r["id"] in ("minimal", "minimo")]
    assert (row["id"], row["language"], row["translations"]) == ("minimal", "en", {"es": "minimo"})
    text = runner.invoke(cli, ["list"]).output
    assert "Minimal  (es: minimo)" in text and "\nminimo " not in text


def test_simulate_record_and_assign_by_the_translation_id_count_toward_the_original(runner, folder, tmp_path):
    Store.open(tmp_path / "progress.db").trainee("Ana Ruiz")  # the database TRAINER_DB names in tests
    assigned = runner.invoke(cli, ["assign", "minimo", "--trainee", "Ana Ruiz", "--due",
                                   (date.today() + timedelta(days=3)).isoformat()])
    assert assigned.exit_code == 0, assigned.output
    result = runner.invoke(cli, ["simulate", "minimo", "--choose", "help", "--record", "--trainee", "Ana Ruiz"])
    assert result.exit_code == 0, result.output
    report = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    assert [(a["scenario"], a["status"], a["language"]) for a in report["assignments"]] == [("minimal", "passed", "es")]
    assert [(s["id"], s["languages"]) for s in report["scenarios"]] == [("minimal", {"es": 1})]


async def test_the_catalogue_lists_a_scenario_once_and_opens_it_in_the_trainees_language(folder, tmp_path,
                                                                                        monkeypatch):
    from textual.widgets import DataTable, Static

    from tests.tui_helpers import FakeClock
    from trainer.launch import create_app
    from trainer.tui.screens.brief import BriefScreen

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANGUAGE", "es_US.UTF-8")
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Ana Ruiz",
                     clock=FakeClock())
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#catalogue", DataTable)
        assert list(table.rows) == ["minimal"]  # one row, not one per language

        def title() -> str:
            return str(table.get_row("minimal")[0])

        assert title() == "Mínimo · también en English"  # the app speaks Spanish too (trainer.i18n)
        assert "primero en Español (l para cambiar)" in str(app.screen.query_one("#catalogue-status", Static).render())
        table.move_cursor(row=table.get_row_index("minimal"))
        await pilot.press("enter")
        assert isinstance(app.screen, BriefScreen) and app.screen.scenario.id == "minimo"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("l")
        assert title() == "Minimal · también en Español"
        table.move_cursor(row=table.get_row_index("minimal"))
        await pilot.press("enter")
        assert isinstance(app.screen, BriefScreen) and app.screen.scenario.id == "minimal"
