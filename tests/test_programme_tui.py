"""The programme in the trainee app (Pilot): "Assigned to you" opens the catalogue with the due date,
overdue in the theme's error colour and attempts left; supervisor notes and sign-off reach the trainee in
My progress, and a past debrief reopens from there."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import DataTable, Static

from tests.site_helpers import BOSS, BOSS_PASS, IRI, SAM, SAM_PASS
from tests.test_signin import sign_in
from tests.tui_helpers import FakeClock, scenario_folder
from trainer.launch import create_app
from trainer.play.recording import RecordedAttempt
from trainer.progress import accounts, audit, programme
from trainer.progress.store import Store
from trainer.scenario.library import load_library
from trainer.tui.screens.brief import BriefScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.progress import ProgressScreen

SIZE = (100, 30)
CLOCK = 1_700_000_000.0  # 14 Nov 2023
TODAY = date.fromtimestamp(CLOCK)


@pytest.fixture
def site_db(tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    folder = scenario_folder(tmp_path)
    store = Store.open(db)
    accounts.init_site(store, BOSS, IRI, [folder], BOSS_PASS)
    accounts.add_account(store, SAM, "trainee", SAM_PASS, BOSS, groups=["Front desk"])
    store.close()
    return db, load_library([folder], include_bundled=False)


def cell(table: DataTable, key: str, column: int):
    return table.get_row(key)[column]


async def test_assigned_to_you_comes_first_with_overdue_in_the_error_colour(site_db):
    db, library = site_db
    store = Store.open(db)
    programme.assign(store, [("spouse-call", None)], BOSS, TODAY - timedelta(days=3), group="Front desk",
                     max_attempts=2)
    store.close()
    app = create_app(db=db, bundled=False, clock=FakeClock(CLOCK))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SAM, SAM_PASS)
        await pilot.pause()
        assigned = app.screen.query_one("#assigned", DataTable)
        rest = app.screen.query_one("#catalogue", DataTable)
        assert list(assigned.rows) and [k.value for k in assigned.rows] == ["spouse-call"]
        assert "spouse-call" not in [k.value for k in rest.rows] and rest.row_count == len(library.scenarios) - 1
        due = cell(assigned, "spouse-call", 1)
        assert "3 days late" in due.plain and due.style == app.theme_variables["text-error"]
        assert cell(assigned, "spouse-call", 2).plain == "overdue" and cell(assigned, "spouse-call", 3).plain == "2"
        assert "Assigned to you" in "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert app.focused is assigned
        await pilot.press("down")
        assert app.focused is rest  # the arrows walk on into everything else, and back
        await pilot.press("up")
        assert app.focused is assigned
        await pilot.press("enter")
        assert isinstance(app.screen, BriefScreen) and app.screen.mode == "assessment"


async def test_a_supervisors_note_and_sign_off_reach_the_trainee_and_the_debrief_reopens(site_db):
    db, library = site_db
    store = Store.open(db)
    attempt = RecordedAttempt.start(store, store.find_trainee(SAM), library.get("move-appointment"), "assessment",
                                    clock=FakeClock(CLOCK))
    attempt.choose("help")
    assert attempt.session.finished
    audit.add_note(store, attempt.attempt_id, BOSS, "Good offer of the earlier slot; confirm the date back next time.")
    audit.sign_off(store, attempt.attempt_id, BOSS)
    store.close()
    app = create_app(db=db, bundled=False, clock=FakeClock(CLOCK))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, SAM, SAM_PASS)
        await pilot.press("p")
        assert isinstance(app.screen, ProgressScreen)
        table = app.screen.query_one("#attempts", DataTable)
        assert "✓ signed · 1 note" in cell(table, attempt.attempt_id, 6).plain
        await pilot.pause()
        detail = str(app.screen.query_one("#attempt-detail", Static).render())
        assert f"Signed off by {BOSS}" in detail and "confirm the date back next time" in detail
        await pilot.press("enter")
        assert isinstance(app.screen, DebriefScreen)
        said = str(app.screen.query_one("#debrief-supervisor", Static).render())
        assert "From your supervisor" in said and f"Signed off by {BOSS}" in said and "earlier slot" in said
        depth = len(app.screen_stack)
        await pilot.press("p")  # back to My progress, not a second copy of it
        assert isinstance(app.screen, ProgressScreen) and len(app.screen_stack) == depth - 1
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, ProgressScreen) and len(app.screen_stack) == depth - 1


async def test_a_supervisor_assigns_from_the_review_filters_the_grid_and_waives_retraining(site_db):
    from trainer.review.programme import AssignScreen, CompletionScreen
    from tests.site_helpers import ANA, ANA_PASS

    db, library = site_db
    store = Store.open(db)
    accounts.add_account(store, ANA, "trainee", ANA_PASS, BOSS, groups=["Call centre"])
    store.close()
    app = create_app(db=db, bundled=False, clock=FakeClock(CLOCK))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, BOSS, BOSS_PASS)
        await pilot.press("a")
        assert isinstance(app.screen, CompletionScreen) and app.screen.query_one(DataTable).row_count == 0
        await pilot.press("n")
        assert isinstance(app.screen, AssignScreen)
        await pilot.press(*"spouse-call, move-appointment", "enter", "enter", *"Front desk", "enter",
                          *"2020-01-01", "enter", "enter", "2", "enter", "enter")
        assert isinstance(app.screen, AssignScreen)  # refused, with the reason, nothing written
        assert "2020-01-01 is in the past" in str(app.screen.query_one("#assign-message", Static).render())
        due = app.screen.query_one("#assign-due")
        due.value = (TODAY + timedelta(days=10)).isoformat()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, CompletionScreen)
        grid = app.screen.query_one(DataTable)
        assert grid.row_count == 2
        store = Store.open(db)
        assert [(e["actor"], e["subject"]) for e in audit.entries(store, "assign")] == \
            [(BOSS, "spouse-call"), (BOSS, "move-appointment")]
        await pilot.press("g")  # groups in name order: Call centre first (nobody assigned there)
        assert app.screen.group == "Call centre" and grid.row_count == 0
        await pilot.press("g", "s")
        assert (app.screen.group, app.screen.status, grid.row_count) == ("Front desk", "not-started", 2)
        await pilot.press("s")
        assert grid.row_count == 0
        # Sam passed move-appointment on an older version: retraining is due, and the supervisor waives it
        attempt = RecordedAttempt.start(store, store.find_trainee(SAM), library.get("move-appointment"),
                                        "assessment")  # real time: after the assignment was made
        attempt.choose("help")
        with store.write():
            store._db.execute("UPDATE attempts SET scenario_version = 0 WHERE id = ?", [attempt.attempt_id])
        for _ in range(4):  # passed, failed, overdue, retraining-due
            await pilot.press("s")
        assert app.screen.status == "retraining-due" and grid.row_count == 1
        await pilot.press("w", "y")
        assert grid.row_count == 0  # no longer retraining-due
        entry = audit.entries(store, "waive-retraining")[0]
        assert (entry["actor"], entry["subject"], entry["detail"]["trainee"]) == (BOSS, "move-appointment", SAM)
