"""The app's own words, right in every language: the command palette in Spanish, plural forms that agree
with their number, one date format per language (Babel's), the product's name on the first screen, and a
screenshot that is saved (and says where) when ~/Downloads is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tui_output_safety import screen_text
from tests.tui_helpers import FakeClock, make_app
from trainer.i18n import day_text, moment_text, set_language

TEXTUAL_TITLES = {"Theme", "Quit", "Keys", "Maximize", "Minimize", "Screenshot"}


@pytest.fixture
def spanish(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    set_language(None)
    yield
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language(None)


async def test_the_command_palette_speaks_spanish(tmp_path, spanish):
    from textual.command import CommandInput, CommandPalette

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        helps = {c.help for c in app.get_system_commands(app.screen)}
        assert not titles & TEXTUAL_TITLES, titles
        assert "Captura de pantalla" in titles and "Salir" in titles
        assert "Quit the application as soon as possible" not in helps
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Buscar comandos…"


async def test_one_attempt_is_one_started_in_spanish(tmp_path, spanish):
    from trainer.play.recording import RecordedAttempt

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        RecordedAttempt.start(app.store, app.trainee, app.library.get("spouse-call"), "practice", clock=app.clock)
        await pilot.press("p")
        await pilot.pause()
        text = screen_text(app)
        assert "1 empezado · 0 terminados · 0 aprobados" in text
        assert "1 empezados" not in text
        assert day_text("2023-11-14") == "14 nov 2023"
        assert day_text(app.store.attempts_for(app.trainee)[0].started_at) in text  # the one format


def test_every_date_the_app_shows_uses_the_one_format_for_its_language(spanish):
    from datetime import date

    from trainer.reports.record import _day
    from trainer.tui.screens.assigned import due_words
    from trainer.tui.screens.brief import when

    stamp = "2026-12-05T10:42:00+00:00"
    assert when(stamp) == moment_text(stamp) and moment_text(stamp).startswith(day_text(stamp))
    assert _day(stamp) == day_text(stamp)
    row = {"due": "2026-12-24", "status": "not-started", "next_due": None}
    assert due_words(row, date(2026, 12, 5)).startswith("24 dic 2026")
    set_language("en")
    assert day_text("2026-12-24") == "Dec 24, 2026" and due_words(row, date(2026, 12, 5)).startswith("Dec 24, 2026")


async def test_the_first_screen_shows_the_products_name(tmp_path):
    for trainee in (None, "Robin Test"):  # the trainee picker, or straight to the catalogue
        app = make_app(tmp_path, trainee=trainee)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert screen_text(app).lstrip().startswith("trainer ·"), screen_text(app)[:200]


async def test_a_screenshot_is_saved_when_downloads_is_missing(tmp_path, monkeypatch):
    import platformdirs

    from trainer.ui.palette import save_screenshot

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: home / "Downloads")  # not there
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    app = make_app(tmp_path)
    shown = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append((message, kw)))
        save_screenshot(app)
    saved = list(home.glob("*.svg"))
    assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
    assert shown and str(saved[0]) in shown[0][0] and shown[0][1].get("severity") != "error"
