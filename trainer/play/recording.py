"""A play session wired to the store: every choice is committed the moment it is made.

The TUI and `trainer simulate --record` both go through this class, so they record identically.
"""

from __future__ import annotations

import time
from typing import Callable

from trainer.play.engine import Session, Step, compiled_for
from trainer.progress.store import Store, StoreError, Trainee


class RecordedAttempt:
    def __init__(self, store: Store, attempt_id: str, session: Session, mode: str):
        self.store = store
        self.attempt_id = attempt_id
        self.session = session
        self.mode = mode
        self._finished_recorded = False
        self._next_seq: int | None = None  # undone rows keep their numbers, so read it once from the store

    @classmethod
    def start(cls, store: Store, trainee: Trainee, scenario, mode: str = "practice",
              clock: Callable[[], float] = time.time) -> "RecordedAttempt":
        session = compiled_for(scenario).start(clock)
        attempt_id = store.start_attempt(trainee, scenario, mode, at=_iso(session.started_at))
        return cls(store, attempt_id, session, mode)

    @classmethod
    def resume(cls, store: Store, attempt_id: str, scenario, clock: Callable[[], float] = time.time
               ) -> "RecordedAttempt":
        """Rebuild the session by replaying the recorded choices through the machine."""
        row = store.attempt(attempt_id)
        if row is None:
            raise StoreError(f"no attempt {attempt_id}")
        if row["content_hash"] != scenario.content_hash:
            raise StoreError("the scenario has changed since this attempt was started; it cannot be resumed")
        data = {"transcript": [step_from_row(s) for s in store.steps(attempt_id)], "started_at": row["started_at"]}
        session = Session.from_json(compiled_for(scenario), data, clock)
        return cls(store, attempt_id, session, row["mode"])

    def choose(self, wanted, now: float | None = None) -> Step:
        step = self.session.choose(wanted, now)
        self._commit(step)
        return step

    def time_out(self, now: float | None = None) -> Step:
        step = self.session.time_out(now)
        self._commit(step)
        return step

    def _commit(self, step: Step) -> None:
        if self._next_seq is None:
            self._next_seq = self.store.next_seq(self.attempt_id)
        try:
            self.store.record_choice(self.attempt_id, self.session.scenario.id, self._next_seq, step)
        except Exception:
            # not recorded means not made: keep the session and the database in agreement
            self.session.undo()
            raise
        self._next_seq += 1
        if self.session.finished:
            self.finish()

    def undo(self) -> Step | None:
        if self.mode != "practice" or not self.session.transcript or self.session.finished:
            return None
        seq = self.store.next_seq(self.attempt_id) - 1
        live = self.store.steps(self.attempt_id)
        if live:
            seq = live[-1]["seq"]
        removed = self.session.undo()
        self.store.undo_choice(self.attempt_id, self.session.scenario.id, seq)
        return removed

    def finish(self) -> None:
        if self._finished_recorded or not self.session.finished:
            return
        ending = self.session.scenario.endings[self.session.state]
        self.store.finish_attempt(self.attempt_id, ending.id, ending.outcome, self.session.score(),
                                  at=self.session.transcript[-1].at if self.session.transcript else None)
        self._finished_recorded = True

    def abandon(self) -> None:
        if not self.session.finished:
            self.store.abandon_attempt(self.attempt_id)

    def close(self) -> None:
        self.session.close()


def _iso(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


def step_from_row(row: dict) -> dict:
    """A stored choice as a transcript step for `Session.from_json` (the replay fills in the rest)."""
    keys = ("node", "choice", "number", "text", "points", "mood_before", "mood_after", "at", "latency",
            "critical", "timed_out")
    out = {k: row[k] for k in keys}
    out.update({"flags_before": [], "feedback": "", "tags": row.get("tags", []), "next": ""})
    return out


class UnrecordedAttempt:
    """The same interface as `RecordedAttempt` with nothing saved: for `trainer preview`."""

    mode = "practice"
    attempt_id = None

    def __init__(self, session: Session):
        self.session = session

    def choose(self, wanted, now: float | None = None) -> Step:
        return self.session.choose(wanted, now)

    def time_out(self, now: float | None = None) -> Step:
        return self.session.time_out(now)

    def undo(self) -> Step | None:
        return None if self.session.finished else self.session.undo()

    def finish(self) -> None:
        pass

    def close(self) -> None:
        self.session.close()
