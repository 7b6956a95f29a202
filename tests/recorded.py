"""Recorded data for report, export and review tests, made through the same path as the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, doc_example
from trainer.scenario.loader import load_scenario
from trainer.play.recording import RecordedAttempt
from trainer.progress.store import Store


def recorded_store(tmp_path: Path) -> Store:
    spouse = tmp_path / "spouse-call.yaml"
    spouse.write_text(doc_example(), encoding="utf-8")
    spouse_s = load_scenario(spouse)
    minimal = load_scenario(FIXTURES / "minimal.yaml")
    store = Store.open(tmp_path / "progress.db")
    clock = iter(range(1_700_000_000, 1_800_000_000, 7)).__next__
    dana, luis = store.trainee("Dana Whitfield"), store.trainee("Luis Ortega")
    plays = [
        (dana, spouse_s, ["warm-opening", "check-authorisation", "offer-route"]),   # pass
        (dana, spouse_s, ["confirm-patient", "read-results"]),                        # critical
        (luis, spouse_s, ["warm-opening", "check-authorisation", "policy-wall"]),
        (luis, minimal, ["help"]),
        (luis, spouse_s, ["warm-opening"]),                                           # left in progress
    ]
    for who, scenario, choices in plays:
        attempt = RecordedAttempt.start(store, who, scenario, "assessment", clock=lambda: float(clock()))
        for choice in choices:
            attempt.choose(choice)
    return store


SECRET = "correct horse battery"  # the supervisor passphrase of `store`


@pytest.fixture
def store(tmp_path):
    """The recorded store with a supervisor passphrase (SECRET), as the review app opens it."""
    store = recorded_store(tmp_path)
    from trainer.progress import passphrase

    passphrase.set_passphrase(store, SECRET)
    yield store
    store.close()
