"""A hostile visitor against `trainer serve`: the real server on 127.0.0.1, driven over its websocket, with
what happens to the app processes read from /proc. A flood of key presses, an oversized message, empty key
presses and a closed tab, another site's page, a nonsense terminal size: each app stays bounded (memory,
input) and always ends; the session cap counts the processes that are really there."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.browser_helpers import Server
from tests.browser_helpers import serve  # noqa: F401 (a fixture: servers on this module's site_db)
from tests.serve_helpers import alive, children, closed, environ, new_app, own_pid, poll, rss_kb, screen
from tests.site_helpers import make_site
from trainer.web.server import SiteServer

SIGN_IN = b"name"  # the sign-in screen asks for "Your name"


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    return path


def ws_url(server: Server, query: str = "") -> str:
    return f"ws://127.0.0.1:{server.port}/ws{query}"


async def open_tab(server: Server, session: aiohttp.ClientSession, query: str = "?width=80&height=24",
                   shows: bytes = SIGN_IN):
    """A websocket as the page opens it, and its app process once it shows the sign-in (or `shows`)."""
    before = children(server.process.pid)
    ws = await session.ws_connect(ws_url(server, query), origin=server.base)
    pid = await new_app(server.process.pid, before)
    await screen(ws, shows)
    return ws, pid


async def test_one_huge_message_closes_the_tab_and_ends_its_app(serve):
    server = serve()
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        try:
            await ws.send_str(json.dumps(["stdin", "a" * 1_000_000]))
        except ConnectionError:  # the server read the frame's length and closed the tab before the whole
            pass  # megabyte was written: the same refusal, seen sooner
        else:
            message = await closed(ws)
            assert message.type != aiohttp.WSMsgType.BINARY
        await poll(lambda: not alive(pid), 15, "the app of the closed tab to end")
    await poll(lambda: server.status()["sessions"] == 0, 10, "its place to be freed")


async def test_a_flood_of_key_presses_is_stopped_before_the_app_grows(serve):
    server = serve()
    peak = 0
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        for _ in range(64):  # 1 MiB of "key presses" in messages under the size limit
            if ws.closed:
                break
            await ws.send_str(json.dumps(["stdin", "a" * 16_384]))
            peak = max(peak, rss_kb(pid))
        await closed(ws)
        await poll(lambda: not alive(pid), 15, "the flooding tab's app to end")
    assert peak < 300_000, f"the app reached {peak} KiB resident"
    await poll(lambda: server.status()["sessions"] == 0, 30, "its place to be freed")
    assert server.status()["flooded"] == 1


async def test_every_app_process_has_a_memory_limit(serve):
    server = serve()
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        limits = Path(f"/proc/{pid}/limits").read_text()
        address_space = next(line for line in limits.splitlines() if line.startswith("Max address space"))
        assert address_space.split()[3:5] == [str(1024 * 1024 * 1024)] * 2, address_space
        await ws.close()


async def test_empty_key_presses_then_a_closed_tab_leave_no_process(serve):
    server = serve()
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        await ws.send_str(json.dumps(["stdin", ""]))
        await ws.send_str(json.dumps(["stdin", ""]))
        await ws.send_str(json.dumps(["stdin", "x"]))  # the app still reads its input afterwards
        await ws.close()
        await poll(lambda: not alive(pid), 15, "the app of the closed tab to end")
    await poll(lambda: server.status()["sessions"] == 0, 10, "its place to be freed")


async def test_empty_key_presses_are_not_activity_for_the_idle_close(serve):
    server = serve("--idle-minutes", "0.05")  # 3 seconds
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        for _ in range(400):  # an empty "key press" every 0.1 s, for at most 40 s
            if ws.closed or not alive(pid):
                break
            await ws.send_str(json.dumps(["stdin", ""]))
            try:
                await ws.receive(timeout=0.1)
            except asyncio.TimeoutError:
                pass
        await poll(lambda: not alive(pid), 15, "the idle tab's app to end")
    assert server.status()["idle_closed"] == 1


async def test_a_websocket_from_another_sites_page_is_refused(serve, site_db):
    server = serve("--allowed-origin", "https://Training.Clinic.Example")
    before = children(server.process.pid)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(ws_url(server), origin="https://evil.example")
        assert refused.value.status == 403
        assert children(server.process.pid) == before  # no app was started for it
        for origin in (server.base, "https://training.clinic.example"):
            ws = await session.ws_connect(ws_url(server), origin=origin)
            pid = await new_app(server.process.pid, before)
            await screen(ws, SIGN_IN)
            await ws.close()
            await poll(lambda: not alive(pid), 15, "the app to end")


def test_allowed_origin_must_be_an_origin(site_db):
    import subprocess

    result = subprocess.run([sys.executable, "-m", "trainer", "--db", str(site_db), "serve", "--allowed-origin",
                             "https://clinic.example/training"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--allowed-origin" in result.stderr and "Traceback" not in result.stderr


async def test_a_negative_or_huge_terminal_size_never_crashes_the_app(serve):
    server = serve()
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session, "?width=-5&height=-3", shows=b"\x1b[")  # it draws
        await ws.close()
        ws, pid = await open_tab(server, session)  # at 80x24, the sign-in drawn
        good = iter([(100, 30), (90, 28), (81, 25)])
        for bad in ({"width": -1, "height": -40}, {"width": 10**12, "height": 10**12}, {"width": "x", "height": None}):
            await ws.send_str(json.dumps(["resize", bad]))
            await screen(ws, b"\x1b[")  # drawn at the clamped size (unclamped, the app crashes here)
            assert alive(pid)
            width, height = next(good)
            await ws.send_str(json.dumps(["resize", {"width": width, "height": height}]))
            await screen(ws, SIGN_IN)  # the whole sign-in, drawn again
            assert alive(pid)
        await ws.close()


async def test_the_app_gets_only_allowed_variables_and_the_browsers_address(serve):
    server = serve(env={"DB_PASS": "hunter2", "DATABASE_URL": "postgres://u:p@db/x",
                        "https_proxy": "http://user:pw@proxy:3128", "TRAINER_PASSPHRASE": "secret"})
    async with aiohttp.ClientSession() as session:
        ws, pid = await open_tab(server, session)
        env = environ(pid)
        await ws.close()
    for name in ("DB_PASS", "DATABASE_URL", "https_proxy", "TRAINER_PASSPHRASE"):
        assert name not in env
    assert env["TRAINER_CLIENT_ADDRESS"] == "127.0.0.1"
    assert env["TEXTUAL_DRIVER"].endswith("WebDriver") and env["LANG"] == "C.UTF-8"


# --- the session cap and the kill, against a server in this process running a stubborn app --------------
STUBBORN_APP = """
import os, signal, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a wedged app: ignores the polite ways to stop
sys.stdout.buffer.write(b"__GANGLION__\\n" + b"D" + (5).to_bytes(4, "big") + b"ready")  # the protocol's prelude
sys.stdout.flush()
while os.read(0, 65536):
    pass
while True:
    signal.pause()
"""


@pytest.fixture
async def stubborn_server(tmp_path):
    server = SiteServer(tmp_path / "site.db", max_sessions=1, kill_after=2.0,
                        command=f"exec {shlex.quote(sys.executable)} -c {shlex.quote(STUBBORN_APP)}")
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield server, f"ws://127.0.0.1:{port}/ws", f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_closed_tabs_app_gets_killed_and_holds_its_place_until_it_has_ended(stubborn_server):
    server, url, origin = stubborn_server
    before = children(own_pid())
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(url, origin=origin)
        pid = await new_app(own_pid(), before)
        await screen(first, b"ready")  # it has started, and ignores SIGTERM from now on
        await first.close()
        # the app ignores SIGTERM: until it is killed it is a live process and counts against the cap
        second = await session.ws_connect(url, origin=origin)
        message = await second.receive(timeout=10)
        assert alive(pid)
        assert message.type == aiohttp.WSMsgType.TEXT and json.loads(message.data)[1]["url"] == "/busy"
        assert len(server.sessions) == 1 and children(own_pid()) - before == {pid}
        await poll(lambda: not alive(pid), 10, "the stubborn app to be killed")
        await poll(lambda: not server.sessions, 5, "its place to be freed")
        third = await session.ws_connect(url, origin=origin)
        replacement = await new_app(own_pid(), before)
        assert replacement != pid
        await screen(third, b"ready")
        await third.close()
        await poll(lambda: not alive(replacement), 10, "the last app to be killed")


GREEDY_APP = """
import sys
sys.stdout.buffer.write(b"__GANGLION__\\n" + b"D" + (5).to_bytes(4, "big") + b"ready")
sys.stdout.flush()
hoard = []
for _ in range(100):  # 3.2 GB, 32 MB at a time, unless the limit stops it first
    hoard.append(bytearray(32 * 1024 * 1024))
sys.stdout.buffer.write(b"D" + (8).to_bytes(4, "big") + b"unbound!")
sys.stdout.flush()
sys.stdin.read()
"""


async def test_an_app_that_grows_past_its_memory_limit_ends_alone(tmp_path):
    server = SiteServer(tmp_path / "site.db", app_memory_mb=256, kill_after=2.0,
                        command=f"exec {shlex.quote(sys.executable)} -c {shlex.quote(GREEDY_APP)}")
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    before = children(own_pid())
    peak = 0
    try:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}")
            pid = await new_app(own_pid(), before)
            await screen(ws, b"ready")

            def ended() -> bool:
                nonlocal peak
                peak = max(peak, rss_kb(pid))
                return not alive(pid)

            await poll(ended, 30, "the greedy app to fail at its limit")
            await closed(ws)
            await poll(lambda: not server.sessions, 10, "its place to be freed")
    finally:
        await runner.cleanup()
    assert peak < 300 * 1024, f"the app reached {peak} KiB resident with a 256 MB limit"


# --- the rules themselves ----------------------------------------------------------------------------
def test_the_origin_rule_accepts_the_site_itself_behind_a_proxy_and_nothing_else():
    from trainer.web.guard import allowed_origin, origin_allowed, origin_of

    own = origin_of("https://training.clinic.example")  # Host plus X-Forwarded-Proto: https, as nginx sends
    assert origin_allowed("https://training.clinic.example", own, frozenset())
    assert origin_allowed("https://TRAINING.clinic.example:443", own, frozenset())
    assert origin_allowed(None, own, frozenset())  # not a browser page
    for other in ("http://training.clinic.example", "https://training.clinic.example.evil.example", "null",
                  "https://evil.example", ""):
        assert not origin_allowed(other, own, frozenset()), other
    extra = frozenset({allowed_origin("https://Portal.Clinic.Example/")})
    assert origin_allowed("https://portal.clinic.example", origin_of("http://127.0.0.1:8000"), extra)
    assert allowed_origin("https://clinic.example/training") is None and allowed_origin("clinic.example") is None


def test_the_input_budget_lets_people_type_and_paste_but_not_flood():
    from trainer.web.guard import INPUT_BURST, InputBudget, clamp_size

    now = [0.0]
    budget = InputBudget(clock=lambda: now[0])
    assert budget.take(10_000)  # a pasted note
    for _ in range(3600):  # an hour of fast typing and mouse movement: 1 KiB a second
        now[0] += 1
        assert budget.take(1024)
    assert not budget.take(INPUT_BURST + 1)  # more than a burst at once, never
    assert budget.take(INPUT_BURST // 2)
    flood = sum(budget.take(16_384) for _ in range(64))  # 1 MiB at once: cut off after the burst
    assert flood <= INPUT_BURST // 16_384
    assert clamp_size(-5, -3) == (10, 5) and clamp_size(10**12, 10**12) == (500, 200)
    assert clamp_size(float("nan"), "24") == (80, 24) and clamp_size(True, None) == (80, 24)
