"""My progress (issue #22): "k My passphrase" only where there is a passphrase, and a lone score is drawn
as tall as it is on the 0-100% scale, not as a full bar."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui_helpers import make_app
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store
from trainer.scenario.loader import load_scenario
from tests.conftest import FIXTURES

SIZE = (80, 24)


def footer_text(app) -> str:
    return " ".join(f"{k.key_display} {k.description}" for k in app.screen.query("FooterKey"))


async def test_no_passphrase_key_on_a_personal_database(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert "My progress" in str(app.screen.query_one(".screen-title", Static).render())
        assert "passphrase" not in footer_text(app)
        await pilot.press("k")
        assert app.screen.__class__.__name__ == "ProgressScreen"  # nothing opened
        await pilot.press("question_mark")
        assert "passphrase" not in " ".join(str(s.render()) for s in app.screen.query(Static))


async def test_one_score_is_not_a_full_bar(tmp_path):
    store = Store.open(tmp_path / "progress.db")
    attempt = RecordedAttempt.start(store, store.trainee("Robin Test"), load_scenario(FIXTURES / "minimal.yaml"),
                                    "practice")
    for pick in ("wait", "recover"):
        attempt.choose(pick)
    score = store.attempt(attempt.attempt_id).overall
    store.close()
    assert 0 < score < 90
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        region = app.screen.query_one("#trend").region  # what is drawn there, whatever draws it
        strips = app.screen._compositor.render_strips()[region.y:region.bottom]
        trend = "\n".join(strip.text[region.x:region.right] for strip in strips)
        assert "█" not in trend and f"latest {score:.0f}%" in trend
        assert trend.strip()[0] in "▁▂▃▄▅▆▇"
