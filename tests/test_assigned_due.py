"""'Assigned to you' (issue #22): the Due column holds dates only; "done" said there what the Status
column already says (✓ passed), in a column read for when something is due."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable

from tests.test_programme import finish
from tests.tui_helpers import FakeClock, make_app
from trainer.i18n import day_text
from trainer.progress import programme
from trainer.progress.store import Store

CLOCK = 1_700_000_000.0  # 14 Nov 2023
TODAY = date.fromtimestamp(CLOCK)


def assigned_store(tmp_path) -> None:
    store = Store.open(tmp_path / "progress.db")
    store.trainee("Robin Test")
    for sid, due in (("move-appointment", TODAY + timedelta(days=10)), ("spouse-call", TODAY - timedelta(days=3))):
        programme.assign(store, [(sid, None)], "Sam Supervisor", due, trainee="Robin Test")
    finish(store, "Robin Test", _minimal(tmp_path), True)
    store.close()


def _minimal(tmp_path):
    from tests.tui_helpers import scenario_folder
    from trainer.scenario.library import load_library

    return load_library([scenario_folder(tmp_path)], include_bundled=False).get("move-appointment")


async def test_a_passed_assignment_shows_its_due_date_not_done(tmp_path):
    assigned_store(tmp_path)
    app = make_app(tmp_path, clock=FakeClock(CLOCK))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#assigned", DataTable)
        due = {key.value: table.get_row(key)[1].plain for key in table.rows}
        status = {key.value: table.get_row(key)[2].plain for key in table.rows}
        assert status["move-appointment"] == "✓ passed"
        assert "done" not in due["move-appointment"]
        assert due["move-appointment"].startswith(day_text(TODAY + timedelta(days=10)))
        assert "3 days late" in due["spouse-call"]
