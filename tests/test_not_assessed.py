"""A skill that no choice on an attempt's path could raise or lower is "not assessed on this path":
never shown as a percentage or a pass, left out of the overall score and of every average (issue #22:
"privacy 100% ✓" on an 11% failed run whose path never touched privacy)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import FIXTURES
from trainer.cli import cli
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.scenario.loader import load_scenario
from trainer.ui.widgets import skill_bars

MINIMAL = FIXTURES / "minimal.yaml"  # "help" ends at once; privacy is only at stake after "wait"


def test_scoring_decides_assessed_from_the_choices_offered_on_the_path():
    from scoring import SkillRule, assessed_skills, score_attempt

    rules = [SkillRule("empathy", 1, 60), SkillRule("privacy", 1, 60)]
    ranges = {"empathy": (4, 0), "privacy": (0, -3)}
    offered = [[{"empathy": 2}, {"empathy": 0}], [{"empathy": 1}, {}]]
    assert assessed_skills(offered) == {"empathy"}
    score = score_attempt({"empathy": 0}, rules, ranges, 70, offered=offered)
    privacy = score.skills["privacy"]
    assert not privacy.assessed and not privacy.passed  # 0 of 0 to lose: once "100% ✓"
    assert privacy.as_dict()["percent"] is None and privacy.as_dict()["assessed"] is False
    assert score.overall == 0.0 and not score.passed  # the overall is empathy's alone, not (0 + 100) / 2
    tested = score_attempt({"empathy": 4}, rules, ranges, 70, offered=offered + [[{"privacy": -3}, {}]])
    assert tested.skills["privacy"].assessed and tested.skills["privacy"].passed
    assert tested.skills["privacy"].as_dict()["percent"] == 100.0
    # without the path (a whole-scenario view: best and worst paths, lint) every scored skill counts
    assert score_attempt({"empathy": 0}, rules, ranges, 70).skills["privacy"].assessed


def test_a_path_that_tested_no_skill_does_not_pass():
    from scoring import SkillRule, score_attempt

    rules = [SkillRule("empathy", 1, 60), SkillRule("privacy", 1, 60)]
    ranges = {"empathy": (4, 0), "privacy": (0, -3)}
    score = score_attempt({}, rules, ranges, 70, offered=[[{}, {}]])
    assert not any(s.assessed for s in score.skills.values())
    assert score.overall == 0.0 and not score.points_passed and not score.passed


def test_a_zero_point_choice_does_not_assess_but_any_offered_move_does():
    from scoring import assessed_skills

    assert assessed_skills([[{"privacy": 0}, {"empathy": 1}]]) == {"empathy"}
    assert assessed_skills([[{"privacy": 0}], [{"privacy": -1}]]) == {"privacy"}


def test_simulate_json_and_text_say_not_assessed(runner):
    data = json.loads(runner.invoke(cli, ["simulate", str(MINIMAL), "--choose", "help", "--format", "json"]).output)
    privacy = data["skills"]["privacy"]
    assert (privacy["assessed"], privacy["percent"], privacy["passed"]) == (False, None, False)
    assert data["skills"]["empathy"]["assessed"] is True and data["skills"]["empathy"]["percent"] == 100.0
    text = runner.invoke(cli, ["simulate", str(MINIMAL), "--choose", "help"]).output
    assert "privacy        not assessed on this path" in text
    assert "privacy        100.0%" not in text
    # the other path offers the leak: privacy is then assessed (and kept: 100%)
    other = json.loads(runner.invoke(cli, ["simulate", str(MINIMAL), "--choose", "wait,recover",
                                           "--format", "json"]).output)
    assert other["skills"]["privacy"]["assessed"] is True and other["skills"]["privacy"]["percent"] == 100.0


def test_debrief_bars_say_not_assessed_instead_of_a_full_bar_and_a_tick():
    scenario = load_scenario(MINIMAL)
    from trainer.play.engine import compiled_for

    session = compiled_for(scenario).start()
    session.choose_id("help")
    shown = skill_bars(session.score()).plain
    privacy = next(row for row in shown.splitlines() if row.startswith("privacy"))
    assert "not assessed on this path" in privacy and "✓" not in privacy and "█" not in privacy


@pytest.fixture
def db(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    scenario = load_scenario(MINIMAL)
    ticks = iter(range(1_700_000_000, 1_800_000_000, 7)).__next__
    for who, picks in (("Dana Whitfield", ["help"]), ("Luis Ortega", ["help"]), ("Luis Ortega", ["wait", "leak"])):
        attempt = RecordedAttempt.start(store, store.trainee(who), scenario, "assessment", clock=lambda: float(ticks()))
        for pick in picks:
            attempt.choose(pick)
    store.close()
    return tmp_path / "progress.db"


def run(runner, db, *args) -> str:
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_recorded_skill_not_assessed_is_kept_out_of_averages_and_reports(runner, db):
    store = Store.open(db)
    dana = store.trainee("Dana Whitfield")
    attempt_id = store.attempts_for(dana)[0].id
    rows = {r.skill: r for r in store.skills_for(attempt_id)}
    assert (rows["privacy"].assessed, rows["privacy"].percent, rows["privacy"].passed) == (False, None, False)
    assert "privacy" not in store.skill_averages(dana, "assessment")
    store.close()
    report = json.loads(run(runner, db, "report", "--format", "json"))
    people = {t["name"]: t for t in report["trainees"]}
    assert people["Dana Whitfield"]["skills"]["privacy"] == {"average": None, "trend": None, "assessed": False}
    # Luis's leak run tested privacy (0%); his "help" run did not and does not lift it to 50%
    assert people["Luis Ortega"]["skills"]["privacy"]["average"] == 0.0
    assert people["Luis Ortega"]["skills"]["privacy"]["assessed"] is True
    text = run(runner, db, "report")
    assert "privacy        not assessed on these attempts' paths" in text
    html = run(runner, db, "report", "--format", "html")
    assert "not assessed on these attempts&#x27; paths" in html or "not assessed on these attempts' paths" in html
    table = {r["trainee"]: r for r in csv.DictReader(io.StringIO(run(runner, db, "report", "--format", "csv")))}
    assert table["Dana Whitfield"]["privacy_average"] == "not assessed"
    assert table["Luis Ortega"]["privacy_average"] == "0.0"
    exported = list(csv.DictReader(io.StringIO(run(runner, db, "export", "--format", "csv"))))
    assert [r["skill_privacy"] for r in exported] == ["not assessed", "not assessed", "0.0"]
    lines = [json.loads(x) for x in run(runner, db, "export", "--format", "jsonl").splitlines()]
    assert lines[0]["skills"]["privacy"] == {"raw": 0.0, "max": 0.0, "percent": None, "assessed": False,
                                             "passed": False}
    assert lines[0]["skills"]["empathy"]["assessed"] is True


async def test_my_progress_and_the_review_table_say_not_assessed(tmp_path, db):
    from textual.widgets import DataTable, Static

    from trainer.launch import create_app, create_review_app
    from trainer.progress import passphrase

    app = create_app(db=db, scenario_dirs=[], bundled=False, trainee="Dana Whitfield")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        summary = str(app.screen.query_one("#progress-summary", Static).render())
        assert "not assessed yet on your paths: privacy" in summary
        assert "privacy 100%" not in summary and "privacy 0%" not in summary
    store = Store.open(db)
    passphrase.set_passphrase(store, "correct horse battery")
    review = create_review_app(store=store, scenario_dirs=[], bundled=False, supervisor="Sam Supervisor")
    async with review.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"correct horse battery", "enter")
        table = review.screen.query_one(DataTable)
        privacy = [k for k in table.columns if k.value == "privacy"][0]
        cells = {str(table.get_row(r)[0]): table.get_cell(r, privacy).plain for r in table.rows}
        assert cells["Dana Whitfield"] == "n/a" and cells["Luis Ortega"] == "0%"
    store.close()
