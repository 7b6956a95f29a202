"""`trainer report` and the three exports on recorded data; xAPI checked against the 1.0.3 rules."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

import pytest

from tests.recorded import recorded_store
from trainer.cli import cli

ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IRI = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s]+$")


@pytest.fixture
def db(tmp_path):
    recorded_store(tmp_path).close()
    return tmp_path / "progress.db"


def run(runner, db, *args):
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_report_json_per_trainee_and_item_analysis(runner, db):
    data = json.loads(run(runner, db, "report", "--format", "json"))
    people = {t["name"]: t for t in data["trainees"]}
    assert set(people) == {"Dana Whitfield", "Luis Ortega"}
    assert [t["mode"] for t in data["trainees"]] == ["assessment", "assessment"]  # nothing was practised
    dana = people["Dana Whitfield"]
    assert (dana["attempts"], dana["completed"], dana["passed"], dana["pass_rate"]) == (2, 2, 1, 50.0)
    assert dana["skills"]["privacy"]["average"] == 50.0
    assert people["Luis Ortega"]["attempts"] == 3 and people["Luis Ortega"]["completed"] == 2
    spouse = next(s for s in data["scenarios"] if s["id"] == "spouse-call")
    opening = {i["choice_id"]: i for i in spouse["items"] if i["node"] == "opening"}
    # the attempt left in progress does not count in the item analysis
    assert opening["warm-opening"]["picks"] == 2 and opening["confirm-patient"]["picks"] == 1
    assert opening["warm-opening"]["share"] == 66.7
    assert opening["confirm-patient"]["average_points"] == -3 and opening["confirm-patient"]["critical"] == 1
    assert spouse["trouble"][0]["choice_id"] in {"confirm-patient", "read-results", "policy-wall"}


def test_report_filters(runner, db):
    data = json.loads(run(runner, db, "report", "--format", "json", "--trainee", "luis ortega"))
    assert [t["name"] for t in data["trainees"]] == ["Luis Ortega"]
    assert {s["id"] for s in data["scenarios"]} == {"spouse-call", "minimal"}
    later = json.loads(run(runner, db, "report", "--format", "json", "--since", "2100-01-01"))
    assert later["trainees"] == [] and later["scenarios"] == []
    bad = runner.invoke(cli, ["--db", str(db), "report", "--since", "yesterday"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    nobody = runner.invoke(cli, ["--db", str(db), "report", "--trainee", "Dana Whitfeld"])
    assert nobody.exit_code == 2 and "did you mean 'Dana Whitfield'" in nobody.output


def test_report_text_csv_and_html(runner, db, tmp_path):
    assert "Dana Whitfield · assessment: 2 attempts" in run(runner, db, "report")
    rows = list(csv.DictReader(io.StringIO(run(runner, db, "report", "--format", "csv"))))
    assert {r["trainee"] for r in rows} == {"Dana Whitfield", "Luis Ortega"}
    assert {r["mode"] for r in rows} == {"assessment"}
    out = tmp_path / "out" / "report.html"
    run(runner, db, "report", "--format", "html", "-o", str(out))
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Dana Whitfield" in page
    assert "<link" not in page and "<script" not in page and "src=" not in page  # self-contained


def test_export_csv_one_row_per_attempt_with_skill_columns(runner, db):
    rows = list(csv.DictReader(io.StringIO(run(runner, db, "export", "--format", "csv"))))
    assert len(rows) == 5
    assert {"skill_empathy", "skill_privacy", "skill_teach-back"} <= set(rows[0])
    passed = [r for r in rows if r["passed"] == "True"]
    assert len(passed) == 2 and all(r["skill_privacy"] for r in passed)


def test_export_jsonl_one_attempt_per_line_with_choices(runner, db):
    lines = run(runner, db, "export", "--format", "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 5
    critical = next(r for r in records if r["transcript"] and r["transcript"][0]["choice"] == "confirm-patient")
    assert critical["passed"] is False and critical["transcript"][1]["critical"]


def _check_statement(st: dict) -> None:
    """The xAPI 1.0.3 rules the spec states for these fields."""
    uuid.UUID(st["id"])
    actor = st["actor"]
    assert actor["objectType"] == "Agent"
    assert set(actor["account"]) == {"homePage", "name"} and IRI.match(actor["account"]["homePage"])
    assert not {"mbox", "mbox_sha1sum", "openid"} & set(actor)  # exactly one inverse functional identifier
    assert IRI.match(st["verb"]["id"]) and st["verb"]["display"]["en-US"]
    assert IRI.match(st["object"]["id"]) and st["object"]["objectType"] == "Activity"
    assert ISO_TIMESTAMP.match(st["timestamp"])
    result = st.get("result", {})
    if "score" in result:
        score = result["score"]
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"] and score["min"] < score["max"]
    if "duration" in result:
        assert ISO_DURATION.match(result["duration"]), result["duration"]
    for key in result.get("extensions", {}):
        assert IRI.match(key)
    uuid.UUID(st["context"]["registration"])
    for key in st["context"].get("extensions", {}):
        assert IRI.match(key)


def test_export_xapi_statements_follow_the_spec_and_have_stable_ids(runner, db):
    statements = json.loads(run(runner, db, "export", "--format", "xapi", "--home-page", "https://lms.example.net"))
    for st in statements:
        _check_statement(st)
    verbs = [st["verb"]["display"]["en-US"] for st in statements]
    assert verbs.count("completed") == 4 and verbs.count("passed") == 2 and verbs.count("failed") == 2
    assert verbs.count("answered") == 10
    answered = next(s for s in statements if s["verb"]["display"]["en-US"] == "answered")
    assert "https://lms.example.net/xapi/extensions/points" in answered["result"]["extensions"]
    passed = next(s for s in statements if s["verb"]["display"]["en-US"] == "passed")
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True
    assert passed["result"]["score"]["raw"] == 100.0 and passed["result"]["score"]["scaled"] == 1.0
    assert len({s["id"] for s in statements}) == len(statements)
    again = json.loads(run(runner, db, "export", "--format", "xapi", "--home-page", "https://lms.example.net"))
    assert [s["id"] for s in again] == [s["id"] for s in statements]


def test_export_to_file_and_bad_home_page(runner, db, tmp_path):
    out = tmp_path / "out" / "attempts.csv"
    run(runner, db, "export", "--format", "csv", "-o", str(out))
    assert out.read_text().startswith("attempt_id,")
    bad = runner.invoke(cli, ["--db", str(db), "export", "--format", "xapi", "--home-page", "lms"])
    assert bad.exit_code == 2


def test_iso_durations():
    from trainer.reports.exports import iso_duration

    assert [iso_duration(s) for s in (0, 4.5, 61, 3725.25)] == ["PT0S", "PT4.5S", "PT1M1S", "PT1H2M5.25S"]
