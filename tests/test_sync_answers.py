"""`trainer sync` counts a statement delivered only on a real xAPI answer: 200 with the JSON array of the
ids sent, or 204 to a PUT of that one statement. A proxy's sign-in page (200, HTML), a 200 listing other
ids and the like keep the statements pending, with the reason in `sync --status`. Every request has a
total time limit: a server that trickles its answer a byte at a time cannot hold a sync."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from trainer.cli import cli
from trainer.outbox.client import LrsClient
from trainer.outbox.sync import status, sync_once

from outbox_helpers import BOSS, BOSS_PASS, FakeLrs, outbox, play, site_store

SIGN_IN = ("<!DOCTYPE html><html><head><title>Sign in - Clinic Proxy</title></head>"
           "<body><form>Please sign in to continue</form></body></html>")


@pytest.fixture
def store(fast_hashing):
    store = site_store()
    play(store, "Sam Rivera", pick=0)
    play(store, "Ana Costa", pick=1)
    yield store
    store.close()


def run(store, lrs, batch: int = 5, timeout: float = 5.0, retries: int = 0):
    return sync_once(store, LrsClient(lrs.endpoint, "trainer", "secret", timeout=timeout), batch=batch,
                     retries=retries, sleep=lambda seconds: None)


def states(store) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in outbox(store):
        counts[row["_state"]] = counts.get(row["_state"], 0) + 1
    return counts


@pytest.mark.parametrize("answer", [
    (200, SIGN_IN, {"Content-Type": "text/html; charset=utf-8"}),  # a proxy's sign-in page
    (200, ["9f3f1a9e-0000-4000-8000-000000000000"]),  # someone else's ids
    (200, {"status": "ok"}),  # JSON, but not the list of ids
    (200, ""),  # nothing at all
])
def test_an_answer_that_is_not_xapi_keeps_every_statement_pending_with_the_reason(store, answer):
    total = len(outbox(store))
    with FakeLrs(lambda batch: answer) as lrs:
        result = run(store, lrs)
    assert result.delivered == 0 and result.pending == total and result.stopped
    assert states(store) == {"pending": total}
    reasons = status(store)["pending_reasons"]
    assert len(reasons) == 1 and reasons[0]["count"] == 5  # the batch that got the answer
    assert "not an xAPI LRS's (HTTP 200" in reasons[0]["reason"]
    if answer[1] == SIGN_IN:
        assert "text/html" in reasons[0]["reason"] and "Sign in - Clinic Proxy" in reasons[0]["reason"]


def test_ids_the_lrs_does_not_list_are_each_confirmed_with_a_put(store):
    """ralph lists only the ids it stored now; the others it already held. Each of those is PUT on its own
    and counted when the LRS answers that PUT with 204."""
    held = {s["id"] for s in outbox(store)[:3]}

    def answer(batch):
        if len(batch) == 1 and batch[0]["id"] in held:
            return 204, ""
        return 200, [s["id"] for s in batch if s["id"] not in held]

    total = len(outbox(store))
    with FakeLrs(answer) as lrs:
        result = run(store, lrs)
    assert (result.sent, result.held, result.pending) == (total - 3, 3, 0)
    assert sorted(i for batch, method in zip(lrs.requests, lrs.methods) if method == "PUT" for i in batch) \
        == sorted(held)
    assert states(store) == {"sent": total}


def test_a_put_answered_with_a_sign_in_page_stays_pending(store):
    def answer(batch):
        if len(batch) == 1:  # the PUT: the proxy wants a sign-in now
            return 200, SIGN_IN, {"Content-Type": "text/html"}
        return 204, ""

    with FakeLrs(answer) as lrs:
        result = run(store, lrs)
    assert result.delivered == 0 and result.stopped and "not an xAPI" in result.stopped
    assert "sent" not in states(store)


def test_sync_status_shows_why_statements_are_still_pending(runner, tmp_path, monkeypatch, fast_hashing):
    db = tmp_path / "site.db"
    site = site_store(db)
    play(site, "Sam Rivera", pick=1)
    site.close()
    monkeypatch.setenv("TRAINER_SUPERVISOR", BOSS)
    monkeypatch.setenv("TRAINER_PASSPHRASE", BOSS_PASS)
    monkeypatch.setenv("TRAINER_LRS_USER", "trainer")
    monkeypatch.setenv("TRAINER_LRS_PASSWORD", "lrs secret")
    with FakeLrs(lambda batch: (200, SIGN_IN, {"Content-Type": "text/html"})) as lrs:
        result = runner.invoke(cli, ["--db", str(db), "sync", "--endpoint", lrs.endpoint, "--batch", "3"])
    assert result.exit_code == 1 and "sent 0" in result.output
    text = runner.invoke(cli, ["--db", str(db), "sync", "--status"]).output
    assert "sent 0" in text and "still pending 3: the answer was not an xAPI LRS's (HTTP 200, text/html" in text
    data = json.loads(runner.invoke(cli, ["--db", str(db), "sync", "--status", "--format", "json"]).output)
    assert data["sent"] == 0 and data["pending_reasons"][0]["count"] == 3
    with FakeLrs(lambda batch: (200, [s["id"] for s in batch])) as lrs:  # fixed: the reasons go with them
        assert runner.invoke(cli, ["--db", str(db), "sync", "--endpoint", lrs.endpoint]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["--db", str(db), "sync", "--status", "--format", "json"]).output)
    assert data["pending"] == 0 and data["pending_reasons"] == []


class TricklingServer:
    """Answers every request one byte at a time, a byte every `every` seconds (bounded: `most` bytes)."""

    def __init__(self, every: float = 0.2, most: int = 60):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.every, self.most = every, most
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/xAPI/"

    def _serve(self) -> None:
        self.listener.settimeout(0.5)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            with conn:
                answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                          + b" " * 1000)
                for byte in answer[: self.most]:
                    if self.stop.wait(self.every):
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


def test_a_server_that_trickles_its_answer_is_cut_off_at_the_total_time_limit(store):
    total = len(outbox(store))
    with TricklingServer(every=0.2, most=60) as server:  # each read gets a byte well within the 1 s limit
        started = time.monotonic()
        result = sync_once(store, LrsClient(server.endpoint, timeout=1.0), retries=0, sleep=lambda s: None)
        took = time.monotonic() - started
    assert took < 5, took  # one request, cut off at about 1 s (trickled to the end, it would take 12 s)
    assert result.delivered == 0 and result.pending == total and "timeout" in result.stopped
