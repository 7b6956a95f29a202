"""Syncing into a real LRS (ralph-malph on 127.0.0.1): every statement read back as sent, duplicates
and restarts stored exactly once, a refused statement parked while the rest go through."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from trainer.outbox.sync import sync_once
from trainer.progress import audit

from outbox_helpers import BOSS, outbox, play, site_store, statements
from ralph_lrs import CrashingProxy, Ralph

LRS_FIELDS = ("stored", "authority", "version")


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    """One LRS for the module (it takes seconds to start); each test's site has an IRI of its own, so a
    test sees exactly what its site put there."""
    lrs = Ralph(tmp_path_factory.mktemp("ralph")).start()
    yield lrs
    lrs.stop()


@pytest.fixture
def own_ralph(tmp_path):
    lrs = Ralph(tmp_path / "ralph").start()
    yield lrs
    lrs.stop()


def new_iri() -> str:
    return f"https://clinic-{uuid.uuid4().hex[:8]}.example/training"


@pytest.fixture
def store(tmp_path, fast_hashing):
    store = site_store(tmp_path / "site.db", new_iri())
    for pick, name in enumerate(("Sam Rivera", "Ana Costa", "Sam Rivera", "Ana Costa", "Sam Rivera")):
        play(store, name, pick=pick)
    signed = play(store, "Ana Costa", pick=1)
    audit.sign_off(store, signed.attempt_id, BOSS)
    audit.withdraw_sign_off(store, signed.attempt_id, BOSS)
    practice = play(store, "Sam Rivera", pick=1, steps=2)
    assert practice.undo() is not None
    yield store
    store.close()


def no_wait(seconds: float) -> None:
    pass


def from_site(ralph: Ralph, store) -> list[dict]:
    iri = statements(store)[0]["actor"]["account"]["homePage"]
    return [s for s in ralph.statements() if s["actor"]["account"]["homePage"] == iri]


def held_once(ralph: Ralph, store) -> Counter:
    """How many times the LRS holds each of this site's statements; asserts nothing else of it is there."""
    counts = Counter(s["id"] for s in from_site(ralph, store))
    assert set(counts) == {s["id"] for s in statements(store)}
    return counts


def test_every_statement_reads_back_as_sent_and_a_second_run_sends_nothing(ralph, store):
    sent = statements(store)
    result = sync_once(store, ralph.client(), batch=7)
    assert (result.sent, result.parked, result.pending, result.stopped) == (len(sent), 0, 0, None)
    for statement in sent:
        stored = ralph.get(statement["id"])
        assert stored is not None, statement["id"]
        assert {k: v for k, v in stored.items() if k not in LRS_FIELDS} == statement
    assert set(held_once(ralph, store).values()) == {1}
    verbs = Counter(s["verb"]["display"]["en-US"] for s in sent)
    assert verbs["signed off"] == 1 and verbs["voided"] == 2 and verbs["completed"] == 6
    again = sync_once(store, ralph.client())
    assert (again.requests, again.delivered) == (0, 0)
    assert len(from_site(ralph, store)) == len(sent)


def test_statements_sent_again_are_held_once(ralph, store):
    sync_once(store, ralph.client())
    with store.write():  # as in a backup taken before that sync and restored after it
        store._db.conn.execute("UPDATE outbox SET state = 'pending'")
    result = sync_once(store, ralph.client(), batch=10)
    assert result.held == len(statements(store)) and result.sent == 0
    assert set(held_once(ralph, store).values()) == {1}


def test_lrs_stopped_in_the_middle_of_a_batch_then_started_again(own_ralph, store):
    ralph = own_ralph
    proxy = CrashingProxy(ralph, crash_on=3)
    try:
        first = sync_once(store, ralph.client(proxy.endpoint), batch=5, sleep=no_wait)
        assert first.stopped and first.pending > 0
        assert first.sent == 10  # two batches answered; the third was stored but never answered
        ralph.start()
        assert len(ralph.statements()) == 15
        second = sync_once(store, ralph.client(proxy.endpoint), batch=5, sleep=no_wait)
    finally:
        proxy.close()
    assert second.stopped is None and second.pending == 0 and second.held >= 5
    assert first.sent + second.delivered == len(statements(store))
    assert set(held_once(ralph, store).values()) == {1}


def test_a_statement_the_lrs_refuses_is_parked_and_the_others_go_through(ralph, store):
    bad = outbox(store)[4]["id"]
    with store.write():
        store._db.conn.execute("UPDATE outbox SET statement = json_remove(statement, '$.actor')"
                               " WHERE statement_id = ?", [bad])
    result = sync_once(store, ralph.client(), batch=8)
    assert result.parked == 1 and result.sent == len(statements(store)) - 1 and result.pending == 0
    parked = outbox(store, "parked")
    assert [p["id"] for p in parked] == [bad]
    assert parked[0]["_reason"].startswith("HTTP 422: actor: Field required")
    stored = Counter(s["id"] for s in from_site(ralph, store))
    assert bad not in stored and set(stored.values()) == {1} and len(stored) == len(statements(store)) - 1


def test_two_clinics_sync_into_one_lrs(ralph, tmp_path, fast_hashing):
    north, south = new_iri(), new_iri()
    sites = {north: tmp_path / "north.db", south: tmp_path / "south.db"}
    expected = {}
    for iri, path in sites.items():
        clinic = site_store(path, iri)
        for pick, name in enumerate(("Sam Rivera", "Ana Costa", "Sam Rivera")):  # the same names at both sites
            play(clinic, name, pick=pick)
        expected[iri] = statements(clinic)
        assert sync_once(clinic, ralph.client()).sent == len(expected[iri])
        clinic.close()
    held = [s for s in ralph.statements() if s["actor"]["account"]["homePage"] in sites]
    assert Counter(s["id"] for s in held) == Counter(s["id"] for group in expected.values() for s in group)
    for iri, sent in expected.items():
        mine = [s for s in held if s["actor"]["account"]["homePage"] == iri]
        assert {s["id"] for s in mine} == {s["id"] for s in sent}
        assert all(s["object"]["id"].startswith(iri + "/") for s in mine if s["object"]["objectType"] == "Activity")
        completed = {s["context"]["registration"] for s in mine if s["verb"]["display"]["en-US"] == "completed"}
        assert len(completed) == 3
    actors = {iri: {s["actor"]["account"]["name"] for s in sent} for iri, sent in expected.items()}
    assert len(actors[north]) == len(actors[south]) == 2 and not actors[north] & actors[south]
