"""Attempts in the HTML app when more than one page or window is involved: a stale page cannot answer a later
step, and an attempt another window (the terminal app) took over is not answered blindly: nothing is chosen,
and the page shows where the attempt now is."""

from __future__ import annotations

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
