"""Many browser tabs at once on `trainer serve`, driven through textual-serve's websocket protocol (what
textual.js sends: ["stdin", keys]; the server sends terminal output back) rather than real browsers.

Each session signs in as its own trainee, opens the first scenario and makes choices with the "1" key,
retrying the scenario when it ends. A choice counts as committed when its row is in the database; the time
from sending the key (once the choices are on screen) to the row being committed, as seen by a watcher
thread that polls every millisecond, is the latency a trainee waits for their choice to be safe. The
time from a brief's Enter to its first choices on screen is reported beside it: a quick first choice must
not be bought by showing the choices later."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
PASSPHRASE = "bench passphrase"


def make_site(db: Path, sessions: int) -> list[str]:
    """A site database with one trainee per session (cheap argon2 parameters: sign-in is not measured)."""
    from argon2 import PasswordHasher

    from trainer.progress import accounts, passphrase
    from trainer.progress.store import Store

    passphrase.hasher = lambda: PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    store = Store.open(db)
    try:
        accounts.init_site(store, "Bench Supervisor", "https://bench.example/training", (), PASSPHRASE)
        names = [f"Bench Trainee {i + 1}" for i in range(sessions)]
        for name in names:
            accounts.add_account(store, name, "trainee", PASSPHRASE, "Bench Supervisor")
    finally:
        store.close()
    return names


class Tab:
    """One websocket session: keys in, terminal text out."""

    def __init__(self, ws):
        self.ws = ws
        self.output = bytearray()
        self.arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                if isinstance(message.data, bytes):
                    self.output.extend(message.data)
                    self.arrived.set()
        finally:
            self.arrived.set()

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub(b"", bytes(self.output[since:])).decode("utf-8", "replace")

    async def keys(self, data: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", data]))

    async def wait_for(self, words: str, since: int = 0, timeout: float = 60) -> None:
        """Until `words` are in the output after `since`: looked for each time output arrives (not on a
        timer, which would keep the harness busy beside the apps it measures)."""
        deadline = time.monotonic() + timeout
        while words not in self.text(since):
            if self.reader.done():
                raise TimeoutError(f"never saw {words!r} (the session closed)")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                raise TimeoutError(f"never saw {words!r}") from None


class Watcher:
    """Choices committed per trainee, stamped with when they were seen committed.

    A thread of its own asks SQLite every millisecond whether another connection has committed anything
    (`PRAGMA data_version`: nearly free) and only then reads the counts, stamping them with the time the
    read returned. A commit is therefore seen at most one poll interval plus one read (about 1-2 ms)
    after it happened, whatever the event loop that drives the ten websockets is busy with; latencies are
    taken from these stamps, not from when a session's coroutine next runs. (Polling from the event loop
    every 5 ms added the sleep, the loop's own delays and the read to every sample.)"""

    INTERVAL = 0.001

    def __init__(self, db: Path):
        uri = f"{db.resolve().as_uri()}?mode=ro"
        self.conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)  # the thread's
        self.reads = sqlite3.connect(uri, uri=True, timeout=30)  # the event loop's own look-ups
        self.loop = asyncio.get_running_loop()
        self.state: dict[str, tuple[int, str | None, str | None]] = {}
        self.seen: dict[str, list[tuple[int, float]]] = {}  # per trainee: (committed choices, seen at)
        self.changed = asyncio.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="bench-watcher", daemon=True)
        self.thread.start()

    def _read(self) -> dict[str, tuple[int, str | None, str | None]]:
        counts = dict(self.conn.execute(
            "SELECT t.name, count(*) FROM choices c JOIN attempts a ON a.id = c.attempt_id "
            "JOIN trainees t ON t.id = a.trainee_id GROUP BY t.name"))
        latest = {name: (aid, status) for name, aid, status, _ in self.conn.execute(
            "SELECT t.name, a.id, a.status, max(a.started_at) FROM attempts a "
            "JOIN trainees t ON t.id = a.trainee_id GROUP BY t.name")}
        return {name: (counts.get(name, 0), *latest[name]) for name in latest}

    def _run(self) -> None:
        version = None
        while not self.stopping.is_set():
            now = self.conn.execute("PRAGMA data_version").fetchone()[0]
            if now != version:
                version = now
                state = self._read()
                stamp = time.perf_counter()
                self.loop.call_soon_threadsafe(self._update, state, stamp)
            time.sleep(self.INTERVAL)

    def _update(self, state: dict, stamp: float) -> None:
        for name, (count, *_) in state.items():
            seen = self.seen.setdefault(name, [])
            if not seen or seen[-1][0] != count:
                seen.append((count, stamp))
        if state != self.state:
            self.state = state
            self.changed.set()
            self.changed = asyncio.Event()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.conn.close()
        self.reads.close()

    def finished(self, name: str) -> bool:
        """Whether the trainee's latest attempt is completed, read now (not at the last poll)."""
        row = self.reads.execute("SELECT a.status FROM attempts a JOIN trainees t ON t.id = a.trainee_id "
                                 "WHERE t.name = ? ORDER BY a.started_at DESC LIMIT 1", [name]).fetchone()
        return bool(row) and row[0] == "completed"

    def of(self, name: str) -> tuple[int, str | None, str | None]:
        return self.state.get(name, (0, None, None))

    def committed_at(self, name: str, above: int) -> float:
        """When the trainee's count of committed choices was first seen above `above`."""
        return next(stamp for count, stamp in self.seen.get(name, []) if count > above)

    async def until(self, check, timeout: float):
        deadline = time.monotonic() + timeout
        while not (value := check()):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                return None
        return value


async def run_session(session, base: str, watch: Watcher, name: str, choices: int, result: dict) -> None:
    ws = await session.ws_connect(f"{base.replace('http', 'ws')}/ws?width=100&height=30", max_msg_size=0)
    tab = Tab(ws)
    try:
        await tab.wait_for("Your name")
        await tab.keys(f"{name}\r{PASSPHRASE}\r")
        await tab.wait_for("My progress")
        mark = len(tab.output)
        await tab.keys("\r")  # open the first scenario's brief
        made = 0
        while made < choices:
            await tab.wait_for("Enter to start", since=mark)
            before_attempt = watch.of(name)[1]
            mark = len(tab.output)
            opened = time.perf_counter()
            await tab.keys("\r")
            if not await watch.until(lambda: watch.of(name)[1] != before_attempt, 60):
                raise TimeoutError("an attempt never started")
            first = True
            while made < choices:
                # the choices are on screen: numbered lines, drawn only once the step is shown (the
                # footer's "1-9 Choose" is no sign: a frame drawn before the last Enter was handled has it)
                await tab.wait_for("1. ", since=mark)
                if first:  # the other side of a quick first choice: how long the brief's Enter took to show it
                    result["openings"].append(time.perf_counter() - opened)
                    first = False
                count = watch.of(name)[0]
                mark = len(tab.output)
                sent = time.perf_counter()
                await tab.keys("1")
                result["pressed"] += 1
                if not await watch.until(lambda: watch.of(name)[0] > count, 60):
                    raise TimeoutError("a choice was not committed within 60 s")
                result["latencies"].append(watch.committed_at(name, count) - sent)
                made += 1
                # the coaching is drawn after the choice and, on the last one, after the attempt is finished
                await tab.wait_for("Enter to continue", since=mark)
                finished = watch.finished(name)
                mark = len(tab.output)
                await tab.keys("\r")  # past the coaching
                if finished:
                    await tab.wait_for("Retry", since=mark)
                    mark = len(tab.output)
                    await tab.keys("r")  # the debrief's retry: back to the brief
                    break
    except TimeoutError as exc:
        result["errors"].append(f"{name}: {exc}")
        result["last_screens"].append(" ".join(tab.text()[-1500:].split()))
    finally:
        text = tab.text()
        result["locked"] += text.count("database is locked") + text.count("stayed busy")
        result["not_saved"] += text.count("Could not save")
        await ws.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_web_sessions(sessions: int, choices: int, tmp: Path, figure) -> list[dict]:
    import aiohttp

    db = tmp / "web-site.db"
    names = make_site(db, sessions)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "serve.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "trainer", "--db", str(db), "serve", "--port", str(port),
                               "--max-sessions", str(sessions)], stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    result = {"latencies": [], "openings": [], "pressed": 0, "locked": 0, "not_saved": 0, "errors": [],
              "last_screens": []}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/status", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("trainer serve did not start")
                time.sleep(0.1)

        async def everyone():
            watch = Watcher(db)
            try:
                async with aiohttp.ClientSession() as session:
                    await asyncio.gather(*(run_session(session, base, watch, n, choices, result) for n in names))
            finally:
                watch.close()

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        switch = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)  # the watcher's thread stamps a commit within 0.5 ms, not 5 ms, of seeing it
        try:
            asyncio.run(everyone())
        finally:
            sys.setswitchinterval(switch)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        server_log = log.read()
        log.close()
    result["locked"] += server_log.count("database is locked")
    committed = sqlite3.connect(db).execute("SELECT count(*) FROM choices").fetchone()[0]
    expected = result["pressed"]  # every "1" sent on a choice screen must become a committed choice
    lost = expected - committed
    latencies = sorted(result["latencies"])
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("inf")
    median = latencies[len(latencies) // 2] if latencies else float("inf")
    openings = sorted(result["openings"])
    opening = (f"Enter on a brief to its choices on screen: median {openings[len(openings) // 2] * 1000:.0f} ms, "
               f"p95 {openings[max(0, int(len(openings) * 0.95) - 1)] * 1000:.0f} ms; ") if openings else ""
    load = f"load average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} CPUs"
    detail = (f"{sessions} sessions × {choices} choices in {elapsed:.0f} s; median {median * 1000:.0f} ms; "
              f"{opening}{load}" + (f"; errors: {'; '.join(result['errors'])}" if result["errors"] else ""))
    return [
        figure(f"serve: choices lost ({sessions} sessions × {choices})", lost, 0, unit="", ok=lost == 0
               and not result["errors"], detail=f"{committed} of {expected} key presses committed"),
        figure("serve: 'database is locked' errors", result["locked"] + result["not_saved"], 0, unit="",
               ok=result["locked"] + result["not_saved"] == 0, detail="app output and server log"),
        figure("serve: p95 key press to committed choice", p95 * 1000, 150, unit="ms", detail=detail),
    ]
