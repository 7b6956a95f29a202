"""Accommodations on the HTML pages: the countdown of a timed moment gives a trainee's extra time, and a
trainee with no timer sees none and is never timed out (the engine's deadline, shown by the page)."""

from __future__ import annotations

import re

import pytest

from tests.site_helpers import SAM, SAM_PASS, as_supervisor, make_site
from tests.tui_helpers import FakeClock, scenario_folder
from tests.web_html_helpers import client_for, csrf_of, post_form, sign_in
from trainer.cli import cli


@pytest.fixture
def site(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path, [scenario_folder(tmp_path)])
    return path


async def to_the_timed_moment(client) -> str:
    """Practice spouse-call to its 45-second moment; the play page there."""
    start = await post_form(client, "/s/spouse-call", "/s/spouse-call/start", {"mode": "practice"})
    attempt = start.headers["Location"].split("#")[0]
    for choice in ("warm-opening", "check-authorisation"):
        page = await (await client.get(attempt)).text()
        step = re.search(r'name="step" value="(\d+)"', page).group(1)
        chosen = await client.post(attempt + "/choose", data={"choice": choice, "step": step, "csrf": csrf_of(page)},
                                   allow_redirects=False)
        assert chosen.status == 303
        page = await (await client.get(attempt)).text()
        assert (await client.post(attempt + "/continue", data={"csrf": csrf_of(page)},
                                  allow_redirects=False)).status == 303
    return attempt


@pytest.mark.parametrize("args, seconds", [((), 45), (("--extra-time", "2"), 90), (("--no-timer",), None)])
async def test_the_play_page_times_a_moment_with_the_trainees_accommodation(site, runner, monkeypatch, args, seconds):
    if args:
        as_supervisor(monkeypatch)
        assert runner.invoke(cli, ["--db", str(site), "trainees", "accommodate", SAM, *args]).exit_code == 0
    clock = FakeClock()
    client = await client_for(site, clock=clock)
    try:
        await sign_in(client, SAM, SAM_PASS)
        attempt = await to_the_timed_moment(client)
        page = await (await client.get(attempt)).text()
        shown = re.search(r'id="countdown"[^>]*data-left="(\d+)"', page)
        assert (int(shown.group(1)) if shown else None) == seconds
        clock.advance(60)  # past the 45 s written
        page = await (await client.get(attempt)).text()
        timed_out = "Time ran out." in page
        assert timed_out == (seconds == 45)
    finally:
        await client.close()
