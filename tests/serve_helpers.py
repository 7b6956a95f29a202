"""Websocket clients against a real site server on 127.0.0.1, and what /proc says about its app processes.
Every wait polls with a deadline (a bounded loop), never a fixed sleep."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import aiohttp


def children(parent: int) -> set[int]:
    """The live (not zombie) processes whose parent is `parent`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == parent and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode().split("=", 1) for item in raw.split(b"\0") if b"=" in item)


async def poll(check, timeout: float, what: str, interval: float = 0.05):
    """Until `check()` is truthy (returned), or fail after `timeout` seconds saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)  # the polling interval of a bounded loop


async def new_app(parent: int, before: set[int], timeout: float = 30) -> int:
    """The pid of the one app process started since `before`."""
    started = await poll(lambda: children(parent) - before, timeout, "an app process to start")
    assert len(started) == 1, started
    return started.pop()


async def screen(ws: aiohttp.ClientWebSocketResponse, words: bytes, timeout: float = 30) -> bytes:
    """Read the app's output until `words` appear in it (or fail at the deadline)."""
    got = b""
    deadline = time.monotonic() + timeout
    while words not in got:
        left = deadline - time.monotonic()
        assert left > 0, f"the app never showed {words!r}; it sent {got[-300:]!r}"
        try:  # short reads: the server's heartbeat pings restart a longer receive timeout
            message = await ws.receive(timeout=min(left, 0.5))
        except asyncio.TimeoutError:
            continue
        assert message.type == aiohttp.WSMsgType.BINARY, f"expected the app's output, got {message!r}"
        got += message.data
    return got


async def closed(ws: aiohttp.ClientWebSocketResponse, timeout: float = 30) -> aiohttp.WSMessage:
    """Read (and drop) output until the server closes the websocket; the closing message."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the server never closed the websocket"
        try:
            message = await ws.receive(timeout=min(left, 0.5))
        except asyncio.TimeoutError:
            continue
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING,
                            aiohttp.WSMsgType.ERROR):
            return message


def own_pid() -> int:
    return os.getpid()
