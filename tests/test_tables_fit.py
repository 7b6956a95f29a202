"""Tables fit the window: at 80 columns a long title wraps onto a second line of its row instead of being
cut; after a resize the table is fitted again (wider: one line; narrower: wrapped); a cut category ends
with "…" instead of stopping mid-word."""

from __future__ import annotations

from tests.test_tui_output_safety import screen_text
from tests.tui_helpers import FakeClock
from trainer.i18n import set_language
from trainer.launch import create_app
from trainer.tui.screens.catalogue import CatalogueScreen
from trainer.tui.screens.progress import ProgressScreen

LONG = "The out-of-network anesthesia bill she can't pay"


def _app(tmp_path):
    return create_app(db=tmp_path / "p.db", trainee="Robin Test", clock=FakeClock(), order_seed=lambda: None)


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_catalogue_titles_wrap_at_80_columns_and_reflow_after_a_resize(tmp_path):
    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogueScreen)
        table = app.screen.query_one("#catalogue")
        key = next(k for k, s in app.library.summaries.items() if s.title == LONG)
        assert table.rows[key].height >= 2  # the title wraps ...
        await pilot.press("slash", *"anesthesia", "enter")
        await pilot.pause()
        narrow = table.columns["title"].width
        column = [line[:narrow + 3].strip() for line in screen_text(app).splitlines()]
        assert LONG in _flat(" ".join(column))  # ... and shows whole, not cut
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        wide = table.columns["title"].width
        assert wide > narrow + 20
        assert table.rows[key].height == 1 or LONG + " · also in" not in LONG
        assert LONG in screen_text(app)  # on one line now
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert table.columns["title"].width == narrow and table.rows[key].height >= 2


async def test_a_cut_category_ends_with_an_ellipsis(tmp_path, monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    try:
        app = _app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("slash", *"sala de espera", "enter")
            await pilot.pause()
            text = screen_text(app)
            assert "paciente moles…" in text
            assert "paciente molest " not in text
    finally:
        set_language(None)


async def test_my_progress_fits_80_columns_with_the_title_wrapped(tmp_path):
    from trainer.play.recording import RecordedAttempt

    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scenario = next(s for s in app.library.summaries.values() if s.title == LONG)
        RecordedAttempt.start(app.store, app.trainee, app.library.get(scenario.id), "practice", clock=FakeClock())
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        table = app.screen.query_one("#attempts")
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scrolling
        assert "Result" in screen_text(app)
        assert "The out-of-network" in screen_text(app) and "can't pay" in screen_text(app)
        assert "Supervisor" not in screen_text(app)
        await pilot.resize_terminal(120, 40)  # room for every column again, the title on one line
        await pilot.pause()
        await pilot.pause()
        assert "Supervisor" in screen_text(app) and LONG in screen_text(app)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_a_trainees_attempts_in_the_review_fit_80_columns(tmp_path):
    """The supervisor's list of one trainee's attempts: nothing scrolls sideways at 80 columns, and the
    Signed off column comes back when there is room."""
    from trainer.review.screens import AttemptsScreen

    app = _app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scenario = next(s for s in app.library.summaries.values() if s.title == LONG)
        from trainer.play.recording import RecordedAttempt

        RecordedAttempt.start(app.store, app.trainee, app.library.get(scenario.id), "practice", clock=FakeClock())
        trainee_id = app.trainee.id
        app.push_screen(AttemptsScreen(trainee_id))  # as the review opens it, in the same Textual app
        await pilot.pause()
        table = app.screen.query_one("#attempts")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert "Signed off" not in screen_text(app) and "can't pay" in screen_text(app)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert "Signed off" in screen_text(app)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_item_analysis_shows_each_choice_whole_at_80_columns(tmp_path):
    from tests.tui_helpers import make_app
    from trainer.play.recording import RecordedAttempt
    from trainer.review.views import ItemsScreen

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scenario = app.library.get("spouse-call")
        attempt = RecordedAttempt.start(app.store, app.trainee, scenario, "assessment", clock=FakeClock())
        picked = []
        while not attempt.session.finished:
            choice = attempt.session.options()[-1]
            picked.append(" ".join(choice.text.split()))
            attempt.choose(choice.id)
        app.push_screen(ItemsScreen("spouse-call", "assessment"))
        await pilot.pause()
        table = app.screen.query_one("#items")
        assert table.virtual_size.width <= table.scrollable_content_region.width
        width = table.columns["choice"].width
        start = sum(c.get_render_width(table) for k, c in table.columns.items() if k.value == "step") + 1
        column = " ".join(line[start:start + width + 2].strip() for line in screen_text(app).splitlines())
        for text in picked:
            assert text in _flat(column).replace("CRITICAL ", ""), text
