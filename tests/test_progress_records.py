"""#23: the store hands out typed records (one shape for a recorded choice), the outbox gets its facts from
the store through a registered builder (progress never imports outbox), and sqlite-utils is used only
through its public API."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlite_utils import Database

from trainer.play.engine import Step
from trainer.progress.migrations import migrations
from trainer.progress.records import Attempt, StoredChoice

from outbox_helpers import play, site_store, statements

ROOT = Path(__file__).resolve().parent.parent


def test_a_recorded_choice_comes_back_in_one_typed_shape_that_replays(fast_hashing):
    store = site_store()
    attempt = play(store, "Sam Rivera", steps=2)
    [first, second] = store.steps(attempt.attempt_id)
    made = attempt.session.transcript[0]
    assert isinstance(first, StoredChoice) and (first.seq, second.seq) == (1, 2)
    assert (first.node, first.choice, first.text, first.points, first.mood_after, first.tags) == \
        (made.node, made.choice, made.text, made.points, made.mood_after, made.tags)
    assert first.shown and made.choice in first.shown and first.timed_out is False
    assert set(first.transcript_step()) == {f.name for f in dataclasses.fields(Step)} - {"reply"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.text = "changed"  # type: ignore[misc]
    row = store.attempt(attempt.attempt_id)
    assert isinstance(row, Attempt) and row.status == "in-progress" and row.choices == 2 and row.passed is None
    assert [a.id for a in store.attempts_for(store.find_trainee("Sam Rivera"), limit=1)] == [attempt.attempt_id]
    # the statement the outbox got was built from the very record the store wrote
    answered = statements(store)[1]
    assert answered["result"]["response"] == second.choice and answered["timestamp"] == second.at
    store.close()


def test_the_migrations_known_are_every_one_registered():
    """`NamedMigrations.names` (used to refuse a newer database) agrees with sqlite-utils' public answer;
    an upgrade of sqlite-utils that changed how migrations register fails here, not in the field."""
    assert migrations.names == [m.name for m in migrations.pending(Database(memory=True))]
    assert len(set(migrations.names)) == len(migrations.names) > 10


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_every_entry_point_registers_the_statement_builder(tmp_path):
    """The apps (trainer.launch, when their store opens), the served web app (trainer.web) and every command
    that opens the store (trainer.cli.base) register it."""
    opened = {"trainer.launch": f"from trainer.launch import create_app\n"
                                f"create_app(db={str(tmp_path / 'app.db')!r}, trainee='Robin Test').store",
              "trainer.web": "import trainer.web",
              "trainer.cli.base": f"from trainer.cli.base import Context\nContext({str(tmp_path / 'p.db')!r}, ()).store()"}
    for module, code in opened.items():
        done = _python(code + "\nfrom trainer.progress import outbox_tables\nprint(outbox_tables._builder is not None)")
        assert done.stdout.strip() == "True", (module, done.stderr)


def test_a_site_database_written_without_the_builder_is_refused_and_nothing_lands(tmp_path):
    """progress never imports outbox: a process that forgot to register the builder must not record a
    choice on a site database without its statement (the transaction rolls back, with a reason)."""
    code = f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        from trainer.progress import outbox_tables
        from trainer.progress.store import Store, StoreError
        from outbox_helpers import play, site_store
        assert outbox_tables._builder is None, "imported by something at load time"
        store = site_store()
        try:
            play(store, "Sam Rivera", steps=1)
        except StoreError as exc:
            print("refused:", exc)
        print(store.backup_source().execute("SELECT count(*) FROM choices").fetchone()[0])
    """
    done = _python(code)
    assert "refused: this is a site database" in done.stdout, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0"
