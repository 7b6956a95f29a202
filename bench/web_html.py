"""`python -m bench --only web`: many trainees at once on the HTML web app of `trainer serve` (issue #27).

Each simulated trainee is an HTTP client of its own (its own cookie jar) on 127.0.0.1, as a browser would
be: it signs in with the sign-in form, opens the first scenario in the catalogue, starts it in practice and
answers with the first choice button, pressing "Continue" after each coaching and starting again when the
scenario ends, until it has made its choices. At most `concurrency` requests are in flight at once (a
bounded pool, as a clinic's browsers are not all clicking in the same millisecond).

A choice is committed before the server answers its POST (the page redirects only once the row is
written), so the time from sending the POST to its answer is the time a trainee waits for their choice to
be safe. Two runs: the target run, where each trainee reads for 2-6 s before answering (a patient's line
and three choices take at least that; the slot is not held while reading), and a saturation run with no
reading time at all, reported without a target: there every request waits behind the others in flight,
so its latency is the queue (in-flight requests × time per request), the server's capacity, not its
speed. The database is counted afterwards (0 lost: every POST answered with a redirect is a row). The
server's RSS is sampled from /proc while the run goes on (its peak is reported; the HTML app must not cost
a process per tab). Nothing here needs a browser: what is measured is the server.
"""

from __future__ import annotations

import asyncio
import html
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.web_sessions import PASSPHRASE, free_port, make_site

CSRF = re.compile(r'name="csrf"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="csrf"')
CHOICE = re.compile(r'<button[^>]*name="choice"[^>]*value="([^"]*)"|<button[^>]*value="([^"]*)"[^>]*name="choice"')
SCENARIO_LINK = re.compile(r'href="(/s/[^"?#]+)"')
STEP = re.compile(r'name="step" value="(\d+)"')
CONTINUE = re.compile(r'action="(/a/[^"]+/continue)"')


def _csrf(page: str) -> str:
    found = CSRF.search(page)
    if not found:
        raise RuntimeError("no csrf field on the page")
    return html.unescape(found.group(1) or found.group(2))


def _choices(page: str) -> list[str]:
    return [html.unescape(a or b) for a, b in CHOICE.findall(page)]


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process and its children, in MB, from /proc."""
    current = peak = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        current += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
    return current, peak


class Trainee:
    """One simulated trainee: a session with its own cookies, its choices made one at a time."""

    def __init__(self, http, base: str, name: str, pool: asyncio.Semaphore, result: dict, think=(0.0, 0.0),
                 seed: int = 0):
        self.http, self.base, self.name, self.pool, self.result = http, base, name, pool, result
        self.think = think
        self.random = random.Random(seed)

    async def read(self) -> None:
        """The time a trainee takes to read the line and the choices before answering (not holding a slot)."""
        low, high = self.think
        if high > 0:
            await asyncio.sleep(self.random.uniform(low, high))

    async def get(self, path: str) -> tuple[str, str]:
        async with self.pool:
            async with self.http.get(self.base + path) as response:
                if response.status != 200:
                    raise RuntimeError(f"GET {path}: {response.status}")
                return str(response.url.path), await response.text()

    async def post(self, path: str, data: dict, timed: bool = False) -> str:
        """POST a form and return where it redirects (not followed: the redirect is the answer)."""
        async with self.pool:
            sent = time.perf_counter()
            async with self.http.post(self.base + path, data=data, allow_redirects=False) as response:
                await response.read()
                took = time.perf_counter() - sent
                if response.status not in (302, 303):
                    raise RuntimeError(f"POST {path}: {response.status}")
                if timed:
                    self.result["latencies"].append(took)
                return response.headers["Location"]

    async def run(self, choices: int) -> None:
        try:
            _, page = await self.get("/signin")
            await self.post("/signin", {"name": self.name, "passphrase": PASSPHRASE, "csrf": _csrf(page)})
            _, page = await self.get("/")
            scenario = SCENARIO_LINK.search(page)
            if not scenario:
                raise RuntimeError("no scenario link in the catalogue")
            made = 0
            while made < choices:
                _, page = await self.get(scenario.group(1))
                where = await self.post(scenario.group(1) + "/start", {"mode": "practice", "csrf": _csrf(page)})
                while made < choices:
                    path, page = await self.get(where)
                    if "/debrief" in path:
                        break
                    follow = CONTINUE.search(page)
                    if follow:  # practice coaching on the page: past it
                        where = await self.post(follow.group(1), {"csrf": _csrf(page)})
                        continue
                    offered = _choices(page)
                    if not offered:
                        break  # at an ending (the debrief link): start again
                    attempt = path.rstrip("/")
                    await self.read()
                    step = STEP.search(page)
                    form = {"choice": offered[0], "csrf": _csrf(page), **({"step": step.group(1)} if step else {})}
                    where = await self.post(attempt + "/choose", form, timed=True)
                    self.result["sent"] += 1
                    made += 1
        except Exception as exc:  # noqa: BLE001 - counted and printed, never hidden
            self.result["errors"].append(f"{self.name}: {exc}")


def bench_web_html(trainees: int, choices: int, tmp: Path, figure, concurrency: int = 32, think=(0.0, 0.0),
                   label: str = "") -> list[dict]:
    import aiohttp

    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "web-html.db"
    names = make_site(db, trainees)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "serve-html.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "trainer", "--db", str(db), "serve", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    result = {"latencies": [], "sent": 0, "errors": []}
    peak = [0.0]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("trainer serve did not start")
                time.sleep(0.1)

        async def everyone():
            pool = asyncio.Semaphore(concurrency)
            stop = asyncio.Event()

            async def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], rss_mb(server.pid)[0])
                    try:
                        await asyncio.wait_for(stop.wait(), 0.25)
                    except asyncio.TimeoutError:
                        pass

            sampler = asyncio.create_task(sample())
            connector = aiohttp.TCPConnector(limit=concurrency)
            sessions = [aiohttp.ClientSession(connector=connector, connector_owner=False,
                                              cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in names]  # a browser each
            try:
                await asyncio.gather(*(Trainee(s, base, n, pool, result, think, seed).run(choices)
                                       for seed, (s, n) in enumerate(zip(sessions, names))))
            finally:
                for s in sessions:
                    await s.close()
                await connector.close()
                stop.set()
                await sampler

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        asyncio.run(everyone())
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        peak[0] = max(peak[0], rss_mb(server.pid)[0])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    committed = sqlite3.connect(db).execute("SELECT count(*) FROM choices WHERE undone = 0").fetchone()[0]
    lost = result["sent"] - committed
    latencies = sorted(result["latencies"])
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("inf")
    median = latencies[len(latencies) // 2] if latencies else float("inf")
    reading = f"reading {think[0]:g}-{think[1]:g} s before each choice, " if think[1] else "no reading time, "
    detail = (f"{trainees} trainees × {choices} choices, {reading}{concurrency} requests at once, in {elapsed:.0f} s; "
              f"median {median * 1000:.0f} ms; load average {load_before:.1f} → {load_after:.1f} on "
              f"{os.cpu_count()} CPUs" + (f"; {len(result['errors'])} errors, first: {result['errors'][0]}"
                                          if result["errors"] else ""))
    expected = trainees * choices
    return [
        figure(f"web{label}: choices lost ({trainees} trainees × {choices})", lost + (expected - result["sent"]), 0, unit="",
               ok=lost == 0 and result["sent"] == expected and not result["errors"],
               detail=f"{committed} committed of {result['sent']} POSTs answered ({expected} planned)"),
        figure(f"web{label}: p95 choice POST to committed (its answer)", p95 * 1000, 150 if think[1] else 0, unit="ms",
               detail=detail, ok=p95 * 1000 <= 150 or not think[1]),
        figure(f"web{label}: server RSS, peak", peak[0], 300, unit="MB", detail="trainer serve and its children, from /proc"),
    ]
