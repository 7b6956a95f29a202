"""A timed moment in the HTML app, in-process with a clock the test moves: the page shows (and announces) the
seconds left from the deadline the database keeps, a reload does not restart the clock, and a choice that
arrives after the deadline is not taken: the timeout branch is, stamped at the deadline, as in the terminal.
`played` (a signed-in trainee on an in-process server with a clock the test moves) is shared with
test_web_attempts.py."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.site_helpers import SAM, SAM_PASS
from tests.web_helpers import choices_of, site_with_scenarios, trainee_attempts
from trainer.web.server import SiteServer


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def played(tmp_path, runner, monkeypatch, fast_hashing):
    db = site_with_scenarios(tmp_path, runner, monkeypatch)
    clock = Clock()
    server = SiteServer(db, html={"clock": clock, "order_seed": lambda: None})
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    page = await (await client.get("/signin")).text()
    await client.post("/signin", data={"csrf": _csrf(page), "name": SAM, "passphrase": SAM_PASS})
    yield client, clock, db
    await client.close()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def _start(client, scenario: str, mode: str = "practice") -> str:
    brief = await (await client.get(f"/s/{scenario}")).text()
    response = await client.post(f"/s/{scenario}/start", data={"csrf": _csrf(brief), "mode": mode},
                                 allow_redirects=False)
    assert response.status == 303
    return response.headers["Location"].split("#")[0]


def _left(page: str) -> int:
    return int(re.search(r'data-left="(\d+)"', page).group(1))


async def test_the_countdown_comes_from_the_stored_deadline_and_a_reload_does_not_restart_it(played):
    client, clock, db = played
    where = await _start(client, "timed")
    page = await (await client.get(where)).text()
    assert _left(page) == 30 and 'role="timer"' in page and 'aria-live="assertive"' in page
    clock.now += 12
    assert _left(await (await client.get(where)).text()) == 18  # the same deadline, not a new 30 s


async def test_a_choice_after_the_deadline_takes_the_timeout_branch_instead(played):
    client, clock, db = played
    where = await _start(client, "timed")
    page = await (await client.get(where)).text()
    clock.now += 31
    response = await client.post(where + "/choose", data={"csrf": _csrf(page), "choice": "answer", "step": "0"})
    page = await response.text()
    assert "Time ran out." in page and "Silence lost the caller." in page  # practice: its coaching
    [(attempt_id, status, made)] = trainee_attempts(db, SAM)
    assert (status, made) == ("completed", 1)
    assert choices_of(db, attempt_id) == [(1, "timeout", 0, 1)]
