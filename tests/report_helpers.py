"""A programme's worth of recorded data for the HTML report tests: two groups, assignments, and attempts
on bundled scenarios spread over several weeks, played through the same path as the app."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from trainer.play.recording import RecordedAttempt
from trainer.progress import programme
from trainer.progress.store import Store
from trainer.scenario.library import load_library

PRIVACY = ("records-request", "spouse-wants-results")
PEOPLE = {"Sam Rivera": "Front desk", "Ana Costa": "Call centre", "Priya Natarajan": "Front desk",
          "Tomás Ferreira-Lindqvist": "Call centre"}
START = datetime(2026, 9, 1, 9, 0, tzinfo=timezone.utc).timestamp()


def play(store: Store, person, scenario, mode: str, at: float, rng: random.Random, skill: float = 0.0,
         picks=None) -> None:
    """One attempt: the given choice ids, then until an ending the best-path choice with
    probability `skill`, else a random one (steps seconds apart from `at`)."""
    ticks = iter(range(int(at), int(at) + 100_000, 9)).__next__
    attempt = RecordedAttempt.start(store, person, scenario, mode, clock=lambda: float(ticks()))
    for wanted in picks or ():
        attempt.choose(wanted)
    while not attempt.session.finished:
        options = attempt.session.options()
        session = attempt.session
        best = session.compiled.best_choice(session.state, session.flags, session.mood) or options[0].id
        attempt.choose(best if rng.random() < skill else rng.choice(options).id)


def programme_store(tmp_path: Path) -> tuple[Store, object]:
    library = load_library()
    store = Store.open(tmp_path / "progress.db")
    rng = random.Random(13)
    for name, group in PEOPLE.items():
        person = store.trainee(name)
        with store.write():
            key = group.casefold()
            row = store._db.execute("SELECT id FROM groups WHERE name_key = ?", [key]).fetchone()
            gid = row[0] if row else store._db.execute(
                "INSERT INTO groups (name, name_key, created_at) VALUES (?, ?, '2026-09-01T00:00:00+00:00')",
                [group, key]).lastrowid
            store._db.execute("INSERT INTO group_members (group_id, trainee_id) VALUES (?, ?)", [gid, person.id])
    today = date.today()
    for group, days in (("Front desk", 14), ("Call centre", -3)):
        programme.assign(store, [(s, "Privacy essentials") for s in PRIVACY], "Morgan Lee",
                         today + timedelta(days=days), group=group)
    ids = [*PRIVACY, *sorted(library.summaries)[:3]]
    for day in range(0, 42, 3):
        for k, name in enumerate(PEOPLE):
            if (day + k) % 2:
                continue
            sid = ids[(day // 3 + k) % len(ids)]
            mode = "practice" if (day + k) % 3 == 0 else "assessment"
            play(store, store.find_trainee(name), library.get(sid), mode, START + day * 86400 + k * 3600, rng,
                 skill=min(0.95, 0.4 + day / 50 + k / 10))
    for name, sids in (("Sam Rivera", PRIVACY), ("Ana Costa", PRIVACY[:1])):  # the assigned work, done today
        for sid in sids:
            play(store, store.find_trainee(name), library.get(sid), "assessment", time.time() + 1, rng, skill=1.0)
    return store, library
