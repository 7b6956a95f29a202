"""The audit trail and sign-off: who signed off what and when, refused on unfinished or empty attempts,
withdrawn without deleting anything, notes recorded."""

from __future__ import annotations

import pytest

from tests.recorded import recorded_store
from trainer.progress import audit
from trainer.progress.store import StoreError


@pytest.fixture
def store(tmp_path):
    store = recorded_store(tmp_path)
    yield store
    store.close()


def _attempt(store, status: str) -> str:
    return store._db.execute("SELECT id FROM attempts WHERE status = ? ORDER BY started_at", [status]).fetchone()[0]


def test_sign_off_names_the_supervisor_and_is_audited(store):
    done = _attempt(store, "completed")
    audit.sign_off(store, done, "Morgan Lee")
    row = store.attempt(done)
    assert row.signed_off_by == "Morgan Lee" and row.signed_off_at
    entry = audit.entries(store)[-1]
    assert (entry["actor"], entry["action"], entry["subject"]) == ("Morgan Lee", "sign-off", done)
    with pytest.raises(StoreError, match="already signed off by Morgan Lee"):
        audit.sign_off(store, done, "Kim Baptiste")


def test_sign_off_is_refused_on_an_attempt_in_progress_or_without_choices(store):
    running = _attempt(store, "in-progress")
    with pytest.raises(StoreError, match="still in progress"):
        audit.sign_off(store, running, "Morgan Lee")
    store._db.execute("UPDATE attempts SET status = 'abandoned', choices = 0 WHERE id = ?", [running])
    with pytest.raises(StoreError, match="no choices"):
        audit.sign_off(store, running, "Morgan Lee")
    assert store.attempt(running).signed_off_by is None
    assert audit.entries(store, "sign-off") == []


def test_withdrawing_a_sign_off_is_recorded_and_deletes_nothing(store):
    done = _attempt(store, "completed")
    audit.sign_off(store, done, "Morgan Lee")
    audit.withdraw_sign_off(store, done, "Kim Baptiste")
    assert store.attempt(done).signed_off_by is None
    actions = [(e["actor"], e["action"]) for e in audit.entries(store)]
    assert actions == [("Morgan Lee", "sign-off"), ("Kim Baptiste", "withdraw-sign-off")]
    assert audit.entries(store)[-1]["detail"]["signed_off_by"] == "Morgan Lee"
    with pytest.raises(StoreError, match="not signed off"):
        audit.withdraw_sign_off(store, done, "Kim Baptiste")


def test_notes_are_audited_and_readable_by_their_trainee_only(store):
    dana, luis = store.find_trainee("Dana Whitfield"), store.find_trainee("Luis Ortega")
    dana_attempt = store.attempts_for(dana)[0].id
    audit.add_note(store, dana_attempt, "Morgan Lee", "Good verification; slow down at the end.")
    assert [n.text for n in audit.notes_for_trainee(store, dana.id)] == ["Good verification; slow down at the end."]
    assert audit.notes_for_trainee(store, luis.id) == []
    assert audit.entries(store)[-1]["action"] == "note"
