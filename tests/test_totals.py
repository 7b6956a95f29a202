"""Totals kept on write (trainer.progress.totals) always equal a recount from the raw attempts, skills and
choices: whatever trainees start, answer, take back, finish or abandon, in any order, and after the
migration builds them for a database recorded before they existed."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.progress import totals
from trainer.progress.store import Finish, Store

SKILLS = ("empathy", "privacy")


def scenario(kind: str):
    """The original, its Spanish translation, or an alternate form: what start_attempt reads of one."""
    base = dict(counts_toward="billing-dispute", version=1, content_hash="h", category="billing", form_id=None,
                id="billing-dispute", title="Billing dispute", language="en")
    if kind == "translation":
        base.update(id="billing-dispute.es", title="Disputa de factura", language="es")
    if kind == "form":
        base.update(id="billing-dispute-b", form_id="billing-dispute-b", title="Billing dispute, form B")
    if kind == "other":
        base.update(counts_toward="lost-records", id="lost-records", title="Lost records")
    return SimpleNamespace(**base)


def step(node: str, choice: str, points: int, critical: bool, at: str, who: str = "you"):
    """A choice as recorded; its text names the trainee, as a wording with {trainee} in it does."""
    return SimpleNamespace(node=node, choice=choice, number=1, text=f"{who}: say {choice}", points={"empathy": points},
                           mood_before=50, mood_after=50 + points, latency=1.0, at=at,
                           critical="shared records" if critical else None, timed_out=False, tags=["NURSE"],
                           wording=0)


def score(percent: float, assessed: bool):
    skills = {name: SimpleNamespace(scored=True, assessed=assessed or name == "empathy", raw=1.0, best=2.0,
                                    percent=percent, threshold=60.0, passed=percent >= 60)
              for name in SKILLS}
    return SimpleNamespace(passed=percent >= 60, overall=percent, skills=skills)


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("choose"), st.sampled_from(["n1", "n2"]), st.sampled_from(["a", "b"]), st.integers(-3, 3),
              st.booleans()),
    st.tuples(st.just("undo")),
), min_size=1, max_size=6)
ENDINGS = st.one_of(st.tuples(st.just("finish"), st.floats(0, 100, allow_nan=False), st.booleans()),
                    st.tuples(st.just("abandon")), st.tuples(st.just("open")))
ATTEMPTS = st.lists(st.tuples(st.integers(0, 1), st.sampled_from(["original", "translation", "form", "other"]),
                              st.sampled_from(["practice", "assessment"]), ACTIONS, ENDINGS), min_size=1, max_size=8)


def play(store: Store, attempts) -> None:
    """Each attempt as the app records it: started, its choices (an undo takes the latest back), then
    finished, abandoned or left open; an attempt left open is finished later, after the others."""
    people = [store.trainee(name) for name in ("Ana Ruiz", "Ben Okafor")]
    clock = iter(range(1, 10_000))

    def at() -> str:
        tick = next(clock)
        return f"2026-03-01T{tick // 3600:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}.000+00:00"

    left_open = []
    for person, kind, mode, actions, ending in attempts:
        attempt = store.start_attempt(people[person], scenario(kind), mode, at=at())
        for action in actions:
            if action[0] == "choose":
                store.record_choice(attempt, "", store.next_seq(attempt), step(*action[1:], at(), people[person].name))
            elif store.steps(attempt):
                store.undo_choice(attempt, "", store.steps(attempt)[-1].seq)
        if ending[0] == "finish":
            store.finish_attempt(attempt, "done", "resolved", score(round(ending[1], 3), ending[2]), at=at())
        elif ending[0] == "abandon":
            store.abandon_attempt(attempt)
        else:
            left_open.append(attempt)
    for attempt in left_open[::2]:
        store.finish_attempt(attempt, "done", "resolved", score(70.0, True), at=at())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ATTEMPTS)
def test_kept_totals_always_equal_a_recount_from_the_raw_rows(operations):
    store = Store.memory()
    play(store, operations)
    conn = store._db.conn
    assert totals.kept(conn) == totals.recount(conn)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ATTEMPTS)
def test_rebuilding_from_the_raw_rows_gives_what_was_kept(operations):
    """The migration's rebuild (run on a database recorded before the totals existed) equals live keeping."""
    store = Store.memory()
    play(store, operations)
    conn = store._db.conn
    words = ("SELECT scenario_id, mode, title, category FROM scenario_totals UNION ALL"
             " SELECT scenario_id, mode, node, text FROM item_totals")
    live, live_words = totals.kept(conn), set(conn.execute(words))
    with store.write():
        totals.rebuild(conn)
    assert totals.kept(conn) == live
    assert set(conn.execute(words)) == live_words  # the titles and texts live writes keep: the latest


def test_a_choice_taken_back_and_an_unfinished_attempt_never_count():
    store = Store.memory()
    ana, ben = store.trainee("Ana Ruiz"), store.trainee("Ben Okafor")
    first = store.start_attempt(ana, scenario("original"), "practice", at="2026-03-01T10:00:00.000+00:00")
    store.record_choice(first, "", 1, step("n1", "a", -2, True, "2026-03-01T10:00:01.000+00:00"))
    store.undo_choice(first, "", 1)
    store.record_choice(first, "", 2, step("n1", "b", 2, False, "2026-03-01T10:00:02.000+00:00"))
    store.finish_attempt(first, "done", "resolved", score(80.0, True), at="2026-03-01T10:00:03.000+00:00")
    second = store.start_attempt(ben, scenario("original"), "practice", at="2026-03-01T10:01:00.000+00:00")
    store.record_choice(second, "", 1, step("n1", "a", -2, True, "2026-03-01T10:01:01.000+00:00"))
    items = {(r[2], r[3]): r[4:] for r in totals.kept(store._db.conn)["item_totals"]}
    assert items == {("n1", "b"): (1, 2.0, 0, 1)}  # the undone pick and the unfinished attempt's: not counted
    nodes = {r[2]: r[3:] for r in totals.kept(store._db.conn)["node_totals"]}
    assert nodes == {"n1": (1, 2, 1)}  # one pick, at step (seq) 2, by one trainee
    assert totals.kept(store._db.conn) == totals.recount(store._db.conn)


def test_a_trainee_repeating_a_choice_counts_once_among_trainees():
    store = Store.memory()
    ana = store.trainee("Ana Ruiz")
    for n in range(3):
        attempt = store.start_attempt(ana, scenario("original"), "assessment", at=f"2026-03-0{n + 1}T10:00:00.000+00:00")
        store.record_choice(attempt, "", 1, step("n1", "a", -1, False, f"2026-03-0{n + 1}T10:00:01.000+00:00"))
        store.finish_attempt(attempt, "done", "failed", score(40.0, False), at=f"2026-03-0{n + 1}T10:00:02.000+00:00")
    kept = totals.kept(store._db.conn)
    assert {r[4:] for r in kept["item_totals"]} == {(3, -3.0, 0, 1)}  # 3 picks, one trainee
    assert {r[2]: r[3:] for r in kept["trainee_skill_totals"]} == {"empathy": (3, 120.0, 0), "privacy": (0, 0.0, 3)}


def test_opening_a_database_leaves_numpy_unloaded_and_still_importable(tmp_path):
    """sqlite-utils would import numpy (0.2-0.3 s) on every open; trainer hides it while sqlite-utils loads."""
    import subprocess
    import sys

    code = ("import sys; from trainer.progress.store import Store; Store.open(sys.argv[1]).close();"
            " print('numpy' in sys.modules, 'pandas' in sys.modules); import numpy; print('ok')")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.db")], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "False", "ok"], done.stderr
