"""Accommodations for timed moments (extra time or no timer), kept per trainee and per attempt.

A trainee who needs more time to read, or who uses a screen reader or switch access, must not fail a
timed moment for a reason that has nothing to do with judgment. A supervisor sets the accommodation once;
every attempt started after that records the one it was played under (a trigger copies it in the same
insert), so resuming keeps it and reports can show it beside the score. The play engine turns it into a
deadline (`trainer.play`), never the UI, so the terminal app and the web pages time alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.i18n import _
from trainer.progress import audit
from trainer.progress.store import Store, StoreError

MAX_EXTRA_TIME = 4.0  # beyond four times the scenario's time a timed moment no longer tests anything timed


@dataclass(frozen=True)
class Accommodation:
    """How a trainee's timed moments are timed: `extra_time` multiplies each moment's seconds (None: as
    written); `no_timer` takes the timer away (the moment waits for an answer)."""

    extra_time: float | None = None
    no_timer: bool = False

    def __post_init__(self):
        if self.extra_time is not None and not 1.0 < self.extra_time <= MAX_EXTRA_TIME:
            raise ValueError(f"extra time must be more than 1 and at most {MAX_EXTRA_TIME:g} times")
        if self.extra_time is not None and self.no_timer:
            raise ValueError("extra time and no timer are two different accommodations; give one")

    @property
    def none(self) -> bool:
        return self.extra_time is None and not self.no_timer

    def seconds(self, written: float | None) -> float | None:
        """The seconds a moment timed at `written` seconds allows (None: not timed at all)."""
        if written is None or self.no_timer:
            return None
        return written * (self.extra_time or 1.0)

    @property
    def code(self) -> str:
        """The stable, untranslated form for JSON and CSV: "", "no timer" or "extra time 1.5x"."""
        if self.no_timer:
            return "no timer"
        return f"extra time {self.extra_time:g}x" if self.extra_time else ""

    def label(self) -> str:
        """The words a reader sees (translated); "" when there is none."""
        if self.no_timer:
            return _("no timer")
        return _("extra time {factor}x").format(factor=f"{self.extra_time:g}") if self.extra_time else ""


NONE = Accommodation()


def from_columns(extra_time, no_timer) -> Accommodation:
    """The accommodation stored in a row's `extra_time` and `no_timer` columns (bad values read as none)."""
    try:
        return Accommodation(float(extra_time) if extra_time else None, bool(no_timer))
    except (TypeError, ValueError):
        return NONE


def for_trainee(store: Store, trainee_id: int | None) -> Accommodation:
    """The accommodation a trainee's next attempt will be played under."""
    row = store._db.execute("SELECT extra_time, no_timer FROM trainees WHERE id = ?", [trainee_id]).fetchone()
    return from_columns(*row) if row else NONE


def for_attempt(store: Store, attempt_id: str) -> Accommodation:
    """The accommodation an attempt was (or is being) played under."""
    row = store._db.execute("SELECT extra_time, no_timer FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    return from_columns(*row) if row else NONE


def set_for_trainee(store: Store, trainee_id: int, name: str, accommodation: Accommodation, actor: str) -> None:
    """A supervisor gives (or takes away) an accommodation; attempts already started keep theirs. Audited."""
    with store.write():
        cursor = store._db.execute("UPDATE trainees SET extra_time = ?, no_timer = ? WHERE id = ?",
                                  [accommodation.extra_time, int(accommodation.no_timer), trainee_id])
        if cursor.rowcount != 1:
            raise StoreError(_("there is no trainee with that name"))
        audit.record(store, actor, "trainee-accommodation", name, accommodation=accommodation.code or "none")


def used(store: Store, trainee_id: int, mode: str, scenario: str | None = None, since: str | None = None,
         until: str | None = None, category: str | None = None) -> tuple[Accommodation, ...]:
    """The accommodations a trainee's attempts in one mode (and filter) were played under, most used first:
    a report shows them beside the averages those attempts make up."""
    # the condition as written in the partial index idx_attempts_accommodated (m019), which the query names:
    # few attempts have an accommodation, so with or without filters it reads only those
    where, params = ["trainee_id = ?", "mode = ?", "(extra_time IS NOT NULL OR no_timer)"], [trainee_id, mode]
    for column, op, value in (("scenario_id", "=", scenario), ("started_at", ">=", since),
                              ("started_at", "<", until), ("category", "=", category)):
        if value:
            where.append(f"{column} {op} ?")
            params.append(value)
    rows = store._db.execute("SELECT extra_time, no_timer FROM attempts INDEXED BY idx_attempts_accommodated"
                             f" WHERE {' AND '.join(where)}"
                             " GROUP BY extra_time, no_timer ORDER BY count(*) DESC, no_timer, extra_time", params)
    return tuple(a for a in (from_columns(*r) for r in rows) if not a.none)


def from_code(code: str) -> Accommodation:
    """The accommodation a stored code stands for (`Accommodation.code`); an unknown code reads as none."""
    if code == "no timer":
        return Accommodation(no_timer=True)
    if code.startswith("extra time ") and code.endswith("x"):
        try:
            return Accommodation(float(code[len("extra time "):-1]))
        except ValueError:
            return NONE
    return NONE
