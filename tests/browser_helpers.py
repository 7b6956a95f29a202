"""A real `trainer serve` and Debian's Chromium driven by Playwright, for the browser tests. The terminal is
a canvas, so tests read what the server sent down the websocket (the terminal output, as text) and the
database, polling with a deadline instead of sleeping."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored: screenshots to look at
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")


IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

# Skipped where Debian's Chromium is missing, except in CI (`CI` set, as `CI=true bash .ci/run` and CI services
# do): .ci/run installs it, so there a missing browser fails the tests instead of quietly leaving them out.
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"needs Debian's Chromium at "
                                    f"{CHROMIUM} (`apt-get install chromium`; .ci/run installs it)")


def chromium_executable() -> str:
    """The browser to launch, or a failure that says why there is none (only reached in CI)."""
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set but {CHROMIUM} is missing: the browser tests must run in CI "
                    "(.ci/run installs it with `apt-get install chromium`)", pytrace=False)
    return str(CHROMIUM)


KEY_NAMES = {"Enter", "Escape", "ArrowDown", "ArrowUp", "Backspace", "Tab"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m trainer --db DB serve` on a free port of 127.0.0.1, stopped by `stop()`."""

    def __init__(self, db: Path, *args: str, env: dict | None = None):
        self.db = db
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "trainer", "--db", str(db), "serve",
                                         "--port", str(self.port), *args],
                                        env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        until(lambda: self.status() is not None, 30, "the server to listen")

    def status(self) -> dict | None:
        if self.process.poll() is not None:
            raise AssertionError(f"trainer serve exited: {self.process.stderr.read()}")
        try:
            with urllib.request.urlopen(f"{self.base}/status", timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


def until(check, timeout: float, what: str, interval: float = 0.05, pause=None):
    """Poll `check` until it returns something truthy; fail saying what never happened. `pause` waits
    between tries (default: sleep `interval` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        (pause or time.sleep)(interval)


def query(db: Path, sql: str, *params):
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def attempts_of(db: Path, name: str) -> list[tuple]:
    """(id, status, choices recorded) for each attempt of the named trainee, oldest first."""
    return query(db, "SELECT a.id, a.status, (SELECT count(*) FROM choices c WHERE c.attempt_id = a.id) "
                     "FROM attempts a JOIN trainees t ON t.id = a.trainee_id WHERE t.name = ? "
                     "ORDER BY a.started_at", name)


class Tab:
    """One browser page on the server, with every request URL it made and the terminal text it was sent."""

    def __init__(self, context, server: Server):
        self.page = context.new_page()
        self.server = server
        self.requests: list[str] = []
        self.output = bytearray()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("websocket", self._tap)

    def _tap(self, websocket) -> None:
        self.requests.append(websocket.url)
        websocket.on("framereceived", lambda payload: self.output.extend(payload)
                     if isinstance(payload, (bytes, bytearray)) else None)

    def open(self):
        response = self.page.goto(self.server.base + "/terminal")
        return response

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub(b"", bytes(self.output[since:])).decode("utf-8", "replace")

    def mark(self) -> int:
        return len(self.output)

    def wait_for_text(self, words: str, since: int = 0, timeout: float = 30) -> None:
        """Until the server has sent the terminal `words` (after `since`), letting Playwright run meanwhile."""
        deadline = time.monotonic() + timeout
        while words not in self.text(since):
            if time.monotonic() > deadline:
                self.shot("failed-wait")
                raise AssertionError(f"the terminal never showed {words!r}; it last showed: "
                                     f"{' '.join(self.text(since)[-600:].split())!r}")
            self.page.wait_for_timeout(50)

    def poll(self, check, timeout: float, what: str):
        """Like `until`, but lets the page's events run while waiting."""
        return until(check, timeout, what, pause=lambda seconds: self.page.wait_for_timeout(seconds * 1000))

    def keys(self, *keys: str) -> None:
        for key in keys:
            if key in KEY_NAMES:
                self.page.keyboard.press(key)
            else:
                self.page.keyboard.type(key)

    def sign_in(self, name: str, secret: str) -> None:
        self.page.wait_for_selector("body.-first-byte", timeout=30_000)
        self.wait_for_text("Your name")
        self.page.click("#terminal")
        self.keys(name, "Enter", secret, "Enter")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def off_machine(self) -> list[str]:
        local = (f"http://127.0.0.1:{self.server.port}/", f"ws://127.0.0.1:{self.server.port}/")
        return [url for url in self.requests if not url.startswith(local)]


@pytest.fixture
def serve(site_db):
    """Start site servers on the test's `site_db` (a fixture of the test module); all stopped after it."""
    servers = []

    def start(*args, env=None) -> Server:
        servers.append(Server(site_db, *args, env=env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def browser():
    """Debian's Chromium, one per test (Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
