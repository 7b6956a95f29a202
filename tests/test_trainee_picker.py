"""The personal trainee picker: a typed name + Enter always opens that name (created if new); the list is
for choosing an existing name. The issue's repro: with a trainee listed, typing "Sam Rivera" used to
land in the list and open the first listed trainee."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from tests.tui_helpers import make_app
from trainer.progress.store import Store
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.trainee import TraineeScreen

SIZE = (80, 24)


def _with_trainees(tmp_path, *names):
    store = Store.open(tmp_path / "progress.db")
    for name in names:
        store.trainee(name)
    store.close()


async def test_typing_a_new_name_and_enter_opens_that_name_not_the_first_listed(tmp_path):
    _with_trainees(tmp_path, "Dana Whitfield", "Luis Ortega")
    app = make_app(tmp_path, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, TraineeScreen)
        await pilot.press(*"Sam Rivera", "enter")
        assert isinstance(app.screen, CatalogueScreen)
        assert app.trainee.name == "Sam Rivera"
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("spouse-call"))
        await pilot.press("enter", "enter", "1")   # brief, start, first choice: recorded now
    store = Store.open(tmp_path / "progress.db")
    owners = store._db.execute("SELECT t.name FROM attempts a JOIN trainees t ON t.id = a.trainee_id").fetchall()
    assert owners == [("Sam Rivera",)]
    assert [t.name for t in store.trainees()] == ["Dana Whitfield", "Luis Ortega", "Sam Rivera"]


async def test_typing_an_existing_name_in_any_case_opens_it(tmp_path):
    _with_trainees(tmp_path, "Dana Whitfield", "Luis Ortega")
    app = make_app(tmp_path, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"LUIS ortega", "enter")
        assert app.trainee.name == "Luis Ortega"
    assert len(Store.open(tmp_path / "progress.db").trainees()) == 2


async def test_the_list_chooses_an_existing_name_and_typing_there_goes_to_the_name_box(tmp_path):
    _with_trainees(tmp_path, "Dana Whitfield", "Luis Ortega")
    app = make_app(tmp_path, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")                       # into the list
        assert app.focused.id == "trainee-list"
        await pilot.press(*"Jo")                        # typing while the list has focus: not lost
        assert app.screen.query_one("#trainee-name", Input).value == "Jo"
        await pilot.press("down", "down", "enter")      # back to the list, second name
        assert isinstance(app.screen, CatalogueScreen) and app.trainee.name == "Luis Ortega"


async def test_empty_enter_and_a_bad_name_explain_and_stay(tmp_path):
    _with_trainees(tmp_path, "Dana Whitfield")
    app = make_app(tmp_path, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, TraineeScreen)
        app.screen.query_one("#trainee-name", Input).value = "Sam\u202eRivera"
        await pilot.press("enter")
        assert isinstance(app.screen, TraineeScreen)
        assert any("bidirectional" in str(n.message) for n in app._notifications)
    assert [t.name for t in Store.open(tmp_path / "progress.db").trainees()] == ["Dana Whitfield"]
