"""The training programme in the database: named sets of scenarios, assignments to trainees and groups,
waivers of retraining, and the completion grid built from them (statuses from `schedule.standing`).

An assignment to a group reaches whoever is in the group when it is read, so people who join later are
covered. When a trainee is reached by several assignments of one scenario, their own beats a group's, and
among groups the earliest due date wins. Every change is a supervisor's and lands in the audit trail.
Functions that need the scenarios' current versions and titles take `catalogue`: scenario id -> an object
with `.version` and `.title` (the library's summaries).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping

from trainer.progress import audit
from trainer.progress.names import InvalidName, clean_name
from trainer.progress.schedule import MODES, STATUSES, Assignment, Standing, format_every, standing
from trainer.progress.records import ATTEMPT_COLUMNS, Attempt
from trainer.progress.store import Store, StoreError, Trainee, now_iso
from trainer.i18n import _

DUE_SOON_DAYS = 14


class ProgrammeError(StoreError):
    """A programme change that was refused, with the reason."""


def _clean(raw: str, what: str) -> str:
    try:
        return clean_name(raw, what)
    except InvalidName as exc:
        raise ProgrammeError(str(exc)) from None


# --- named sets --------------------------------------------------------------------------------------
def sets(store: Store) -> list[dict]:
    """Every named set with its scenario ids in the order they were added."""
    out = []
    for set_id, name in store._db.execute("SELECT id, name FROM scenario_sets ORDER BY name_key"):
        ids = [r[0] for r in store._db.execute(
            "SELECT scenario_id FROM scenario_set_items WHERE set_id = ? ORDER BY position", [set_id])]
        out.append({"name": name, "scenarios": ids})
    return out


def find_set(store: Store, name: str) -> dict | None:
    try:
        key = clean_name(name).casefold()
    except InvalidName:
        return None
    return next((s for s in sets(store) if s["name"].casefold() == key), None)


def add_to_set(store: Store, name: str, scenario_ids: Iterable[str], actor: str) -> dict:
    """Create the set, or add scenarios to it; a scenario already in it stays where it was."""
    clean = _clean(name, "set name")
    ids = list(dict.fromkeys(scenario_ids))
    if not ids:
        raise ProgrammeError(_("a set needs at least one scenario id"))
    with store.write():
        row = store._db.execute("SELECT id FROM scenario_sets WHERE name_key = ?", [clean.casefold()]).fetchone()
        set_id = row[0] if row else store._db.execute(
            "INSERT INTO scenario_sets (name, name_key, created_by, created_at) VALUES (?, ?, ?, ?)",
            [clean, clean.casefold(), actor, now_iso()]).lastrowid
        start = store._db.execute("SELECT coalesce(max(position), 0) FROM scenario_set_items WHERE set_id = ?",
                                  [set_id]).fetchone()[0]
        for offset, sid in enumerate(ids, 1):
            store._db.execute("INSERT OR IGNORE INTO scenario_set_items (set_id, position, scenario_id)"
                              " VALUES (?, ?, ?)", [set_id, start + offset, sid])
        audit.record(store, actor, "set-add", clean, scenarios=ids)
    return find_set(store, clean)


def remove_set(store: Store, name: str, actor: str, scenario_ids: Iterable[str] = ()) -> dict | None:
    """Remove scenarios from a set, or the whole set when none are given. Assignments already made from
    it stay: they name their scenarios, not the set. Returns what is left of the set (None if gone)."""
    found = find_set(store, name)
    if found is None:
        raise ProgrammeError(_("there is no set named '{name}'").format(name=name))
    ids = list(scenario_ids)
    missing = [i for i in ids if i not in found["scenarios"]]
    if missing:
        raise ProgrammeError(_("'{id}' is not in the set '{name}'").format(id=missing[0], name=found["name"]))
    with store.write():
        set_id = store._db.execute("SELECT id FROM scenario_sets WHERE name = ?", [found["name"]]).fetchone()[0]
        if ids and len(ids) < len(found["scenarios"]):
            store._db.execute(f"DELETE FROM scenario_set_items WHERE set_id = ? AND scenario_id IN "
                              f"({','.join('?' * len(ids))})", [set_id, *ids])
        else:
            store._db.execute("DELETE FROM scenario_set_items WHERE set_id = ?", [set_id])
            store._db.execute("DELETE FROM scenario_sets WHERE id = ?", [set_id])
            ids = []
        audit.record(store, actor, "set-remove", found["name"], scenarios=ids or found["scenarios"])
    return find_set(store, found["name"]) if ids else None


def expand(store: Store, items: Iterable[str], known_ids: Iterable[str]) -> list[tuple[str, str | None]]:
    """Scenario ids and set names as (scenario id, set it came from), without repeats. A name that is
    neither raises ProgrammeError naming it."""
    known = set(known_ids)
    out: dict[str, str | None] = {}
    for item in items:
        if item in known:
            out.setdefault(item, None)
            continue
        found = find_set(store, item)
        if found is None:
            raise ProgrammeError(_("'{name}' is neither a scenario id nor a set name").format(name=item))
        for sid in found["scenarios"]:
            out.setdefault(sid, found["name"])
    return list(out.items())


# --- assignments -------------------------------------------------------------------------------------
def _target(store: Store, trainee: str | None, group: str | None) -> tuple[int | None, int | None, str]:
    if (trainee is None) == (group is None):
        raise ProgrammeError(_("assign to one trainee or one group"))
    if trainee is not None:
        person = store.find_trainee(trainee)
        if person is None:
            raise ProgrammeError(_("there is no trainee named '{name}'").format(name=trainee))
        return person.id, None, person.name
    row = store._db.execute("SELECT id, name FROM groups WHERE name_key = ?",
                            [_clean(group, "group name").casefold()]).fetchone()
    if row is None:
        raise ProgrammeError(_("there is no group named '{name}' (a group is made when a trainee joins it: "
                               "`trainer trainees add NAME --group GROUP`)").format(name=group))
    return None, row[0], f"group {row[1]}"


def assign(store: Store, scenarios: Iterable[tuple[str, str | None]], actor: str, due: date, *,
           trainee: str | None = None, group: str | None = None, mode: str = "assessment",
           max_attempts: int | None = None, every_months: int | None = None) -> list[int]:
    """Assign each scenario to the trainee or group; assigning one again replaces its due date, mode,
    attempts and recurrence (what was played so far still counts). Returns the assignment ids."""
    if mode not in MODES:
        raise ProgrammeError(_("unknown mode '{mode}' (assessment or practice)").format(mode=mode))
    trainee_id, group_id, who = _target(store, trainee, group)
    ids = []
    with store.write():
        for sid, from_set in scenarios:
            row = store._db.execute("SELECT id FROM assignments WHERE scenario_id = ? AND coalesce(trainee_id, 0) = ?"
                                    " AND coalesce(group_id, 0) = ?", [sid, trainee_id or 0, group_id or 0]).fetchone()
            values = [due.isoformat(), mode, max_attempts, every_months, from_set]
            if row:
                store._db.execute("UPDATE assignments SET due = ?, mode = ?, max_attempts = ?, every_months = ?,"
                                  " from_set = ? WHERE id = ?", [*values, row[0]])
                ids.append(row[0])
            else:
                ids.append(store._db.execute(
                    "INSERT INTO assignments (due, mode, max_attempts, every_months, from_set, scenario_id,"
                    " trainee_id, group_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*values, sid, trainee_id, group_id, actor, now_iso()]).lastrowid)
            audit.record(store, actor, "assign", sid, to=who, due=due.isoformat(), mode=mode,
                         attempts=max_attempts, every=format_every(every_months) or None, set=from_set,
                         replaced=bool(row))
    return ids


def unassign(store: Store, scenario_ids: Iterable[str], actor: str, *, trainee: str | None = None,
             group: str | None = None) -> int:
    """Withdraw assignments (the attempts made stay recorded). Returns how many were withdrawn."""
    trainee_id, group_id, who = _target(store, trainee, group)
    gone = 0
    with store.write():
        for sid in scenario_ids:
            row = store._db.execute("SELECT id FROM assignments WHERE scenario_id = ? AND coalesce(trainee_id, 0) = ?"
                                    " AND coalesce(group_id, 0) = ?", [sid, trainee_id or 0, group_id or 0]).fetchone()
            if row is None:
                continue
            store._db.execute("DELETE FROM assignments WHERE id = ?", [row[0]])
            audit.record(store, actor, "unassign", sid, to=who)
            gone += 1
    return gone


_ASSIGNMENT_COLUMNS = ("a.id, a.scenario_id, a.due, a.assigned_at, a.mode, a.max_attempts, a.every_months,"
                       " a.from_set, a.assigned_by, g.name")


def _effective(store: Store, trainee_id: int) -> dict[str, dict]:
    """The one assignment per scenario that applies to this trainee (their own beats a group's; among
    groups the earliest due date)."""
    rows = store._db.execute(
        f"SELECT {_ASSIGNMENT_COLUMNS} FROM assignments a LEFT JOIN groups g ON g.id = a.group_id"
        " WHERE a.trainee_id = ? OR a.group_id IN (SELECT group_id FROM group_members WHERE trainee_id = ?)"
        " ORDER BY a.trainee_id IS NULL, a.due, a.id", [trainee_id, trainee_id]).fetchall()
    out: dict[str, dict] = {}
    for r in rows:
        if r[1] in out:
            continue
        out[r[1]] = {"assignment": Assignment(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6]),
                     "set": r[7], "assigned_by": r[8], "via": f"group {r[9]}" if r[9] else "individual"}
    return out


def _waived(store: Store, assignment_id: int, trainee_id: int) -> dict | None:
    row = store._db.execute("SELECT version, waived_by, waived_at, reason FROM waivers WHERE assignment_id = ?"
                            " AND trainee_id = ?", [assignment_id, trainee_id]).fetchone()
    return None if row is None else {"version": row[0], "by": row[1], "at": row[2], "reason": row[3]}


def _attempts_by_scenario(store: Store, trainee_id: int, scenario_ids: list[str]) -> dict[str, list[Attempt]]:
    """The trainee's attempts on these scenarios, newest first, by scenario: each standing then walks its own
    scenario's attempts, not the trainee's whole history once per assignment (a year of a hospital's report:
    1.0 s -> see docs/performance.md)."""
    out: dict[str, list[Attempt]] = {}
    marks = ",".join("?" * len(scenario_ids))
    for row in store._db.execute(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE trainee_id = ?"
                                 f" AND scenario_id IN ({marks}) ORDER BY started_at DESC", [trainee_id, *scenario_ids]):
        attempt = Attempt.from_row(row)
        out.setdefault(attempt.scenario_id, []).append(attempt)
    return out


def trainee_programme(store: Store, trainee: Trainee, catalogue: Mapping, today: date) -> list[dict]:
    """Every scenario assigned to this trainee with where they stand today, soonest due first."""
    found = _effective(store, trainee.id)
    if not found:
        return []
    by_scenario = _attempts_by_scenario(store, trainee.id, list(found))
    rows = []
    for sid, item in found.items():
        a = item["assignment"]
        meta = catalogue.get(sid)
        waiver = _waived(store, a.id, trainee.id)
        attempts = by_scenario.get(sid, [])
        st = standing(a, attempts, getattr(meta, "version", None), today, waiver["version"] if waiver else None)
        rows.append(_row(trainee, sid, meta, item, st, waiver, attempts))
    rows.sort(key=lambda r: (r["status"] in ("passed", "waived"), r["due"], r["title"].lower()))
    return rows


def _row(trainee: Trainee, sid: str, meta, item: dict, st: Standing, waiver: dict | None, attempts) -> dict:
    a = item["assignment"]
    by_id = {x.id: x for x in attempts}
    passing = by_id.get(st.pass_attempt) if st.pass_attempt else None
    title = getattr(meta, "title", None) or next((x.scenario_title for x in attempts if x.scenario_id == sid
                                                  and x.scenario_title), None) or sid
    return {
        "trainee": trainee.name, "trainee_id": trainee.id, "scenario": sid, "title": title,
        "due": st.due.isoformat(), "status": st.status, "mode": a.mode, "via": item["via"], "set": item["set"],
        "assignment_id": a.id, "assigned_at": a.assigned_at, "assigned_by": item["assigned_by"],
        "attempts": a.max_attempts, "attempts_used": st.attempts_used, "attempts_left": st.attempts_left,
        "every": format_every(a.every_months) or None, "next_due": st.next_due.isoformat() if st.next_due else None,
        "passed_at": st.passed_at, "passed_version": st.passed_version, "current_version": getattr(meta, "version", None),
        "score": passing.overall if passing else None,
        "language": passing.language if passing else None,  # a pass on a translation counts here
        "form": passing.form_id if passing else None,  # and a pass on a form: which one
        "signed_off_by": passing.signed_off_by if passing else None,
        "waived_by": waiver["by"] if waiver and st.status == "waived" else None,
        "completions": list(st.completions),  # Attempt records
    }


def completion_grid(store: Store, catalogue: Mapping, today: date, group: str | None = None,
                    status: str | None = None, trainee: str | None = None) -> list[dict]:
    """Every trainee x every scenario assigned to them, with status, due date and the pass that counts;
    optionally only one group's members, one status, or one trainee."""
    if status is not None and status not in STATUSES:
        raise ProgrammeError(_("unknown status '{status}' (one of {statuses})").format(status=status,
                                                                                      statuses=", ".join(STATUSES)))
    people = store.trainees()
    if trainee is not None:
        people = [t for t in people if t.name.casefold() == " ".join(trainee.split()).casefold()]
    if group is not None:
        members = {r[0] for r in store._db.execute(
            "SELECT m.trainee_id FROM group_members m JOIN groups g ON g.id = m.group_id WHERE g.name_key = ?",
            [_clean(group, "group name").casefold()])}
        people = [t for t in people if t.id in members]
    rows = []
    for person in people:
        rows += [r for r in trainee_programme(store, person, catalogue, today) if status is None or r["status"] == status]
    rows.sort(key=lambda r: (r["trainee"].casefold(), r["title"].casefold()))
    return rows


def due_soon(store: Store, trainee: Trainee, catalogue: Mapping, today: date, days: int = DUE_SOON_DAYS) -> list[dict]:
    """This trainee's assignments still to do that are overdue or due within `days` (retraining too),
    soonest first: what a trainee should practise next."""
    open_ = ("not-started", "in-progress", "failed", "overdue", "retraining-due")
    return [r for r in trainee_programme(store, trainee, catalogue, today)
            if r["status"] in open_ and (r["status"] == "retraining-due" or r["attempts_left"] != 0)
            and (date.fromisoformat(r["due"]) - today).days <= days]


def waive(store: Store, trainee: str, scenario_id: str, catalogue: Mapping, actor: str, today: date,
          reason: str | None = None) -> dict:
    """Accept a pass on an older version of the scenario as enough (retraining waived up to its current
    version). Only a `retraining-due` assignment can be waived."""
    person = store.find_trainee(trainee)
    if person is None:
        raise ProgrammeError(_("there is no trainee named '{name}'").format(name=trainee))
    row = next((r for r in trainee_programme(store, person, catalogue, today) if r["scenario"] == scenario_id), None)
    if row is None:
        raise ProgrammeError(_("'{id}' is not assigned to {name}").format(id=scenario_id, name=person.name))
    if row["status"] != "retraining-due":
        raise ProgrammeError(_("{name}'s '{id}' is {status}, not retraining-due; only retraining can be waived").format(
            name=person.name, id=scenario_id, status=row["status"]))
    with store.write():
        store._db.execute("INSERT OR REPLACE INTO waivers (assignment_id, trainee_id, version, waived_by, waived_at,"
                          " reason) VALUES (?, ?, ?, ?, ?, ?)",
                         [row["assignment_id"], person.id, row["current_version"], actor, now_iso(), reason])
        audit.record(store, actor, "waive-retraining", scenario_id, trainee=person.name,
                     passed_version=row["passed_version"], version=row["current_version"], reason=reason)
    return next(r for r in trainee_programme(store, person, catalogue, today) if r["scenario"] == scenario_id)
