"""The xAPI outbox: every statement an attempt produces is written with the fact it reports, in the same
transaction; actors are pseudonymous; the export and the outbox build the same statements."""

from __future__ import annotations

import json
import re
import sqlite3
from types import SimpleNamespace

import pytest

from trainer.cli import cli
from trainer.outbox import statements as st
from trainer.progress import audit, outbox_tables
from trainer.progress.store import Store, StoreError
from trainer.reports.exports import export_xapi

from outbox_helpers import BOSS, BOSS_PASS, IRI, outbox, play, site_store, statements

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def store(fast_hashing):
    store = site_store()
    yield store
    store.close()


def verbs(store) -> list[str]:
    return [s["verb"]["display"]["en-US"] for s in statements(store)]


def test_each_choice_then_the_result_is_queued_as_it_happens(store):
    attempt = play(store, "Sam Rivera", steps=2)
    assert verbs(store) == ["answered", "answered"]
    while not attempt.session.finished:
        attempt.choose(attempt.session.options()[0].id)
    made = len(attempt.session.transcript)
    result = "passed" if attempt.session.score().passed else "failed"
    assert verbs(store) == ["answered"] * made + ["completed", result]
    done = statements(store)[-1]
    assert done["result"]["score"]["raw"] == pytest.approx(attempt.session.score().overall)
    assert done["result"]["success"] is attempt.session.score().passed
    assert set(done["result"]["extensions"][f"{IRI}/xapi/extensions/skills"]) <= set(attempt.session.points)
    assert all(s["_state"] == "pending" for s in outbox(store))


def test_the_outbox_row_and_the_fact_land_together_or_not_at_all(store, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(outbox_tables, "enqueue", broken)
    with pytest.raises((StoreError, sqlite3.Error)):
        play(store, "Sam Rivera", steps=1)
    assert store._db.execute("SELECT count(*) FROM choices").fetchone()[0] == 0
    assert outbox(store) == []


def test_export_and_outbox_build_the_same_statements(store):
    play(store, "Sam Rivera", pick=0)
    play(store, "Ana Costa", pick=1)
    play(store, "Sam Rivera", pick=2, steps=3)  # still in progress
    exported = export_xapi(store)
    assert exported == statements(store)
    assert {s["actor"]["account"]["homePage"] for s in exported} == {IRI}
    assert export_xapi(store) == exported  # stable ids, stable content


def test_actors_are_a_random_uuid_per_trainee_on_the_site_and_never_a_name(store):
    play(store, "Sam Rivera")
    play(store, "Sam Rivera", pick=1)
    play(store, "Ana Costa")
    per_attempt = {}
    for s in statements(store):
        actor = s["actor"]
        assert set(actor) == {"objectType", "account"} and actor["account"]["homePage"] == IRI
        assert UUID4.match(actor["account"]["name"])
        per_attempt.setdefault(s["context"]["registration"], set()).add(actor["account"]["name"])
    text = json.dumps(statements(store))
    assert "Sam" not in text and "Ana" not in text and "trainee-" not in text
    assert all(len(names) == 1 for names in per_attempt.values())
    sam, sam_again, ana = (names.pop() for names in per_attempt.values())
    assert sam == sam_again != ana


def test_names_only_after_the_site_opts_in(tmp_path, runner, monkeypatch, fast_hashing):
    db = tmp_path / "site.db"
    store = site_store(db)
    play(store, "Sam Rivera", steps=1)
    monkeypatch.setenv("TRAINER_SUPERVISOR", BOSS)
    monkeypatch.setenv("TRAINER_PASSPHRASE", BOSS_PASS)
    result = runner.invoke(cli, ["--db", str(db), "site", "set", "--xapi-names"])
    assert result.exit_code == 0, result.output
    play(store, "Sam Rivera", steps=1)
    before, after = statements(store)
    assert "name" not in before["actor"] and after["actor"]["name"] == "Sam Rivera"
    assert after["actor"]["account"] == before["actor"]["account"]
    assert export_xapi(store)[0]["actor"]["name"] == "Sam Rivera"
    assert audit.entries(store, "site-set")[-1]["actor"] == BOSS
    assert runner.invoke(cli, ["--db", str(db), "site", "set", "--no-xapi-names"]).exit_code == 0
    play(store, "Sam Rivera", steps=1)
    assert "name" not in statements(store)[-1]["actor"]
    store.close()


def test_activity_iris_are_percent_encoded():
    where = st.Site("https://clinic.example/training/")
    attempt = SimpleNamespace(id="a" * 32, scenario_id="front desk/é", scenario_title="T", scenario_version=1,
                              mode="practice")
    step = SimpleNamespace(seq=1, node="ask #1?", choice="c", latency=1.0, at="2026-11-30T10:00:00+00:00",
                           points={}, critical=None)
    made = st.answered(where, where.agent("x", None), attempt, step)
    assert made["object"]["id"] == "https://clinic.example/training/scenarios/front%20desk%2F%C3%A9/nodes/ask%20%231%3F"
    assert made["context"]["contextActivities"]["parent"][0]["id"].endswith("/scenarios/front%20desk%2F%C3%A9")


def test_sign_off_and_its_withdrawal_void_it(store):
    attempt = play(store, "Sam Rivera")
    audit.sign_off(store, attempt.attempt_id, BOSS)
    signed = statements(store)[-1]
    assert signed["verb"]["id"] == st.VERB_SIGNED_OFF
    assert signed["object"] == {"objectType": "StatementRef", "id": st.stable_id("completed", attempt.attempt_id)}
    assert UUID4.match(signed["actor"]["account"]["name"]) and "name" not in signed["actor"]
    audit.withdraw_sign_off(store, attempt.attempt_id, BOSS)
    void = statements(store)[-1]
    assert void["verb"]["id"] == st.VERB_VOIDED and void["object"] == {"objectType": "StatementRef", "id": signed["id"]}
    audit.sign_off(store, attempt.attempt_id, BOSS)
    again = statements(store)[-1]
    assert again["verb"]["id"] == st.VERB_SIGNED_OFF and again["id"] not in (signed["id"], void["id"])


def test_a_choice_taken_back_in_practice_is_voided(store):
    attempt = play(store, "Sam Rivera", steps=2)
    taken_back = statements(store)[-1]["id"]
    attempt.undo()
    void = statements(store)[-1]
    assert void["verb"]["id"] == st.VERB_VOIDED and void["object"]["id"] == taken_back
    attempt.choose(attempt.session.options()[1].id)
    assert verbs(store) == ["answered", "answered", "voided", "answered"]
    assert len({s["id"] for s in statements(store)}) == 4


def test_a_personal_database_has_no_outbox():
    store = Store.memory()
    play(store, "Sam Rivera")
    assert outbox(store) == []
    assert all(s["actor"]["account"]["homePage"] == "https://trainer.example.org" for s in export_xapi(store))


def test_an_upgraded_site_database_queues_its_history_once(tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    store = site_store(db)
    play(store, "Sam Rivera")
    first = play(store, "Ana Costa", pick=1)
    audit.sign_off(store, first.attempt_id, BOSS)
    play(store, "Ana Costa", steps=2)
    expected = export_xapi(store)
    # the same database as the version before the outbox left it
    store._db.conn.executescript("DROP TABLE outbox; DROP TRIGGER trainees_xapi_agent; DROP TABLE xapi_agents;"
                                 " DELETE FROM _sqlite_migrations WHERE name = 'm006_outbox';")
    store.close()
    store = Store.open(db)
    queued = statements(store)
    assert [s["id"] for s in queued if s["verb"]["id"] != st.VERB_SIGNED_OFF] == [s["id"] for s in expected]
    assert [s["verb"]["id"] for s in queued].count(st.VERB_SIGNED_OFF) == 1
    assert queued[:len(expected)] != [] and all(s["actor"]["account"]["homePage"] == IRI for s in queued)
    store.close()
    store = Store.open(db)
    assert len(statements(store)) == len(queued)
    store.close()
