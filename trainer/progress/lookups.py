"""The small named questions screens, commands and the play logic ask of the store, each answered with
plain values or a typed record. Why a module of its own: these used to be SQL written where they were
asked (My progress, the review screens, the CLI, wording and form rotation, suggestions), so a schema
change touched half the tree; here they sit next to the schema and are found by name."""

from __future__ import annotations

import json
from dataclasses import dataclass


# --- attempts and their notes ---------------------------------------------------------------------------
def untested_skills(store, trainee_id: int, mode: str) -> set[str]:
    """Skills some completed attempt of this mode scored but no path of it tested (not assessed yet)."""
    return {r[0] for r in store._db.execute(
        "SELECT DISTINCT s.skill FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
        " WHERE NOT s.assessed AND a.trainee_id = ? AND a.mode = ? AND a.status = 'completed'", [trainee_id, mode])}


def note_counts(store, trainee_id: int) -> dict[str, int]:
    """How many notes supervisors left on each of the trainee's attempts (attempts without any left out)."""
    return {r[0]: r[1] for r in store._db.execute(
        "SELECT n.attempt_id, count(*) FROM notes n JOIN attempts a ON a.id = n.attempt_id"
        " WHERE a.trainee_id = ? GROUP BY n.attempt_id", [trainee_id])}


def first_critical_error(store, attempt_id: str) -> str | None:
    """The first critical error among the attempt's choices in effect, if it made one."""
    row = store._db.execute("SELECT critical FROM choices WHERE attempt_id = ? AND undone = 0 AND critical"
                            " IS NOT NULL ORDER BY seq LIMIT 1", [attempt_id]).fetchone()
    return row[0] if row else None


# --- what has been recorded at all ------------------------------------------------------------------------
def recorded_scenario_ids(store) -> list[str]:
    """Every scenario some attempt counts toward (whether or not it is still in the library), sorted."""
    return sorted(r[0] for r in store._db.execute("SELECT DISTINCT scenario_id FROM scenario_totals"))


def recorded_categories(store) -> set[str]:
    return {r[0] for r in store._db.execute("SELECT DISTINCT category FROM scenario_totals")}


# --- groups -----------------------------------------------------------------------------------------------
def group_names(store) -> list[str]:
    """Every group's name as stored, in name order."""
    return [r[0] for r in store._db.execute("SELECT name FROM groups ORDER BY name_key")]


def group_name(store, name_key: str) -> str | None:
    """The stored name of the group with this key (trainer.progress.names.name_key), if there is one."""
    row = store._db.execute("SELECT name FROM groups WHERE name_key = ?", [name_key]).fetchone()
    return row[0] if row else None


# --- wording and form rotation (trainer.play.unseen) -------------------------------------------------------
@dataclass(frozen=True)
class PracticedStep:
    """One practice choice as rotation needs it: which choices were shown and which wording was picked."""
    order_seed: int | None
    node: str
    choice: str
    wording: int | None
    shown: list[str] | None


def practiced_steps(store, trainee_id: int, played_id: str, before: str | None = None) -> list[PracticedStep]:
    """Every choice of the trainee's practice attempts on the very file `played_id` (a translation's own
    id, or the original's), started before `before` when given; taken-back choices included (they were seen)."""
    query = ("SELECT a.order_seed, c.node, c.choice_id, c.wording, c.shown FROM choices c JOIN attempts a"
             " ON a.id = c.attempt_id WHERE a.trainee_id = ? AND a.mode = 'practice'"
             " AND coalesce(a.translation_id, a.scenario_id) = ?")
    params: list = [trainee_id, played_id]
    if before is not None:
        query += " AND a.started_at < ?"
        params.append(before)
    return [PracticedStep(seed, node, choice, wording, json.loads(shown) if shown else None)
            for seed, node, choice, wording, shown in store._db.execute(query, params)]


def attempts_per_form(store, trainee_id: int, original_id: str) -> dict[str, int]:
    """Attempts started (any mode, any status) per form of one original: form id (or the original's) -> count."""
    return dict(store._db.execute(
        "SELECT coalesce(form_id, scenario_id), count(*) FROM attempts WHERE trainee_id = ? AND scenario_id = ?"
        " GROUP BY 1", [trainee_id, original_id]).fetchall())


# --- suggestions (trainer.play.next_up) -----------------------------------------------------------------------
@dataclass(frozen=True)
class FinishedAttempt:
    """A completed attempt as the suggestions weigh it: its skills' percents and their most points, and per
    skill the technique tags of the choices that lost points in it."""
    id: str
    scenario_id: str
    finished_at: str
    passed: bool
    overall: float
    skills: dict[str, float]
    offered: dict[str, float]
    missed: dict[str, tuple[str, ...]]


def finished_attempts(store, trainee_id: int) -> list[FinishedAttempt]:
    """The trainee's completed attempts (practice and assessment), oldest finished first."""
    db = store._db
    rows = db.execute(
        "SELECT id, scenario_id, finished_at, passed, overall FROM attempts WHERE trainee_id = ?"
        " AND status = 'completed' AND finished_at IS NOT NULL ORDER BY finished_at, id", [trainee_id]).fetchall()
    skills: dict[str, dict[str, float]] = {}
    offered: dict[str, dict[str, float]] = {}
    for attempt_id, skill, percent, most in db.execute(
            "SELECT s.attempt_id, s.skill, s.percent, s.max FROM attempt_skills s JOIN attempts a ON a.id = s.attempt_id"
            " WHERE a.trainee_id = ? AND a.status = 'completed' AND s.assessed", [trainee_id]):
        skills.setdefault(attempt_id, {})[skill] = percent
        offered.setdefault(attempt_id, {})[skill] = most or 0.0
    missed: dict[str, dict[str, list[str]]] = {}
    for attempt_id, tags, points in db.execute(
            "SELECT c.attempt_id, c.tags, c.points FROM choices c JOIN attempts a ON a.id = c.attempt_id"
            " WHERE a.trainee_id = ? AND a.status = 'completed' AND c.undone = 0 ORDER BY c.attempt_id, c.seq",
            [trainee_id]):
        tag_list = json.loads(tags or "[]")
        for skill, pts in json.loads(points or "{}").items():
            if pts < 0:
                missed.setdefault(attempt_id, {}).setdefault(skill, []).extend(tag_list)
    return [FinishedAttempt(aid, sid, finished, bool(passed), overall or 0.0, skills.get(aid, {}), offered.get(aid, {}),
                            {k: tuple(v) for k, v in missed.get(aid, {}).items()})
            for aid, sid, finished, passed, overall in rows]
