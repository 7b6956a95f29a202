"""Attempts that mean what they say: each attempt's own choice order (kept on resume and in review), timers
that survive leaving, the last choice and the finish in one transaction, one window per attempt, and
practice never averaged into assessment."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from textual.widgets import DataTable, OptionList, Static

from tests.test_tui_flows import SIZE, open_spouse_call, text_of
from tests.tui_helpers import FakeClock, make_app, scenario_folder
from trainer.cli import cli
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import AttemptElsewhere, Store
from trainer.scenario.loader import load_scenario
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.ui.help import HelpScreen
from trainer.tui.screens.play import PlayScreen


def shown_ids(app) -> list[str]:
    options = app.screen.query_one("#choices", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def stored(tmp_path, sql: str, params=()):
    store = Store.open(tmp_path / "progress.db")
    try:
        return store._db.execute(sql, params).fetchall()
    finally:
        store.close()


def spouse(tmp_path):
    return load_scenario(scenario_folder(tmp_path) / "spouse-call.yaml")


# --- choice order ------------------------------------------------------------------------------------------

async def test_each_attempt_has_its_own_order_kept_on_resume_and_in_review(tmp_path):
    from trainer.review.transcript import transcript_text
    from trainer.scenario.library import load_library

    app = make_app(tmp_path, seed=0)  # seed 0 shows the opening's two choices in reverse file order
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter")
        assert shown_ids(app) == ["confirm-patient", "warm-opening"]
        await pilot.press("2", "enter")
        at_verify = shown_ids(app)
        await pilot.press(str(at_verify.index("check-authorisation") + 1), "enter")
        first_visit = shown_ids(app)
        await pilot.press(str(first_visit.index("explain-again") + 1), "enter")  # loops back to this node
        second_visit = shown_ids(app)
        assert sorted(first_visit) == sorted(second_visit) and first_visit != second_visit  # a fresh order per visit
        await pilot.press("escape")
    assert [r[0] for r in stored(tmp_path, "SELECT order_seed FROM attempts")] == [0]
    rows = stored(tmp_path, "SELECT choice_id, number, shown FROM choices ORDER BY seq")
    assert [(c, n) for c, n, _ in rows] == [("warm-opening", 2),
                                            ("check-authorisation", at_verify.index("check-authorisation") + 1),
                                            ("explain-again", first_visit.index("explain-again") + 1)]
    assert [json.loads(r[2]) for r in rows] == [["confirm-patient", "warm-opening"], at_verify, first_visit]

    app = make_app(tmp_path, seed=12345)  # a new attempt would get another order; the resumed one keeps its own
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.session.seed == 0 and shown_ids(app) == second_visit
        lines = [str(w.render()) for w in app.screen.query("#transcript .trainee-line")]
        assert len(lines) == 3 and "Good morning" in lines[0]

    store = Store.open(tmp_path / "progress.db")
    attempt_id = store._db.execute("SELECT id FROM attempts").fetchone()[0]
    library = load_library((scenario_folder(tmp_path),), include_bundled=False)
    review = transcript_text(store, library, attempt_id).plain
    store.close()
    assert "1. [opening] chose 2 of 2, in the order shown:\n   1. Let me look" in review
    assert " ▸ 2. Good morning" in review


# --- timers ---------------------------------------------------------------------------------------------------

async def to_timed_node(pilot, clock):
    await open_spouse_call(pilot)
    await pilot.press("m", "enter", "y", "1", "1")  # assessment, file order: at the 45-second node
    assert pilot.app.screen.session.state == "not-on-file"


async def test_leaving_and_resuming_continues_the_countdown(tmp_path):
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await to_timed_node(pilot, clock)
        clock.advance(20)
        app.screen.check_timer()
        assert "25s left" in text_of(app, "#countdown")
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogueScreen)
        clock.advance(10)  # away for ten seconds: they count
        await open_spouse_call(pilot)
        await pilot.press("r")
        app.screen.check_timer()
        assert "15s left" in text_of(app, "#countdown")
        clock.advance(5)
        await pilot.press("1")  # explain again: 35 s after the node was first shown
        assert "45s left" in text_of(app, "#countdown")  # the same node again, a new visit with a new timer
        await pilot.press("escape")
        await open_spouse_call(pilot)
        clock.advance(60)  # away past the deadline: the resume finds the time already up
        await pilot.press("r")
        if isinstance(app.screen, PlayScreen):  # unless its own timer tick already did
            app.screen.check_timer()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
    rows = stored(tmp_path, "SELECT choice_id, latency, timed_out FROM choices ORDER BY seq")
    assert rows[2:] == [("explain-again", 35.0, 0), ("timeout", 45.0, 1)]


@pytest.mark.parametrize("key", ["question_mark", "ctrl+p"])
async def test_time_on_the_help_screen_or_palette_counts(tmp_path, key):
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await to_timed_node(pilot, clock)
        play = app.screen
        await pilot.press(key)
        over = app.screen
        assert over is not play and (key != "question_mark" or isinstance(over, HelpScreen))
        clock.advance(50)
        play.check_timer()  # the tick while help or the palette is open takes nothing from under it
        assert app.screen is over
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert app.screen.attempt.session.state == "caller-hangs-up"
    assert stored(tmp_path, "SELECT latency, timed_out FROM choices WHERE seq = 3") == [(45.0, 1)]


# --- the last choice and the finish: one transaction -------------------------------------------------------

def test_last_choice_and_finish_commit_in_one_transaction(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    attempt = RecordedAttempt.start(store, store.trainee("Kim"), spouse(tmp_path), "assessment")
    attempt.choose("warm-opening")
    attempt.choose("check-authorisation")
    statements: list[str] = []
    store._db.conn.set_trace_callback(statements.append)
    attempt.choose("offer-route")
    store._db.conn.set_trace_callback(None)
    writes = [" ".join(s.split()[:2]) for s in statements if not s.startswith("SELECT")]
    assert writes[0] == "BEGIN IMMEDIATE" and writes[-1] == "COMMIT"
    assert writes.count("BEGIN IMMEDIATE") == 1 and writes.count("COMMIT") == 1
    body = statements[statements.index("BEGIN IMMEDIATE"):statements.index("COMMIT")]
    assert any(s.startswith("INSERT INTO choices") for s in body)
    assert any("status = 'completed'" in s for s in body)  # so no kill can land between them
    assert store.attempt(attempt.attempt_id).status == "completed"
    store.close()


class FullDiskAtFinish:
    """The app's real connection, except that writing the attempt's result finds the disk full."""

    def __init__(self, conn):
        self.conn, self.armed = conn, True

    def __getattr__(self, name):
        return getattr(self.conn, name)

    def execute(self, sql, params=()):
        if self.armed and "status = 'completed'" in sql:
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, params)


async def test_failure_at_the_finish_saves_neither_and_the_screen_stays_usable(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_timed_node(pilot, None)
        fault = FullDiskAtFinish(app.store._db.conn)
        app.store._db.conn = fault
        await pilot.press("2")  # offer the route: the last choice, which would finish the attempt
        assert isinstance(app.screen, PlayScreen) and app.screen.session.state == "not-on-file"
        message = str(list(app._notifications)[-1].message)
        assert "Could not save that choice: the disk holding the progress database is full" in message
        assert "nothing was saved for this step" in message
        assert app.screen.query_one("#choices", OptionList).display
        assert stored(tmp_path, "SELECT status, choices, finished_at FROM attempts") == [("in-progress", 2, None)]
        assert stored(tmp_path, "SELECT count(*) FROM choices") == [(2,)]
        assert stored(tmp_path, "SELECT count(*) FROM attempt_skills") == [(0,)]
        fault.armed = False  # room again: the same choice now saves, and finishes
        await pilot.press("2")
        assert isinstance(app.screen, DebriefScreen) and "PASSED" in text_of(app, "#verdict")
    assert stored(tmp_path, "SELECT status, choices, passed FROM attempts") == [("completed", 3, 1)]


async def test_resuming_an_attempt_whose_choices_reach_an_ending_finishes_it(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    scenario = spouse(tmp_path)
    attempt = RecordedAttempt.start(store, store.trainee("Robin Test"), scenario, "practice")
    session = attempt.session
    for seq, choice in enumerate(["warm-opening", "check-authorisation", "offer-route"], 1):
        # as an older version left it when killed between the last choice and the finish
        store.record_choice(attempt.attempt_id, scenario.id, seq, session.choose(choice))
    assert store.attempt(attempt.attempt_id).status == "in-progress"
    store.close()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen) and "PASSED ✓" in text_of(app, "#verdict")
    assert stored(tmp_path, "SELECT status, passed FROM attempts") == [("completed", 1)]


# --- one window per attempt --------------------------------------------------------------------------------

def test_a_second_window_takes_over_and_transcripts_never_interleave(tmp_path):
    db, scenario = tmp_path / "progress.db", spouse(tmp_path)
    first_store, second_store = Store.open(db), Store.open(db)
    first = RecordedAttempt.start(first_store, first_store.trainee("Kim"), scenario, "assessment")
    first.choose("warm-opening")
    second = RecordedAttempt.resume(second_store, first.attempt_id, scenario)
    with pytest.raises(AttemptElsewhere, match="open in another window"):
        first.choose("read-results")
    assert len(first.session.transcript) == 1  # not saved, so not made
    second.choose("check-authorisation")
    second.choose("offer-route")
    rows = second_store._db.execute("SELECT seq, choice_id FROM choices ORDER BY seq").fetchall()
    assert rows == [(1, "warm-opening"), (2, "check-authorisation"), (3, "offer-route")]
    assert second_store.attempt(first.attempt_id).status == "completed"
    first_store.close()
    second_store.close()


async def test_the_window_that_lost_its_attempt_is_told_and_saves_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("m", "enter", "y", "1")
        attempt_id = app.screen.attempt.attempt_id
        other = Store.open(tmp_path / "progress.db")
        RecordedAttempt.resume(other, attempt_id, spouse(tmp_path))  # another window resumes it
        other.close()
        await pilot.press("1")
        assert isinstance(app.screen, CatalogueScreen)
        assert "open in another window" in str(list(app._notifications)[-1].message)
    assert stored(tmp_path, "SELECT seq, choice_id FROM choices") == [(1, "warm-opening")]


# --- practice and assessment kept apart ---------------------------------------------------------------------

@pytest.fixture
def mixed_db(tmp_path):
    """One trainee: a perfect practice run, a failed assessment, an assessment left half-done and an
    abandoned practice attempt."""
    store = Store.open(tmp_path / "progress.db")
    scenario, pat = spouse(tmp_path), store.trainee("Robin Test")
    for mode, choices, abandon in (("practice", ["warm-opening", "check-authorisation", "offer-route"], False),
                                   ("assessment", ["confirm-patient", "read-results"], False),
                                   ("assessment", ["warm-opening"], False),
                                   ("practice", ["warm-opening", "check-authorisation"], True)):
        attempt = RecordedAttempt.start(store, pat, scenario, mode)
        for choice in choices:
            attempt.choose(choice)
        if abandon:
            attempt.abandon()
    store.close()
    return tmp_path / "progress.db"


def test_report_never_averages_practice_into_assessment(runner, mixed_db, tmp_path):
    def report(*args):
        result = runner.invoke(cli, ["--db", str(mixed_db), "report", *args])
        assert result.exit_code == 0, result.output
        return result.output

    data = json.loads(report("--format", "json"))
    rows = {t["mode"]: t for t in data["trainees"]}
    assert (rows["assessment"]["attempts"], rows["assessment"]["completed"], rows["assessment"]["pass_rate"],
            rows["assessment"]["average"]) == (2, 1, 0.0, 0.0)
    assert (rows["practice"]["attempts"], rows["practice"]["completed"], rows["practice"]["pass_rate"],
            rows["practice"]["average"]) == (2, 1, 100.0, 100.0)
    assert rows["assessment"]["skills"]["privacy"]["average"] == 0.0
    assert rows["practice"]["skills"]["privacy"]["average"] == 100.0
    items = {s["mode"]: {i["choice_id"]: i["picks"] for i in s["items"]} for s in data["scenarios"]}
    assert items == {"assessment": {"confirm-patient": 1, "read-results": 1},
                     "practice": {"warm-opening": 1, "check-authorisation": 1, "offer-route": 1}}
    only = json.loads(report("--format", "json", "--mode", "practice", "--since", "2000-01-01"))
    assert [(t["mode"], t["average"]) for t in only["trainees"]] == [("practice", 100.0)]
    assert [s["mode"] for s in only["scenarios"]] == ["practice"]
    table = list(csv.DictReader(io.StringIO(report("--format", "csv"))))
    assert sorted((r["mode"], r["average"]) for r in table) == [("assessment", "0.0"), ("practice", "100.0")]
    text = report()
    assert "Robin Test · assessment: 2 attempts, 1 completed, pass rate 0%, average 0%" in text
    assert "Robin Test · practice: 2 attempts, 1 completed, pass rate 100%, average 100%" in text
    page = report("--format", "html")
    assert "<td>Robin Test</td><td>assessment</td>" in page and "<td>Robin Test</td><td>practice</td>" in page


async def test_my_progress_and_catalogue_keep_the_modes_apart(tmp_path, mixed_db):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one(DataTable).get_row("spouse-call")[4]) == "in progress"
        await pilot.press("p")
        summary = text_of(app, "#progress-summary")
        assert "Assessment: 2 started · 1 completed · 0 passed · pass rate 0%" in summary
        assert "Practice: 2 started · 1 completed · 1 passed · pass rate 100%" in summary
        assert "privacy 0%" in summary and "privacy 100%" in summary


async def test_review_shows_one_mode_at_a_time(tmp_path, mixed_db):
    from trainer.launch import create_review_app
    from trainer.progress import passphrase

    store = Store.open(mixed_db)
    passphrase.set_passphrase(store, "correct horse battery")
    app = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"correct horse battery", "enter")
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)[:4]] == ["Robin Test", "2", "0%", "0%"]
        assert "assessment only" in str(app.screen.query_one("#trainees-status", Static).render())
        await pilot.press("m")
        assert [str(c) for c in table.get_row_at(0)[:4]] == ["Robin Test", "2", "100%", "100%"]
    store.close()


async def test_practice_debrief_shows_the_stronger_choice(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        await pilot.press("enter", "2", "enter", "2", "enter")
        assert isinstance(app.screen, DebriefScreen)
        assert "Stronger here" in text_of(app, "#annotated")


async def test_the_brief_says_when_an_unfinished_attempt_may_be_open_in_another_window(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    elsewhere = RecordedAttempt.start(store, store.trainee("Robin Test"), spouse(tmp_path), "practice")
    elsewhere.choose("warm-opening")  # another window, still on the attempt
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_spouse_call(pilot)
        assert "may be open in another window" in text_of(app, "#brief-resume")
        await pilot.press("r", "escape")  # taken over here, then left: nobody holds it now
        await open_spouse_call(pilot)
        note = text_of(app, "#brief-resume")
        assert "unfinished practice attempt" in note and "another window" not in note
    with pytest.raises(AttemptElsewhere):
        elsewhere.choose("check-authorisation")
    store.close()


def test_a_pinned_node_keeps_file_order_in_every_attempt(write):
    from tests.conftest import doc_example
    from trainer.play.engine import compiled_for

    text = doc_example()
    pinned = load_scenario(write(text.replace("  opening:\n", "  opening:\n    shuffle: false\n", 1), "pinned.yaml"))
    free = load_scenario(write(text, "free.yaml"))
    assert [c.id for c in compiled_for(free).start(seed=0).options()] == ["confirm-patient", "warm-opening"]
    assert [c.id for c in compiled_for(pinned).start(seed=0).options()] == ["warm-opening", "confirm-patient"]
    for seed in range(20):
        assert [c.id for c in compiled_for(pinned).start(seed=seed).options()] == ["warm-opening", "confirm-patient"]
