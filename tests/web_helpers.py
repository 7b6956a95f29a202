"""The HTML app in a real browser: a site with two small scenarios of its own (beside the bundled library),
a real `trainer serve`, Debian's Chromium through Playwright, and the steps a trainee takes, each found
by its role and accessible name (the page contract other tools rely on). Waits are Playwright's own
(bounded by its timeouts) or polls with a deadline; never a fixed sleep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_helpers import Server, attempts_of, query, until
from tests.browser_helpers import browser  # noqa: F401 (a fixture, re-exported for the web tests)
from tests.site_helpers import make_site

SHOTS = Path("/work/shots/webapp")

MINIMAL = (Path(__file__).resolve().parent / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
TIMED = """\
title: A caller on a timer
category: scheduling
summary: A caller who will not wait long for an answer.
character: {name: Lee Park}
nodes:
  start:
    says: Are you still there? I need an answer now.
    timeout: {seconds: 30, next: gone, points: {resolution: -1}, feedback: Silence lost the caller.}
    choices:
      - {id: answer, text: "Yes, I am here: Tuesday at 10 is free.", next: done, points: {resolution: 2}, feedback: Prompt.}
      - {id: stall, text: "One moment please.", next: done, points: {resolution: -1}, feedback: Vague.}
endings:
  done: {outcome: resolved, summary: Booked.}
  gone: {outcome: failed, summary: The caller hung up.}
"""

QUICK = TIMED.replace("title: A caller on a timer", "title: A caller who hangs up fast").replace("seconds: 30", "seconds: 2")


def site_with_scenarios(tmp_path: Path, runner, monkeypatch) -> Path:
    """A site database whose scenario folder holds "Minimal" (two steps at most) and two timed ones (30 s, 2 s)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "timed.yaml").write_text(TIMED, encoding="utf-8")
    (folder / "quick.yaml").write_text(QUICK, encoding="utf-8")  # 2 seconds: the browser sees it run out
    db = tmp_path / "site.db"
    make_site(runner, monkeypatch, db, scenario_dirs=[folder])
    return db


@pytest.fixture
def web_db(tmp_path, runner, monkeypatch, fast_hashing):
    return site_with_scenarios(tmp_path, runner, monkeypatch)


@pytest.fixture
def server(web_db):
    served = Server(web_db)
    yield served
    served.stop()


def sign_in(page, base: str, name: str, secret: str, words=("Name", "Passphrase", "Sign in")) -> None:
    page.goto(base + "/signin")
    page.get_by_label(words[0], exact=True).fill(name)
    page.get_by_label(words[1], exact=True).fill(secret)
    page.get_by_role("button", name=words[2], exact=True).click()
    page.wait_for_url(base + "/")


def is_debrief(page) -> bool:
    return page.get_by_role("heading", level=1, name=re.compile("Debrief")).count() == 1


def live_text(page) -> str:
    return page.locator('[aria-live="polite"]').inner_text()


def play_to_debrief(page, pick=lambda buttons: buttons.first, limit: int = 40) -> int:
    """Click through: a choice (the one `pick` picks), then Continue after practice coaching, until the
    debrief. Returns the number of choices made."""
    made = 0
    for _ in range(limit):
        if is_debrief(page):
            return made
        go_on = page.get_by_role("button", name="Continue", exact=True)
        if go_on.count():
            go_on.click()
            continue
        group = page.get_by_role("group", name="What do you say?")
        pick(group.get_by_role("button")).click()
        made += 1
        page.wait_for_load_state()
    raise AssertionError("never reached the debrief")


def trainee_attempts(db: Path, name: str) -> list[tuple]:
    return attempts_of(db, name)


def choices_of(db: Path, attempt_id: str) -> list[tuple]:
    return query(db, "SELECT seq, choice_id, undone, timed_out FROM choices WHERE attempt_id = ? ORDER BY seq",
                 attempt_id)


def wait_for(check, what: str, timeout: float = 20):
    return until(check, timeout, what)
