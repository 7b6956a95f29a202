"""A play session wired to the store: every choice is committed the moment it is made.

The TUI and `trainer simulate --record` both go through this class, so they record identically.
"""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import datetime
from typing import Callable

from trainer.play.engine import Session, Step, compiled_for
from trainer.play.unseen import seen_in_practice
from trainer.progress import accommodations
from trainer.progress.records import Attempt, StoredChoice
from trainer.progress.store import AttemptMovedOn, Finish, Store, StoreError, Trainee
from trainer.scenario.placeholders import personalised


def trainee_name(store: Store, attempt: Attempt) -> str | None:
    """The name of the trainee who made a recorded attempt (for `{trainee}` in what they were shown)."""
    return store.trainee_name(attempt.trainee_id)


class RecordedAttempt:
    """One attempt as this window plays it. Its `owner` token is checked in the same transaction as
    every write, so a second window that takes the attempt over stops this one cleanly."""

    def __init__(self, store: Store, attempt_id: str, session: Session, mode: str, owner: str | None = None):
        self.store = store
        self.attempt_id = attempt_id
        self.session = session
        self.mode = mode
        self.owner = owner or uuid.uuid4().hex
        self._finished_recorded = False
        self._next_seq: int | None = None  # undone rows keep their numbers, so read it once from the store

    @classmethod
    def start(cls, store: Store, trainee: Trainee, scenario, mode: str = "practice",
              clock: Callable[[], float] = time.time, seed: int | None = None) -> "RecordedAttempt":
        """A new attempt. With a `seed` (stored with it) its choices are shown in an order of its own;
        without one, in file order (`trainer simulate --record` without `--seed`). `{trainee}` in its
        lines is the trainee's first name (trainer.scenario.placeholders)."""
        scenario = personalised(scenario, trainee.name)
        session = compiled_for(scenario).start(clock, seed)
        started = _iso(session.started_at)
        if mode == "assessment":  # prefer wordings practice has not shown
            session.seen_wordings = seen_in_practice(store, trainee.id, scenario, before=started)
        owner = uuid.uuid4().hex
        attempt_id = store.start_attempt(trainee, scenario, mode, at=started, seed=seed, owner=owner)
        session.accommodation = accommodations.for_attempt(store, attempt_id)  # recorded with it as it started
        return cls(store, attempt_id, session, mode, owner)

    @classmethod
    def resume(cls, store: Store, attempt_id: str, scenario, clock: Callable[[], float] = time.time
               ) -> "RecordedAttempt":
        """Rebuild the session by replaying the recorded choices through the machine, and take an
        unfinished attempt over for this window. A replay that already reaches an ending finishes it."""
        row = store.attempt(attempt_id)
        if row is None:
            raise StoreError(f"no attempt {attempt_id}")
        if row.content_hash != scenario.content_hash:
            raise StoreError("the scenario has changed since this attempt was started; it cannot be resumed")
        scenario = personalised(scenario, trainee_name(store, row))
        rows = store.steps(attempt_id)
        seen = seen_in_practice(store, row.trainee_id, scenario, before=row.started_at) \
            if row.mode == "assessment" else {}
        session, fits = _replay_prefix(compiled_for(scenario), rows, row, clock, seen)
        session.accommodation = accommodations.for_attempt(store, attempt_id)
        attempt = cls(store, attempt_id, session, row.mode)
        if row.completed:  # rebuilt to be read (a debrief reopened): nothing more to write
            if fits < len(rows):
                session.close()
                raise StoreError(_does_not_replay(rows[fits]))
            attempt._finished_recorded = True
            return attempt
        store.claim(attempt_id, attempt.owner)
        if fits < len(rows):  # a step answered twice by an older version: keep the first answer
            store.take_back(attempt_id, [r.seq for r in rows[fits:]], attempt.owner)
        if session.finished:
            attempt.finish()
        return attempt

    def show(self, now: float) -> float | None:
        """The node now on screen: when it was first shown and its deadline, kept in the store so that
        leaving and resuming (or a crash) never restarts the clock. Returns the deadline, if timed."""
        if self.session.finished:
            return None
        limit = self.session.time_limit
        shown_at, deadline = self.store.node_shown(self.attempt_id, self._seq(), now,
                                                   now + limit if limit is not None else None, self.owner)
        self.session.shown_at = shown_at
        return deadline

    def choose(self, wanted, now: float | None = None) -> Step:
        shown = [c.id for c in self.session.options()]
        step = self.session.choose(wanted, now)
        self._commit(step, shown)
        return step

    def time_out(self, now: float | None = None) -> Step:
        shown = [c.id for c in self.session.options()]
        step = self.session.time_out(now)
        self._commit(step, shown)
        return step

    def _seq(self) -> int:
        if self._next_seq is None:
            self._next_seq = self.store.next_seq(self.attempt_id)
        return self._next_seq

    def _commit(self, step: Step, shown: list[str]) -> None:
        """Save the step; the last one saves the attempt's result in the same transaction."""
        session = self.session
        seq = self._seq()
        finish = next_shown = None
        try:
            if session.finished:
                ending = session.scenario.endings[session.state]
                finish = Finish(ending.id, ending.outcome, session.score(), step.at)
            elif self.mode == "assessment":  # the next node is on screen at once: store its clock with the choice
                at = datetime.fromisoformat(step.at).timestamp()
                limit = session.time_limit
                next_shown = (seq + 1, at, at + limit if limit is not None else None)
            self.store.record_choice(self.attempt_id, session.scenario.id, seq, step, owner=self.owner,
                                     shown=shown, next_shown=next_shown, finish=finish,
                                     position=len(session.transcript) - 1)
        except AttemptMovedOn:
            self._catch_up()  # another window answered this step first: carry on from where it left it
            raise
        except BaseException:
            # not recorded means not made: keep the session and the database in agreement
            session.undo()
            raise
        self._next_seq = seq + 1
        if next_shown is not None:
            session.shown_at = next_shown[1]
        self._finished_recorded = finish is not None

    def _catch_up(self) -> None:
        """Replay the stored answers into this session (the same object: screens hold it), so this window
        shows the step the attempt is really at; this window keeps the attempt."""
        steps = self.store.steps(self.attempt_id)
        session = self.session
        data = [s.transcript_step() for s in steps]
        _replayed(lambda: session._restore([Step(**d) for d in data]))
        for made, row in zip(session.transcript, steps):
            made.latency, made.at = row.latency, row.at
        self._next_seq = None
        self._finished_recorded = False
        self.store.claim(self.attempt_id, self.owner)
        if session.finished:
            self.finish()

    def undo(self) -> Step | None:
        if self.mode != "practice" or not self.session.transcript or self.session.finished:
            return None
        live = self.store.steps(self.attempt_id)
        seq = live[-1].seq if live else self.store.next_seq(self.attempt_id) - 1
        self.store.undo_choice(self.attempt_id, self.session.scenario.id, seq, self.owner)
        return self.session.undo()

    def finish(self) -> None:
        """Record the result of a session already at an ending (normally done with the last choice)."""
        if self._finished_recorded or not self.session.finished:
            return
        ending = self.session.scenario.endings[self.session.state]
        self.store.finish_attempt(self.attempt_id, ending.id, ending.outcome, self.session.score(),
                                  at=self.session.transcript[-1].at if self.session.transcript else None,
                                  owner=self.owner)
        self._finished_recorded = True

    def abandon(self) -> None:
        if not self.session.finished:
            self.store.abandon_attempt(self.attempt_id)

    def release(self) -> None:
        """This window is done with the attempt (left, quit or finished)."""
        self.store.release(self.attempt_id, self.owner)

    def close(self) -> None:
        self.session.close()


def _replay_prefix(compiled, rows: list[StoredChoice], attempt: Attempt, clock, seen=None) -> tuple[Session, int]:
    """The session rebuilt from the stored answers, and how many of them it replays: all of them, or those
    before the first that does not fit where the attempt then was. Only a record an older version wrote
    when two windows answered one step has such a row; it and the rows after it (that window's own path)
    are what `resume` takes back. No replayable start at all is a plain StoreError."""
    def replay(count: int) -> Session:
        data = {"transcript": [s.transcript_step() for s in rows[:count]], "started_at": attempt.started_at,
                "seed": attempt.order_seed}
        known = {id(m) for m in compiled.machine.models}
        try:
            return Session.from_json(compiled, data, clock, seen_wordings=seen or {})
        except Exception:
            for model in [m for m in compiled.machine.models if id(m) not in known]:
                compiled.machine.remove_model(model)  # a failed replay must not stay on the shared machine
            raise

    try:
        return replay(len(rows)), len(rows)
    except Exception:  # noqa: BLE001 - find where it stops fitting, below
        pass
    fits = 0
    while fits < len(rows):
        try:
            replay(fits + 1).close()
        except Exception:  # noqa: BLE001 - this row does not fit
            break
        fits += 1
    return _replayed(lambda: replay(fits)), fits


def _does_not_replay(row: StoredChoice) -> str:
    return (f"this attempt's recorded choices no longer replay on the scenario (choice '{row.choice}' at "
            f"'{row.node}' does not follow from the ones before); it cannot be rebuilt")


def _replayed(replay):
    """Run a replay of stored answers; a record the scenario cannot replay is said plainly, never raised
    as a traceback (an answer no longer on offer, a step answered twice by an older version)."""
    try:
        return replay()
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - ChoiceNotAvailable, a machine error, a changed scenario
        raise StoreError(f"this attempt's recorded choices no longer replay on the scenario ({exc}); "
                         "it cannot be resumed, start it again") from exc


def new_seed() -> int:
    """A fresh choice-order seed for an attempt in the app."""
    return secrets.randbelow(2 ** 31)


def _iso(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


class UnrecordedAttempt:
    """The same interface as `RecordedAttempt` with nothing saved: for `trainer preview`."""

    mode = "practice"
    attempt_id = None

    def __init__(self, session: Session):
        self.session = session
        self.partial = False  # not a whole run (started mid-way, or history lost on a reload): no pass or fail

    def show(self, now: float) -> float | None:
        self.session.shown_at = now
        limit = self.session.time_limit
        return now + limit if limit is not None else None

    def choose(self, wanted, now: float | None = None) -> Step:
        return self.session.choose(wanted, now)

    def time_out(self, now: float | None = None) -> Step:
        return self.session.time_out(now)

    def undo(self) -> Step | None:
        """Step back exactly one choice from what it recorded (node, mood and flags before, its points):
        a preview may have started mid-way or kept its history over a reload, so it cannot replay from
        the scenario's start as a recorded attempt does."""
        session = self.session
        if session.finished or not session.transcript:
            return None
        removed = session.transcript.pop()
        session.compiled.machine.set_state(removed.node, model=session)
        session.mood, session.flags = removed.mood_before, set(removed.flags_before)
        for skill, value in removed.points.items():
            session.points[skill] = session.points.get(skill, 0) - value
        session.shown_at = session.clock()
        return removed

    def finish(self) -> None:
        pass

    def release(self) -> None:
        pass

    def close(self) -> None:
        self.session.close()
