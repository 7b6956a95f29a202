"""`trainer sync` against a small fake LRS: every status code of xAPI 1.0.3's communication rules."""

from __future__ import annotations

import base64
import json
import socket

import pytest

from trainer.cli import cli
from trainer.outbox.client import LrsClient
from trainer.outbox.sync import RETRIES, sync_once

from outbox_helpers import BOSS, BOSS_PASS, FakeLrs, outbox, play, site_store


@pytest.fixture
def store(fast_hashing):
    store = site_store()
    for pick, name in enumerate(("Sam Rivera", "Ana Costa", "Sam Rivera", "Ana Costa")):
        play(store, name, pick=pick)
    assert total(store) >= 20
    yield store
    store.close()


def total(store) -> int:
    return len(outbox(store))


def states(store) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in outbox(store):
        counts[row["_state"]] = counts.get(row["_state"], 0) + 1
    return counts


class Waits(list):
    """Stands in for time.sleep and remembers the backoff it was asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def run(store, lrs: FakeLrs, batch: int = 5, timeout: float = 5.0, waits=None):
    return sync_once(store, LrsClient(lrs.endpoint, "trainer", "secret", timeout=timeout), batch=batch,
                     sleep=waits if waits is not None else Waits())


def test_200_sends_everything_in_order_in_batches_and_a_second_run_sends_nothing(store):
    with FakeLrs(lambda batch: (200, [s["id"] for s in batch])) as lrs:
        result = run(store, lrs)
        assert result.sent == total(store) and result.pending == 0 and result.stopped is None
        assert lrs.posted == [s["id"] for s in outbox(store)]
        assert max(len(b) for b in lrs.requests) == 5
        assert lrs.auth[0] == "Basic " + base64.b64encode(b"trainer:secret").decode()
    assert states(store) == {"sent": total(store)}


def test_second_run_makes_no_request(store):
    with FakeLrs(lambda batch: (200, [s["id"] for s in batch])) as lrs:
        run(store, lrs)
        made = len(lrs.requests)
        assert run(store, lrs).delivered == 0 and len(lrs.requests) == made


def test_204_means_the_lrs_already_holds_them_each_confirmed_by_a_put(store):
    with FakeLrs(lambda batch: (204, "")) as lrs:
        result = run(store, lrs)
    assert result.held == total(store) and result.sent == 0 and states(store) == {"sent": total(store)}
    assert lrs.methods.count("PUT") == total(store)  # a POST's bare 204 names no ids: each one is confirmed


def test_409_on_a_batch_is_split_until_the_held_statement_is_alone(store):
    held = {outbox(store)[3]["id"], outbox(store)[11]["id"]}
    stored = set(held)

    def answer(batch):
        if any(s["id"] in stored for s in batch):
            return 409, {"detail": "Differing statements already exist with the same ID"}
        stored.update(s["id"] for s in batch)
        return 200, [s["id"] for s in batch]

    with FakeLrs(answer) as lrs:
        result = run(store, lrs, batch=8)
    assert result.held == 2 and result.sent == total(store) - 2 and result.parked == 0
    assert states(store) == {"sent": total(store)}
    assert sorted(lrs.posted.count(i) for i in held) == [4, 4]  # in a batch of 8, then 4, 2, 1


@pytest.mark.parametrize("code, body, reason", [
    (400, {"detail": "Statement verb is not an IRI"}, "HTTP 400: Statement verb is not an IRI"),
    (422, {"detail": [{"loc": ["body", 0, "actor"], "msg": "Field required"}]}, "HTTP 422: actor: Field required"),
])
def test_a_refused_statement_is_parked_with_the_reason_and_the_rest_go_through(store, code, body, reason):
    bad = outbox(store)[6]["id"]

    def answer(batch):
        if any(s["id"] == bad for s in batch):
            return code, body
        return 200, [s["id"] for s in batch]

    with FakeLrs(answer) as lrs:
        result = run(store, lrs, batch=8)
    assert result.parked == 1 and result.sent == total(store) - 1 and result.stopped is None
    parked = outbox(store, "parked")
    assert [p["id"] for p in parked] == [bad] and parked[0]["_reason"] == reason
    assert [len(b) for b in lrs.requests if bad in b] == [8, 4, 2, 1]
    assert run(store, lrs).delivered == 0  # parked stays parked


def test_413_halves_the_batch_for_the_rest_of_the_run(store):
    def answer(batch):
        if len(batch) > 3:
            return 413, {"detail": "Request Entity Too Large"}
        return 200, [s["id"] for s in batch]

    with FakeLrs(answer) as lrs:
        result = run(store, lrs, batch=12)
    assert result.sent == total(store) and result.parked == 0
    assert [len(b) for b in lrs.requests[:3]] == [12, 6, 3]
    assert all(len(b) == 3 for b in lrs.requests[3:-1]) and len(lrs.requests) == 2 + -(-total(store) // 3)


@pytest.mark.parametrize("code", [429, 500, 502, 503])
def test_busy_or_failing_lrs_backs_off_exponentially_then_leaves_the_rest_pending(store, code):
    failing = [True]

    def answer(batch):
        if failing[0]:
            return code, {"detail": "try later"}
        return 200, [s["id"] for s in batch]

    waits = Waits()
    with FakeLrs(answer) as lrs:
        result = run(store, lrs, waits=waits)
        assert waits == [1.0, 2.0, 4.0, 8.0][:RETRIES] and len(lrs.requests) == RETRIES + 1
        assert result.stopped and f"HTTP {code}" in result.stopped and result.pending == total(store)
        assert states(store) == {"pending": total(store)}
        failing[0] = False
        assert run(store, lrs).sent == total(store)


def test_retry_after_is_honoured(store):
    answers = iter([(429, {}, {"Retry-After": "7"})])

    with FakeLrs(lambda batch: next(answers, (200, [s["id"] for s in batch]))) as lrs:
        waits = Waits()
        result = run(store, lrs, waits=waits)
    assert waits == [7.0] and result.sent == total(store)


def test_a_timeout_backs_off_then_stops(store):
    waits = Waits()
    with FakeLrs(lambda batch: (None, None)) as lrs:
        result = run(store, lrs, timeout=0.2, waits=waits)
    assert "timeout" in result.stopped and len(waits) == RETRIES and result.pending == total(store)


def test_a_refused_connection_backs_off_then_stops(store):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    waits = Waits()
    client = LrsClient(f"http://127.0.0.1:{port}/xAPI/", timeout=2)
    result = sync_once(store, client, sleep=waits)
    assert "connection refused" in result.stopped and len(waits) == RETRIES
    assert states(store) == {"pending": total(store)}


@pytest.mark.parametrize("code", [401, 403])
def test_wrong_credentials_stop_at_once(store, code):
    waits = Waits()
    with FakeLrs(lambda batch: (code, {"detail": "Invalid authentication credentials"})) as lrs:
        result = run(store, lrs, waits=waits)
        assert len(lrs.requests) == 1 and waits == []
    assert result.auth_failed and "TRAINER_LRS_USER" in result.stopped and result.pending == total(store)


# --- the command -------------------------------------------------------------------------------------------
@pytest.fixture
def site_db(tmp_path, monkeypatch, fast_hashing):
    db = tmp_path / "site.db"
    store = site_store(db)
    play(store, "Sam Rivera", pick=1)
    play(store, "Ana Costa", pick=2)
    store.close()
    monkeypatch.setenv("TRAINER_SUPERVISOR", BOSS)
    monkeypatch.setenv("TRAINER_PASSPHRASE", BOSS_PASS)
    monkeypatch.setenv("TRAINER_LRS_USER", "trainer")
    monkeypatch.setenv("TRAINER_LRS_PASSWORD", "lrs secret")
    return db


def status(runner, db) -> dict:
    result = runner.invoke(cli, ["--db", str(db), "sync", "--status", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_sync_command_sends_then_reports_and_is_audited(runner, site_db):
    n = status(runner, site_db)["pending"]
    with FakeLrs(lambda batch: (200, [s["id"] for s in batch])) as lrs:
        result = runner.invoke(cli, ["--db", str(site_db), "sync", "--endpoint", lrs.endpoint])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"sync to {lrs.endpoint}: sent {n}, parked 0, 0 pending"
        assert lrs.auth[0] == "Basic " + base64.b64encode(b"trainer:lrs secret").decode()
    data = status(runner, site_db)
    assert (data["pending"], data["sent"], data["parked"], data["parked_statements"]) == (0, n, 0, [])
    from trainer.progress import audit
    from trainer.progress.store import Store

    store = Store.open(site_db)
    assert audit.entries(store, "sync")[-1]["detail"]["sent"] == n
    store.close()


def test_sync_command_shows_parked_reasons_and_can_retry_them(runner, site_db):
    n = status(runner, site_db)["pending"]
    refuse = [True]

    def answer(batch):
        if refuse[0] and any(s["verb"]["display"]["en-US"] == "completed" for s in batch):
            return 400, {"detail": "no completions today"}
        return 200, [s["id"] for s in batch]

    with FakeLrs(answer) as lrs:
        assert runner.invoke(cli, ["--db", str(site_db), "sync", "--endpoint", lrs.endpoint]).exit_code == 0
        data = status(runner, site_db)
        assert (data["pending"], data["sent"], data["parked"]) == (0, n - 2, 2)
        assert data["parked_statements"][0]["reason"] == "HTTP 400: no completions today"
        assert data["parked_statements"][0]["verb"] == "completed"
        text = runner.invoke(cli, ["--db", str(site_db), "sync", "--status"]).output
        assert f"pending 0, sent {n - 2}, parked 2" in text and "no completions today" in text
        refuse[0] = False
        result = runner.invoke(cli, ["--db", str(site_db), "sync", "--endpoint", lrs.endpoint, "--retry-parked"])
        assert result.exit_code == 0 and "sent 2, parked 0" in result.output
    assert status(runner, site_db)["sent"] == n


def test_sync_command_exit_1_when_the_lrs_refuses_credentials(runner, site_db):
    n = status(runner, site_db)["pending"]
    with FakeLrs(lambda batch: (401, {"detail": "Invalid authentication credentials"})) as lrs:
        result = runner.invoke(cli, ["--db", str(site_db), "sync", "--endpoint", lrs.endpoint])
    assert result.exit_code == 1 and "refused trainer's credentials" in result.output
    assert status(runner, site_db)["pending"] == n


def test_sync_command_needs_a_supervisor_an_endpoint_and_a_safe_address(runner, site_db, monkeypatch):
    result = runner.invoke(cli, ["--db", str(site_db), "sync", "--endpoint", "http://lrs.example.org/xAPI/"])
    assert result.exit_code == 2 and "use https" in result.output
    assert runner.invoke(cli, ["--db", str(site_db), "sync"]).exit_code == 2
    monkeypatch.setenv("TRAINER_PASSPHRASE", "wrong passphrase")
    result = runner.invoke(cli, ["--db", str(site_db), "sync", "--status"])
    assert result.exit_code == 2 and "pending" not in result.output


def test_sync_command_refuses_a_personal_database(runner, tmp_path):
    db = tmp_path / "personal.db"
    result = runner.invoke(cli, ["--db", str(db), "sync", "--status"])
    assert result.exit_code == 1 and "personal database" in result.output


# --- in the background (what `trainer serve --sync-every` runs) ------------------------------------------
def test_periodic_sync_runs_at_once_then_stops_cleanly(tmp_path, fast_hashing):
    import threading

    from trainer.outbox.sync import PeriodicSync
    from trainer.progress.store import Store

    db = tmp_path / "site.db"
    store = site_store(db)
    play(store, "Sam Rivera")
    expected = total(store)
    store.close()
    results, ran = [], threading.Event()

    def heard(result):
        results.append(result)
        ran.set()

    with FakeLrs(lambda batch: (200, [s["id"] for s in batch])) as lrs:
        runner = PeriodicSync(lambda: Store.open(db), LrsClient(lrs.endpoint), every=3600, on_result=heard).start()
        assert ran.wait(30)
        runner.stop(timeout=30)
    assert len(results) == 1 and results[0].sent == expected
    assert not runner._thread.is_alive()


def test_periodic_sync_stopping_does_not_wait_out_a_failing_lrs(tmp_path, fast_hashing):
    from trainer.outbox.sync import PeriodicSync
    from trainer.progress.store import Store

    db = tmp_path / "site.db"
    store = site_store(db)
    play(store, "Sam Rivera", steps=2)
    store.close()
    with FakeLrs(lambda batch: (503, {"detail": "down for maintenance"})) as lrs:
        runner = PeriodicSync(lambda: Store.open(db), LrsClient(lrs.endpoint), every=3600)
        runner.stop()  # the server is shutting down while a run is under way
        result = runner.run_now()
        assert len(lrs.requests) == 1
    assert result.stopped.startswith("stopping") and result.pending == 2


@pytest.mark.parametrize("text, seconds", [("5m", 300), ("90s", 90), ("1h", 3600), ("45", 45), ("1.5m", 90)])
def test_sync_intervals(text, seconds):
    from trainer.outbox.sync import parse_interval

    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "m5", "3s", "-5m"])
def test_bad_sync_intervals(text):
    from trainer.outbox.sync import parse_interval

    with pytest.raises(ValueError):
        parse_interval(text)
