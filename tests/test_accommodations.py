"""Accommodations for timed moments (issue #27 item 4): a supervisor gives a trainee extra time or no timer;
each attempt records the one it was played under; the engine's deadlines, the terminal app's countdown,
reports, exports and the review transcript all follow it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.site_helpers import BOSS, SAM, as_supervisor, make_site
from tests.test_tui_flows import SIZE, text_of
from tests.test_attempt_integrity import to_timed_node
from tests.tui_helpers import FakeClock, make_app, scenario_folder
from trainer.cli import cli
from trainer.play.engine import ChoiceNotAvailable
from trainer.play.recording import RecordedAttempt
from trainer.progress import accommodations, audit
from trainer.progress.accommodations import Accommodation
from trainer.progress.store import Store
from trainer.scenario.loader import load_scenario
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen


@pytest.fixture
def site(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path, [scenario_folder(tmp_path)])
    as_supervisor(monkeypatch)
    return path


def accommodate(runner, db, *args):
    return runner.invoke(cli, ["--db", str(db), "trainees", "accommodate", *args])


def spouse(tmp_path):
    return load_scenario(scenario_folder(tmp_path) / "spouse-call.yaml")


def to_timed(attempt: RecordedAttempt, clock: FakeClock) -> float | None:
    """Play to the 45-second moment; the deadline it gets when shown."""
    for _ in range(2):
        attempt.show(clock())
        attempt.choose(1)
    assert attempt.session.state == "not-on-file"
    return attempt.show(clock())


def test_extra_time_is_recorded_with_each_new_attempt_and_kept_on_resume(site, runner, tmp_path):
    result = accommodate(runner, site, SAM, "--extra-time", "1.5")
    assert result.exit_code == 0, result.output
    assert "extra time 1.5x" in result.output
    clock = FakeClock()
    store = Store.open(site)
    try:
        sam = store.find_trainee(SAM)
        first = RecordedAttempt.start(store, sam, spouse(tmp_path), "assessment", clock=clock, seed=None)
        assert to_timed(first, clock) == clock() + 67.5  # 45 s written, 1.5 times as long
        first.release()
        first.close()
        assert runner.invoke(cli, ["--db", str(site), "trainees", "accommodate", SAM, "--none"]).exit_code == 0
        resumed = RecordedAttempt.resume(store, first.attempt_id, spouse(tmp_path), clock=clock)
        assert resumed.session.time_limit == 67.5  # the attempt keeps what it was started under
        resumed.release()
        resumed.close()
        second = RecordedAttempt.start(store, sam, spouse(tmp_path), "assessment", clock=clock)
        assert to_timed(second, clock) == clock() + 45.0
        assert accommodations.for_attempt(store, first.attempt_id) == Accommodation(1.5)
        assert accommodations.for_attempt(store, second.attempt_id) == Accommodation()
        changes = [(e["actor"], e["subject"], e["detail"]) for e in audit.entries(store, "trainee-accommodation")]
        assert changes == [(BOSS, SAM, {"accommodation": "extra time 1.5x"}), (BOSS, SAM, {"accommodation": "none"})]
    finally:
        store.close()


def test_no_timer_means_no_deadline_and_no_timeout(site, runner, tmp_path):
    assert accommodate(runner, site, SAM, "--no-timer").exit_code == 0
    clock = FakeClock()
    store = Store.open(site)
    try:
        attempt = RecordedAttempt.start(store, store.find_trainee(SAM), spouse(tmp_path), "assessment", clock=clock)
        assert to_timed(attempt, clock) is None
        assert attempt.session.time_limit is None
        with pytest.raises(ChoiceNotAvailable):
            attempt.time_out(clock() + 1000)
        deadline = store._db.execute("SELECT deadline FROM attempts WHERE id = ?", [attempt.attempt_id]).fetchone()[0]
        assert deadline is None
    finally:
        store.close()


@pytest.mark.parametrize("args, code, words", [
    ((SAM,), 2, "exactly one of"),
    ((SAM, "--no-timer", "--none"), 2, "exactly one of"),
    ((SAM, "--extra-time", "1"), 2, "more than 1"),
    ((SAM, "--extra-time", "5"), 2, "at most 4"),
    ((SAM, "--extra-time", "nan"), 2, "more than 1"),
    (("Nobody Here", "--no-timer"), 1, "no account named"),
    ((BOSS, "--no-timer"), 1, "is a supervisor"),
])
def test_misuse_gets_one_line_and_the_documented_exit_code(site, runner, args, code, words):
    result = accommodate(runner, site, *args)
    assert result.exit_code == code, result.output
    assert words in result.output and "Traceback" not in result.output


def test_a_personal_database_has_no_accounts_to_accommodate(runner, tmp_path, monkeypatch):
    as_supervisor(monkeypatch)
    result = accommodate(runner, tmp_path / "p.db", SAM, "--no-timer")
    assert result.exit_code != 0 and "Traceback" not in result.output


def _set_for(tmp_path, name: str, accommodation: Accommodation) -> None:
    store = Store.open(tmp_path / "progress.db")
    try:
        trainee = store.trainee(name)
        accommodations.set_for_trainee(store, trainee.id, trainee.name, accommodation, "test")
    finally:
        store.close()


async def test_the_terminal_countdown_gives_the_extra_time(tmp_path):
    _set_for(tmp_path, "Robin Test", Accommodation(2.0))
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await to_timed_node(pilot, clock)
        app.screen.check_timer()
        assert "90s left" in text_of(app, "#countdown")
        clock.advance(60)  # past the 45 s written: still answering
        app.screen.check_timer()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and "30s left" in text_of(app, "#countdown")
        clock.advance(31)
        app.screen.check_timer()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)  # the timeout branch ends the call


async def test_no_timer_shows_no_countdown_and_waits(tmp_path):
    _set_for(tmp_path, "Robin Test", Accommodation(no_timer=True))
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await to_timed_node(pilot, clock)
        clock.advance(600)
        app.screen.check_timer()
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.session.state == "not-on-file"
        assert "left" not in text_of(app, "#countdown")


def test_reports_exports_and_the_review_show_the_accommodation(site, runner, tmp_path):
    from trainer.reports.data import build_report
    from trainer.reports.exports import export_csv, export_jsonl
    from trainer.reports.formats import report_csv, report_text
    from trainer.reports.html import trainees_section
    from trainer.review.transcript import transcript_text
    from trainer.scenario.library import load_library

    assert accommodate(runner, site, SAM, "--extra-time", "1.5").exit_code == 0
    clock = FakeClock()
    store = Store.open(site)
    try:
        attempt = RecordedAttempt.start(store, store.find_trainee(SAM), spouse(tmp_path), "assessment", clock=clock)
        to_timed(attempt, clock)
        attempt.choose(1)
        report = build_report(store, mode="assessment")
        rows = {t["name"]: t for t in report["trainees"]}
        assert rows[SAM]["accommodations"] == ["extra time 1.5x"] and rows["Ana Costa"]["accommodations"] == []
        assert "played with extra time 1.5x" in report_text(report)
        table = list(csv.DictReader(io.StringIO(report_csv(report).split("\n\n")[0])))
        assert {r["trainee"]: r["accommodation"] for r in table}[SAM] == "extra time 1.5x"
        assert "<th>Accommodation</th>" in trainees_section(report["trainees"]).replace(" scope='col'", "")
        assert "extra time 1.5x" in trainees_section(report["trainees"])
        exported = list(csv.DictReader(io.StringIO(export_csv(store, None))))
        assert [r["accommodation"] for r in exported] == ["extra time 1.5x"]
        assert [json.loads(r)["accommodation"] for r in export_jsonl(store, None)] == ["extra time 1.5x"]
        library = load_library((scenario_folder(tmp_path),), include_bundled=False)
        assert "played with extra time 1.5x" in transcript_text(store, library, attempt.attempt_id).plain
    finally:
        store.close()


def test_the_trainee_list_shows_each_trainees_accommodation(site, runner):
    assert accommodate(runner, site, SAM, "--extra-time", "1.5").exit_code == 0
    listed = runner.invoke(cli, ["--db", str(site), "trainees", "list", "--format", "json"])
    assert {r["name"]: r["accommodation"] for r in json.loads(listed.stdout)} == {"Ana Costa": None,
                                                                                  SAM: "extra time 1.5x"}
    text = runner.invoke(cli, ["--db", str(site), "trainees", "list"]).stdout
    assert f"{SAM}  [Front desk]  (extra time 1.5x)" in text


def test_a_reports_accommodation_question_reads_the_small_index_not_every_attempt(tmp_path):
    """A report asks it once per trainee row: reading every attempt of the trainee was 4 ms a trainee at a
    million recorded choices, most of the report's time. With filters too, SQLite must use the partial
    index of accommodated attempts (m019)."""
    store = Store.open(tmp_path / "p.db")
    trainee = store.trainee("Sam Rivera")
    asked: list[str] = []
    conn = store._db.conn
    conn.set_trace_callback(asked.append)
    try:
        accommodations.used(store, trainee.id, "assessment")
        accommodations.used(store, trainee.id, "practice", "spouse-call", "2026-01-01", "2027-01-01", "privacy")
    finally:
        conn.set_trace_callback(None)
    plans = [" ".join(str(row) for row in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in asked]
    assert len(plans) == 2 and all("idx_attempts_accommodated" in plan for plan in plans), plans
    store.close()
