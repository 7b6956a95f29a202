"""My progress as an HTML page (issue #27): history, notes and sign-offs, the language setting and the
passphrase change, with the same domain calls as the terminal app; the session-expiry notice and its
"Stay signed in" form; the accessibility statement page."""

from __future__ import annotations

import re

import pytest

from tests.site_helpers import BOSS, SAM, SAM_PASS, make_site
from tests.tui_helpers import FakeClock, scenario_folder
from tests.web_html_helpers import client_for, post_form, sign_in
from trainer.play.recording import RecordedAttempt
from trainer.progress import accounts, audit, preferences
from trainer.progress.store import Store
from trainer.scenario.loader import load_scenario


@pytest.fixture
def site(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path, [scenario_folder(tmp_path)])
    return path


def play_to_the_end(store, tmp_path, name: str, mode: str = "practice") -> str:
    scenario = load_scenario(scenario_folder(tmp_path) / "spouse-call.yaml")
    attempt = RecordedAttempt.start(store, store.find_trainee(name), scenario, mode)
    for _ in range(20):  # the best answer each step (choice 1 loops on "explain again")
        session = attempt.session
        if session.finished:
            break
        attempt.choose(session.compiled.best_choice(session.state, session.flags, session.mood))
    assert attempt.session.finished
    attempt.release()
    attempt.close()
    return attempt.attempt_id


async def landing(client, response) -> str:
    """The page a form's 303 lands on."""
    assert response.status == 303, await response.text()
    return await (await client.get(response.headers["Location"])).text()


async def test_my_progress_needs_a_sign_in(site):
    client = await client_for(site)
    try:
        response = await client.get("/progress", allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/signin"
    finally:
        await client.close()


async def test_my_progress_shows_history_notes_and_sign_offs(site, tmp_path):
    store = Store.open(site)
    try:
        done = play_to_the_end(store, tmp_path, SAM)
        audit.add_note(store, done, BOSS, "Good verification; slow down on the apology.")
        audit.sign_off(store, done, BOSS)
    finally:
        store.close()
    client = await client_for(site)
    try:
        await sign_in(client, SAM, SAM_PASS)
        page = await (await client.get("/progress")).text()
        assert "<h1>My progress</h1>" in page
        assert "1 started · 1 completed" in page
        assert "Good verification; slow down on the apology." in page and BOSS in page
        assert f"Signed off by {BOSS}" in page and "1 note" in page
        assert f'href="/a/{done}/debrief"' in page  # the debrief reopens from here
        assert (await client.get(f"/a/{done}/debrief")).status == 200
    finally:
        await client.close()


async def test_the_language_setting_is_the_trainees_own_and_changes_the_pages(site):
    client = await client_for(site)
    try:
        await sign_in(client, SAM, SAM_PASS)
        response = await post_form(client, "/progress", "/progress/language", {"language": "es"})
        page = await landing(client, response)
        assert '<html lang="es">' in page and 'role="status"' in page
        store = Store.open(site)
        try:
            assert preferences.language_of(store, store.find_trainee(SAM)) == "es"
        finally:
            store.close()
        refused = await post_form(client, "/progress", "/progress/language", {"language": "xx"})
        assert refused.status == 400
        await post_form(client, "/progress", "/progress/language", {"language": ""})
        page = await (await client.get("/progress", headers={"Accept-Language": "en"})).text()
        assert '<html lang="en">' in page
    finally:
        await client.close()


async def test_changing_the_passphrase_checks_the_current_one_and_both_new_ones(site):
    new = "violet harbour lantern seven"
    client = await client_for(site)
    try:
        await sign_in(client, SAM, SAM_PASS)
        wrong = await post_form(client, "/progress", "/progress/passphrase",
                                {"current": "not my passphrase", "new": new, "again": new})
        assert "current passphrase is not right" in await landing(client, wrong)
        differ = await post_form(client, "/progress", "/progress/passphrase",
                                 {"current": SAM_PASS, "new": new, "again": new + "x"})
        assert "two new passphrases differ" in await landing(client, differ)
        weak = await post_form(client, "/progress", "/progress/passphrase",
                               {"current": SAM_PASS, "new": "password1234", "again": "password1234"})
        assert "too easy to guess" in (page := await landing(client, weak)) and 'role="alert"' in page
        done = await post_form(client, "/progress", "/progress/passphrase",
                               {"current": SAM_PASS, "new": new, "again": new})
        assert "Your passphrase is changed." in await landing(client, done)
        refused = await client.post("/progress/passphrase", data={"current": new, "new": SAM_PASS, "again": SAM_PASS},
                                    allow_redirects=False)
        assert refused.status == 403  # no CSRF token: nothing done
    finally:
        await client.close()
    store = Store.open(site)
    try:
        assert accounts.sign_in(store, SAM, new).name == SAM
        assert [e["subject"] for e in audit.entries(store, "change-own-passphrase")] == [SAM]
    finally:
        store.close()


async def test_the_session_warns_before_it_ends_and_stay_signed_in_extends_it(site):
    clock = FakeClock()
    client = await client_for(site, clock=clock, idle_seconds=20 * 60)
    try:
        await sign_in(client, SAM, SAM_PASS)
        page = await (await client.get("/progress")).text()
        assert "If you do nothing more, you will be signed out at" in page
        assert 'action="/session/extend"' in page and "Stay signed in" in page
        left = int(re.search(r'id="session-expiry" data-left="(\d+)" data-warn="(\d+)"', page).group(1))
        assert left == 20 * 60
        assert 'aria-live="assertive"' in page and "/assets/session.js" in page
        clock.advance(19 * 60)  # reading a long page: no request for 19 minutes
        extended = await post_form(client, "/progress", "/session/extend", {"back": "/progress#passphrase"})
        assert extended.status == 303 and extended.headers["Location"] == "/progress#passphrase"
        clock.advance(19 * 60)
        still = await client.get("/progress", allow_redirects=False)
        assert still.status == 200
        clock.advance(21 * 60)  # no request for longer than the idle time: signed out
        gone = await client.get("/progress", allow_redirects=False)
        assert gone.status == 303 and gone.headers["Location"] == "/signin"
    finally:
        await client.close()


async def test_stay_signed_in_only_goes_back_to_a_page_of_this_site(site):
    client = await client_for(site)
    try:
        await sign_in(client, SAM, SAM_PASS)
        for back in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            response = await post_form(client, "/progress", "/session/extend", {"back": back})
            assert response.headers["Location"] == "/"
    finally:
        await client.close()


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_accessibility_statement_is_a_page_with_the_whole_table(site, language):
    client = await client_for(site)
    try:
        response = await client.get("/accessibility", headers={"Accept-Language": language})
        page = await response.text()
        assert response.status == 200 and f'<html lang="{language}">' in page
        assert len(re.findall(r'<tr><th scope="row">\d\.\d+\.\d+ ', page)) == 50
        assert "/terminal" in page
    finally:
        await client.close()
