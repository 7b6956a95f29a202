"""Both apps show names and scenario text with control characters escaped: whatever a scenario file or an
old database holds, nothing reaches the terminal as a raw escape sequence (Rich and Textual strip only
BEL, backspace, VT, FF and CR; ESC, C1 controls, DEL and bidi overrides would pass through)."""

from __future__ import annotations

import os
import re

import pytest
from textual.widgets import OptionList

from tests.conftest import FIXTURES
from tests.test_output_safety import HOSTILE, hostile_db, osc52_scenario  # noqa: F401 - fixture
from tests.tui_helpers import FakeClock, scenario_folder
from trainer.launch import create_app, create_review_app
from trainer.progress import passphrase
from trainer.progress.store import Store
from trainer.review.screens import AttemptsScreen, ScenariosScreen, TechniquesScreen, TraineesScreen, TranscriptScreen
from trainer.tui.screens.debrief import DebriefScreen
from trainer.tui.screens.play import PlayScreen

SIZE = (80, 24)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def screen_text(app) -> str:
    """Every character the terminal would be sent for the current screen (styles aside)."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


def assert_clean(app) -> str:
    text = screen_text(app)
    assert not RAW_CONTROL.findall(text), (type(app.screen).__name__, RAW_CONTROL.findall(text))
    return text


async def test_a_scenario_with_osc52_plays_through_without_raw_escapes(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    osc52_scenario(folder)
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[folder], bundled=False, trainee="Robin Test",
                     clock=FakeClock(), order_seed=lambda: None)  # file order: the keys below pick by position
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Minimal\\x1b[2J\\u202eevil" in assert_clean(app)
        await pilot.press("enter")  # the brief
        assert "Ana\\x1b[8m Ruiz" in assert_clean(app)
        await pilot.press("enter")  # start, practice
        assert isinstance(app.screen, PlayScreen)
        await pilot.pause()
        shown = assert_clean(app)
        assert "\\x1b]52;c;cm0gLXJmIH4=" in shown
        await pilot.press("2")  # "Hold on." then the leak, for feedback and a critical error
        assert_clean(app)
        await pilot.press("enter")
        assert "OK\\x1b]52;c;ZXZpbA==" in assert_clean(app)
        await pilot.press("2")
        assert "Shared\\x1b[1m another patient." in assert_clean(app)
        await pilot.press("enter")
        assert isinstance(app.screen, DebriefScreen)
        assert_clean(app)
        await pilot.press("r", "enter", "1")  # again, the other path: feedback with a bidi isolate
        assert "Good\\u2066 job" in assert_clean(app)


async def test_names_from_an_old_database_are_escaped_and_still_open_that_trainee(tmp_path):
    name = HOSTILE.split("\r")[0]  # (the store folds whitespace in names it looks up)
    store = Store.open(tmp_path / "progress.db")
    with store.write():
        store._db.execute("INSERT INTO trainees (name, created_at) VALUES (?, '2026-01-01')", [name])
    store.close()
    app = create_app(db=tmp_path / "progress.db", scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                     trainee=None, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Dana\\x1b]52" in assert_clean(app)
        app.screen.query_one(OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.trainee.name == name  # the stored name, not its escaped display
        assert_clean(app)
        await pilot.press("p")
        assert_clean(app)


@pytest.fixture
def hostile_review(tmp_path, hostile_db):  # noqa: F811 - the fixture imported above
    store = Store.open(hostile_db)
    passphrase.set_passphrase(store, "correct horse battery")
    with store.write():
        store._db.execute("UPDATE attempts SET signed_off_by = ?, signed_off_at = '2026-01-02'", ["Sam\x1b[2J"])
        store._db.execute("INSERT INTO notes (attempt_id, author, text, created_at) SELECT id, ?, ?, '2026-01-01'"
                          " FROM attempts", ["Sam\x9b", "note\x1b]52;c;eA==\x07"])
    yield store
    store.close()


async def test_the_review_app_shows_every_view_without_raw_escapes(tmp_path, hostile_review):
    app = create_review_app(store=hostile_review, scenario_dirs=[scenario_folder(tmp_path)], bundled=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"correct horse battery", "enter")
        assert isinstance(app.screen, TraineesScreen)
        assert "Dana\\x1b" in assert_clean(app)
        await pilot.press("enter")
        assert isinstance(app.screen, AttemptsScreen)
        assert_clean(app)
        await pilot.press("enter")
        assert isinstance(app.screen, TranscriptScreen)
        assert "I agree\\x1b]52" in assert_clean(app)
        await pilot.press("s")  # withdrawing the sign-off quotes the name stored with it
        assert "Withdraw the sign-off by Sam\\x1b[2J" in assert_clean(app)
        await pilot.press("n", "escape", "escape", "v")
        assert isinstance(app.screen, ScenariosScreen)
        assert_clean(app)
        await pilot.press("escape", "t")
        assert isinstance(app.screen, TechniquesScreen)
        assert_clean(app)



async def test_the_review_export_refuses_a_symlink_and_writes_owner_only(tmp_path, hostile_review):
    from textual.widgets import Input, Static

    secret = tmp_path / "keep.txt"
    secret.write_text("keep me\n")
    link = tmp_path / "export.csv"
    link.symlink_to(secret)
    app = create_review_app(store=hostile_review, scenario_dirs=[scenario_folder(tmp_path)], bundled=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"correct horse battery", "enter", "e")
        app.screen.query_one("#export-path", Input).value = str(link)
        app.screen.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        assert "symbolic link" in str(app.screen.query_one("#export-message", Static).render())
        fresh = tmp_path / "fresh.csv"
        app.screen.query_one("#export-path", Input).value = str(fresh)
        await pilot.press("enter")
        assert isinstance(app.screen, TraineesScreen)
    assert secret.read_text() == "keep me\n" and link.is_symlink()
    assert fresh.read_text().startswith("attempt_id,") and os.stat(fresh).st_mode & 0o777 == 0o600
    assert not RAW_CONTROL.search(fresh.read_text())
