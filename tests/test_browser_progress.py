"""My progress, the accessibility statement and the session-expiry warning in a real browser (Debian's
Chromium through Playwright, against `trainer serve`), with axe-core on each page in English and Spanish.
Screenshots land in tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.browser_helpers import ARTIFACTS, needs_chromium
from tests.browser_helpers import browser, serve  # noqa: F401 (fixtures: Chromium; servers on this module's site_db)
from tests.site_helpers import BOSS, SAM, SAM_PASS, make_site
from tests.tui_helpers import scenario_folder

pytestmark = needs_chromium


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    """A site where Sam has a finished practice attempt with a supervisor's note and sign-off, so My progress
    shows its table, its notes and its summary (what axe must check too)."""
    from tests.test_web_progress import play_to_the_end
    from trainer.progress import audit
    from trainer.progress.store import Store

    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path, [scenario_folder(tmp_path)])
    store = Store.open(path)
    try:
        done = play_to_the_end(store, tmp_path, SAM)
        audit.add_note(store, done, BOSS, "Good verification.")
        audit.sign_off(store, done, BOSS)
    finally:
        store.close()
    return path


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                              "wcag21aa", "best-practice"]}})
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Name").fill(SAM)
    page.get_by_label("Passphrase").fill(SAM_PASS)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_my_progress_and_the_statement_pass_axe_in_english_and_spanish(serve, browser):
    server = serve()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    sign_in(page, server.base)
    page.get_by_role("link", name="My progress").click()
    page.wait_for_url(f"{server.base}/progress")
    assert page.locator("h1").inner_text() == "My progress"
    assert page.get_by_role("table").count() == 1 and "Good verification." in page.inner_text("main")
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "web-progress-1280.png"), full_page=True)
    page.get_by_role("combobox", name="Language").select_option("es")
    page.get_by_role("button", name="Save language").click()
    page.wait_for_url(f"{server.base}/progress?done=language#language")
    assert page.locator("html").get_attribute("lang") == "es"
    assert violations(page) == []
    page.goto(f"{server.base}/accessibility")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("table tbody tr").count() == 50
    assert violations(page) == []
    context.close()
    for width, height, zoom in ((390, 844, 1), (640, 400, 2)):  # a phone; 1280x800 at 200%
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=zoom,
                                      locale="en-US")
        page = context.new_page()
        page.goto(f"{server.base}/accessibility")
        assert page.locator("html").get_attribute("lang") == "en"
        assert violations(page) == [] and no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"web-accessibility-{width}.png"))
        sign_in(page, server.base)
        page.goto(f"{server.base}/progress")
        assert no_sideways_scroll(page)
        context.close()


def test_the_session_warning_is_announced_and_stay_signed_in_keeps_the_page(serve, browser):
    server = serve("--idle-minutes", "1.5")  # under the two-minute warning: it is due at once
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    sign_in(page, server.base)
    page.goto(f"{server.base}/progress")
    live = page.locator("#session-expiry-live")
    live.wait_for(state="attached")
    page.wait_for_function("document.getElementById('session-expiry-live').textContent.length > 0")
    assert "Your session is about to end, at" in live.inner_text()
    assert "Your session is about to end, at" in page.locator("#session-expiry-text").inner_text()
    assert live.get_attribute("aria-live") == "assertive"
    assert page.evaluate("document.getElementById('main').firstElementChild.id") == "session-expiry"  # on top
    assert page.evaluate("document.activeElement.tagName") == "BODY"  # announced without moving the focus
    assert violations(page) == []
    page.screenshot(path=str(ARTIFACTS / "web-session-warning.png"))
    page.get_by_role("button", name="Stay signed in").click()
    page.wait_for_url(f"{server.base}/progress")
    assert page.locator("h1").inner_text() == "My progress"
    context.close()


def test_without_javascript_the_notice_and_the_button_are_plain_page_content(serve, browser):
    server = serve()
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    sign_in(page, server.base)
    page.goto(f"{server.base}/progress")
    assert "If you do nothing more, you will be signed out at" in page.locator("footer").inner_text()
    page.get_by_role("button", name="Stay signed in").click()
    page.wait_for_url(f"{server.base}/progress")
    context.close()
