"""Attempts in the HTML app when more than one page or window is involved: a stale page cannot answer a later
step, and an attempt another window (the terminal app) took over is not answered blindly: nothing is chosen,
and the page shows where the attempt now is."""

from __future__ import annotations

from pathlib import Path

from tests.site_helpers import SAM
from tests.test_web_timed import _csrf, _start, played  # noqa: F401 (a fixture)
from tests.web_helpers import choices_of, trainee_attempts


async def test_a_choice_in_time_is_taken_and_a_stale_page_cannot_answer_a_later_step(played):
    client, clock, db = played
    where = await _start(client, "minimal", "practice")
    page = await (await client.get(where)).text()
    token = _csrf(page)
    await client.post(where + "/choose", data={"csrf": token, "choice": "wait", "step": "0"})
    await client.post(where + "/continue", data={"csrf": token})
    again = await client.post(where + "/choose", data={"csrf": token, "choice": "leak", "step": "0"})  # old page
    assert "out of date" in await again.text()
    [(attempt_id, status, made)] = trainee_attempts(db, SAM)
    assert (status, made) == ("in-progress", 1)
    assert [c[1] for c in choices_of(db, attempt_id)] == ["wait"]


async def test_an_attempt_taken_over_by_another_window_is_not_answered_blindly(played):
    client, clock, db = played
    where = await _start(client, "minimal", "practice")
    page = await (await client.get(where)).text()
    [(attempt_id, _, _)] = trainee_attempts(db, SAM)
    from trainer.play.recording import RecordedAttempt
    from trainer.progress.store import Store
    from trainer.scenario.library import load_library

    store = Store.open(db)  # the terminal app resumes it: this window takes it over
    try:
        library = load_library([db.parent / "scenarios"])
        other = RecordedAttempt.resume(store, attempt_id, library.get("minimal"))
        other.choose("wait")
    finally:
        store.close()
    late = await client.post(where + "/choose", data={"csrf": _csrf(page), "choice": "help", "step": "0"})
    text = await late.text()
    assert "open in another window, so nothing was chosen" in text
    assert [c[1] for c in choices_of(db, attempt_id)] == ["wait"]  # the other window's choice only
    assert "OK..." in text  # and the page shows the step the attempt is at now


async def test_undo_in_practice_takes_the_choice_back_in_the_database(played):
    client, clock, db = played
    where = await _start(client, "minimal", "practice")
    token = _csrf(await (await client.get(where)).text())
    await client.post(where + "/choose", data={"csrf": token, "choice": "wait", "step": "0"})
    page = await (await client.post(where + "/undo", data={"csrf": token})).text()
    assert "Choice taken back." in page and 'name="choice" value="help"' in page
    [(attempt_id, status, _)] = trainee_attempts(db, SAM)
    assert status == "in-progress" and choices_of(db, attempt_id) == [(1, "wait", 1, 0)]  # kept, marked undone


async def test_an_assessment_plays_the_form_seen_least_and_says_so(tmp_path, runner, monkeypatch, fast_hashing):
    from aiohttp.test_utils import TestClient, TestServer

    from tests.site_helpers import SAM_PASS, make_site
    from trainer.web.server import SiteServer

    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db, scenario_dirs=[Path(__file__).resolve().parent / "fixtures" / "forms"])
    client = TestClient(TestServer(await SiteServer(db)._make_app()))
    await client.start_server()
    try:
        page = await (await client.get("/signin")).text()
        await client.post("/signin", data={"csrf": _csrf(page), "name": SAM, "passphrase": SAM_PASS})
        await _start(client, "copay-question", "practice")  # practice has shown the original
        brief = await (await client.get("/s/copay-question")).text()
        moved = await client.post("/s/copay-question/start", data={"csrf": _csrf(brief), "mode": "assessment"},
                                  allow_redirects=False)
        assert moved.headers["Location"] == "/s/copay-question-urgent-care?mode=assessment&form=2&of=2"
        page = await (await client.get(moved.headers["Location"])).text()
        assert "This assessment uses form 2 of 2" in page and 'value="assessment" checked' in page
    finally:
        await client.close()
