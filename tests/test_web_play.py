"""The HTML app in Debian's Chromium against a real `trainer serve`: a trainee plays a scenario to the debrief
by mouse and by keyboard only, resumes after closing the tab mid-scenario, and two trainees play at once;
every step is checked in the database, where the choices are committed as they are made."""

from __future__ import annotations

import re

from tests.browser_helpers import needs_chromium
from tests.site_helpers import ANA, ANA_PASS, SAM, SAM_PASS
from tests.web_helpers import (browser, choices_of, is_debrief, live_text, play_to_debrief, server,  # noqa: F401
                               sign_in, trainee_attempts, wait_for, web_db)

pytestmark = needs_chromium


def test_a_trainee_plays_to_the_debrief_with_the_mouse(browser, server, web_db):
    page = browser.new_page()
    sign_in(page, server.base, SAM, SAM_PASS)
    assert page.get_by_role("heading", name="Next for you").count() == 1
    page.get_by_role("link", name="Minimal", exact=True).first.click()
    page.get_by_role("button", name="Start", exact=True).click()
    assert "Hello, I need to move my appointment." in live_text(page)
    group = page.get_by_role("group", name="What do you say?")
    assert [b.inner_text() for b in group.get_by_role("button").all()] != []
    assert sorted(b.inner_text() for b in group.get_by_role("button").all()) == ["Hold on.", "Of course, let me help."]
    [(attempt_id, status, made)] = trainee_attempts(web_db, SAM)
    assert (status, made) == ("in-progress", 0)
    page.get_by_role("button", name="Hold on.", exact=True).click()  # committed before the coaching shows
    assert choices_of(web_db, attempt_id) == [(1, "wait", 0, 0)]
    assert page.get_by_role("heading", name="Coaching").count() == 1 and "Vague." in page.content()
    assert page.get_by_role("group", name="What do you say?").count() == 0  # coaching first, then Continue
    assert "OK..." not in live_text(page)  # the next step's line waits for Continue, as in the terminal
    page.get_by_role("button", name="Continue", exact=True).click()
    assert "OK..." in live_text(page)
    page.get_by_role("button", name="Sorry, I can do Tuesday at 10.", exact=True).click()
    page.get_by_role("button", name="Continue", exact=True).click()
    assert is_debrief(page)
    assert "Outcome: resolved" in page.locator("main").inner_text()
    assert trainee_attempts(web_db, SAM) == [(attempt_id, "completed", 2)]
    assert [c[1] for c in choices_of(web_db, attempt_id)] == ["wait", "recover"]
    page.reload()  # the debrief can be read again; nothing more is written
    assert is_debrief(page) and trainee_attempts(web_db, SAM) == [(attempt_id, "completed", 2)]


def _tab_to(page, wanted: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text (or label) is `wanted`; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement; if (!e) return ['', ''];
            const s = getComputedStyle(e); const text = e.labels && e.labels.length ? e.labels[0].innerText : (e.innerText || e.value || '');
            return [text.trim(), s.outlineStyle + ' ' + s.outlineWidth]; }""")
        if focused[0] == wanted:
            assert not focused[1].startswith("none"), f"no visible focus on {wanted!r}: {focused[1]}"
            return
    raise AssertionError(f"Tab never reached {wanted!r}")


def test_the_whole_flow_works_from_the_keyboard_and_focus_follows_the_newest_line(browser, server, web_db):
    page = browser.new_page()
    page.goto(server.base + "/")  # redirected to the sign-in, its name box focused
    # autofocus is applied at the browser's next rendering step, which can come after "load" on a busy
    # machine: wait for it (as a person waits to see the cursor) rather than type into nothing
    page.wait_for_function("document.activeElement && document.activeElement.name === 'name'")
    page.keyboard.type(ANA)
    page.keyboard.press("Tab")
    page.keyboard.type(ANA_PASS)
    page.keyboard.press("Enter")
    page.wait_for_url(server.base + "/")
    _tab_to(page, "Minimal")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/s/"))
    _tab_to(page, "Practice (coaching after every choice, undo allowed)")  # the radio group: its checked one
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Assessment").is_checked()
    _tab_to(page, "Start")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"confirm=1"))  # an assessment is recorded: asked once before it starts
    _tab_to(page, "Start the assessment")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/a/[0-9a-f]+"))
    assert page.evaluate("document.activeElement.id") == "now"  # the newest line has the focus
    _tab_to(page, "Hold on.")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'now'")
    assert page.evaluate("document.activeElement.innerText").strip().endswith("OK...")  # the reply just said
    _tab_to(page, "Sorry, I can do Tuesday at 10.")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/debrief$"))
    assert is_debrief(page)
    [(attempt_id, status, made)] = trainee_attempts(web_db, ANA)
    assert (status, made) == ("completed", 2)
    assert "Stronger here" not in page.content()  # an assessment debrief never gives the answers away


def test_closing_the_tab_mid_scenario_loses_nothing_and_the_brief_resumes_it(browser, server, web_db):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.base, SAM, SAM_PASS)
    page.get_by_role("link", name="Minimal", exact=True).first.click()
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("button", name="Hold on.", exact=True).click()
    [(attempt_id, _, _)] = trainee_attempts(web_db, SAM)
    page.close()  # mid-scenario, with the coaching on screen
    page = context.new_page()
    page.goto(server.base + "/")
    assert page.locator(".notice").filter(has_text="unfinished attempt").count() == 1
    page.get_by_role("link", name="Minimal", exact=True).first.click()
    page.get_by_role("button", name="Resume", exact=True).click()
    assert page.url.startswith(f"{server.base}/a/{attempt_id}")
    assert "Hold on." in live_text(page) and "OK..." in live_text(page)  # the conversation so far
    play_to_debrief(page)
    assert trainee_attempts(web_db, SAM) == [(attempt_id, "completed", 2)]  # the same attempt, finished
    context.close()


def test_two_trainees_play_at_once_each_on_their_own_attempt(browser, server, web_db):
    sam_context, ana_context = browser.new_context(), browser.new_context()
    sam, ana = sam_context.new_page(), ana_context.new_page()
    sign_in(sam, server.base, SAM, SAM_PASS)
    sign_in(ana, server.base, ANA, ANA_PASS)
    for page in (sam, ana):
        page.get_by_role("link", name="Minimal", exact=True).first.click()
        page.get_by_role("button", name="Start", exact=True).click()
    sam.get_by_role("button", name="Hold on.", exact=True).click()
    ana.get_by_role("button", name="Of course, let me help.", exact=True).click()
    sam.get_by_role("button", name="Continue", exact=True).click()
    sam.get_by_role("button", name="Your neighbour has Tuesday at 10.", exact=True).click()
    ana.get_by_role("button", name="Continue", exact=True).click()
    sam.get_by_role("button", name="Continue", exact=True).click()
    assert is_debrief(sam) and is_debrief(ana)
    assert "NOT PASSED" in sam.content() and "Shared another patient" in sam.content()
    [(sam_attempt, sam_status, sam_made)] = trainee_attempts(web_db, SAM)
    [(ana_attempt, ana_status, ana_made)] = trainee_attempts(web_db, ANA)
    assert (sam_status, sam_made, ana_status, ana_made) == ("completed", 2, "completed", 1)
    assert [c[1] for c in choices_of(web_db, sam_attempt)] == ["wait", "leak"]
    assert [c[1] for c in choices_of(web_db, ana_attempt)] == ["help"]
    # one trainee can never open the other's attempt
    response = ana.goto(f"{server.base}/a/{sam_attempt}/debrief")
    assert response.status == 404
    sam_context.close()
    ana_context.close()


def test_a_timed_moment_counts_down_is_announced_and_runs_out_into_its_timeout_branch(browser, server, web_db):
    page = browser.new_page()
    sign_in(page, server.base, SAM, SAM_PASS)
    page.goto(server.base + "/s/quick")
    page.get_by_role("button", name="Start", exact=True).click()
    assert page.get_by_role("timer").inner_text().endswith("s left")
    assert page.locator("#countdown-announce").inner_text().endswith("s left")  # said once at the start
    # the page's script reloads it at zero; the server, which keeps the deadline, then takes the timeout
    page.get_by_role("heading", name="Coaching").wait_for(timeout=20_000)
    assert "Time ran out." in page.locator("main").inner_text()
    [(attempt_id, status, made)] = trainee_attempts(web_db, SAM)
    assert (status, made) == ("completed", 1) and choices_of(web_db, attempt_id) == [(1, "timeout", 0, 1)]
