"""LMS launches: the launch key of each SCORM package, the LMS learners it links to trainees, and the
sessions a launch opens.

Why it is shaped like this: a SCORM 1.2 package is plain files the LMS serves to the learner's browser,
so its launch key is readable by any learner who looks; it says which package (and so which site and
scenarios) a launch came from, not who the learner is. The learner is whoever the LMS's client-side
API says (cmi.core.student_id), which we cannot check. So an LMS learner is always a trainee of its
own, created on first launch and found again by its LMS student id (never joined to an existing
passphrase account by name, which a forged launch could otherwise reach), and a launch session can
reach only that trainee and the package's scenarios. Keys and session tokens are stored as SHA-256
hashes: a copy of the database does not hand out working launches. Every launch is audited.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from trainer.i18n import _
from trainer.progress import audit
from trainer.progress.store import Store, StoreError, Trainee, now_iso

SESSION_SECONDS = 8 * 3600
"""How long a launch's session stays usable: a shift. The LMS launches again (a new session) next time."""

MAX_NEW_LEARNERS_PER_HOUR = 600
"""New LMS learners one package may bring in an hour. Anyone who can open the course can read its key and
launch with made-up learner ids; this keeps such a script from filling the site with trainees (a real
hospital's whole staff still fits: later launches of known learners are not counted)."""
MAX_SESSIONS_PER_LEARNER = 20  # launches kept open per learner; older ones end (a tab per launch at most)
MAX_STUDENT_ID = 255  # SCORM 1.2 CMIIdentifier / CMIString255
MAX_STUDENT_NAME = 255
LAUNCH_ACTION, LEARNER_ACTION = "lms-launch", "lms-learner-add"


class LmsError(StoreError):
    """A package, revocation or launch that was refused, with the reason in plain words."""


class UnknownPackage(LmsError):
    """A package id the site never made."""


class LaunchRefused(LmsError):
    """A launch with a key that is unknown or revoked, or that asks for something its package does not hold.
    `reason` is one of REFUSALS, for the page to say it in the learner's language."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


REFUSALS = ("no-key", "unknown-key", "revoked", "scenario", "student", "busy", "disabled")


@dataclass(frozen=True)
class LmsPackage:
    """One SCORM package as the site recorded it (its key itself is only in the package)."""
    id: int
    scenarios: tuple[str, ...]
    base_url: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None
    launches: int
    last_launch_at: str | None
    learners: int

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Launch:
    """What a launch opened: the session token (for the URL), the trainee and whether it is new."""
    token: str
    trainee: Trainee
    new_trainee: bool
    package_id: int
    scenario_id: str
    resume_attempt: str | None


@dataclass(frozen=True)
class LmsSession:
    """A live launch session, found by its token."""
    trainee: Trainee
    account_id: int | None
    package_id: int
    scenario_id: str
    sco_origin: str
    expires_at: float


@dataclass(frozen=True)
class LmsResult:
    """An attempt's result as the SCO reports it to the LMS."""
    attempt_id: str
    scenario_id: str
    mode: str
    status: str
    passed: bool | None
    overall: float | None
    started_at: str
    finished_at: str | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


_PACKAGE_SELECT = ("SELECT p.id, p.scenarios, p.base_url, p.created_at, p.created_by, p.revoked_at, p.revoked_by,"
                   " p.launches, p.last_launch_at, (SELECT count(*) FROM lms_learners l WHERE l.package_id = p.id)"
                   " FROM lms_packages p")


def _package(row) -> LmsPackage:
    return LmsPackage(row[0], tuple(json.loads(row[1])), row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9])


# --- packages ----------------------------------------------------------------------------------------
def new_package(store: Store, scenarios, base_url: str, actor: str) -> tuple[LmsPackage, str]:
    """Record a new package and return it with its launch key (shown once: it goes into the package)."""
    key = secrets.token_urlsafe(32)
    ids = list(dict.fromkeys(scenarios))
    with store.write():
        cursor = store._db.execute(
            "INSERT INTO lms_packages (key_hash, scenarios, base_url, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            [_digest(key), json.dumps(ids), base_url, now_iso(), actor])
        audit.record(store, actor, "lms-package", f"package:{cursor.lastrowid}", scenarios=ids, url=base_url)
    return package(store, cursor.lastrowid), key


def package(store: Store, package_id: int) -> LmsPackage | None:
    row = store._db.execute(f"{_PACKAGE_SELECT} WHERE p.id = ?", [package_id]).fetchone()
    return _package(row) if row else None


def packages(store: Store) -> list[LmsPackage]:
    """Every package the site has made, oldest first, revoked ones included (they stay on record)."""
    return [_package(r) for r in store._db.execute(f"{_PACKAGE_SELECT} ORDER BY p.id")]


def revoke(store: Store, package_id: int, actor: str) -> LmsPackage:
    """Refuse every later launch with this package's key, and end the sessions it opened."""
    with store.write():
        row = store._db.execute("SELECT revoked_at FROM lms_packages WHERE id = ?", [package_id]).fetchone()
        if row is None:
            raise UnknownPackage(_("there is no LMS package {id}; `trainer lms list` shows them").format(id=package_id))
        if row[0] is not None:
            raise LmsError(_("LMS package {id} was already revoked on {date}").format(id=package_id, date=row[0][:10]))
        store._db.execute("UPDATE lms_packages SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                         [now_iso(), actor, package_id])
        ended = store._db.execute("DELETE FROM lms_sessions WHERE package_id = ?", [package_id]).rowcount
        audit.record(store, actor, "lms-revoke", f"package:{package_id}", sessions_ended=ended)
    return package(store, package_id)


# --- launching ---------------------------------------------------------------------------------------
def _printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


def display_name(student_name: str) -> str:
    """SCORM 1.2 gives "Last, First"; people read "First Last"."""
    parts = [p.strip() for p in student_name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    return student_name.strip()


def _new_trainee_account(store: Store, student_id: str, student_name: str):
    """A trainee account with no passphrase (it signs in only through its LMS), named after the learner;
    a name already taken (or one that looks like it) gets the LMS id added, so no one is merged."""
    from trainer.progress.accounts import AccessError, _insert

    base = display_name(student_name) if student_name and _printable(student_name) else ""
    short_id = student_id if len(student_id) <= 24 else student_id[:21] + "..."
    candidates = [base] if base else []
    candidates += [f"{base} (LMS {short_id})" if base else f"LMS learner {short_id}",
                   f"LMS learner {secrets.token_hex(4)}"]
    for name in candidates:
        try:
            from trainer.progress.names import clean_name

            return _insert(store, clean_name(name), "trainee", None)
        except (AccessError, ValueError):
            continue
    raise LmsError("could not name the new LMS learner")  # pragma: no cover - the random name is free


def launch(store: Store, key: str, scenario_id: str, student_id: str, student_name: str, sco_origin: str,
           address: str = "", clock=time.time, records_under: str | None = None) -> Launch:
    """Open a session for an LMS learner: the key must be a live package's and name one of its scenarios;
    the learner's trainee is found by LMS student id, or made on this first launch. `records_under` is
    the scenario id its attempts are recorded under (a form's or a translation's original), for resuming."""
    if not isinstance(key, str) or not key or len(key) > 200:
        raise LaunchRefused("no-key", "this launch has no valid key")
    if not student_id or len(student_id) > MAX_STUDENT_ID or not _printable(student_id) or student_id != student_id.strip():
        raise LaunchRefused("student", "the LMS did not give a usable learner id (cmi.core.student_id)")
    if len(student_name) > MAX_STUDENT_NAME:
        student_name = student_name[:MAX_STUDENT_NAME]
    known = store._db.execute("SELECT revoked_at FROM lms_packages WHERE key_hash = ?", [_digest(key)]).fetchone()
    if known is None:  # decided without the write lock: a flood of made-up keys never holds up anyone's choices
        raise LaunchRefused("unknown-key", "this launch key is not known to this site")
    token = secrets.token_urlsafe(32)
    now = clock()
    with store.write():
        row = store._db.execute("SELECT id, scenarios, revoked_at FROM lms_packages WHERE key_hash = ?",
                               [_digest(key)]).fetchone()
        if row is None:
            raise LaunchRefused("unknown-key", "this launch key is not known to this site")
        package_id, scenarios, revoked_at = row[0], json.loads(row[1]), row[2]
        if revoked_at is not None:
            raise LaunchRefused("revoked", "this package's launch key was revoked by a supervisor")
        if scenario_id not in scenarios:
            raise LaunchRefused("scenario", "this package does not hold that scenario")
        store._db.execute("DELETE FROM lms_sessions WHERE expires_at <= ?", [now])  # keeps the table small
        found = store._db.execute("SELECT l.trainee_id, t.name, a.disabled FROM lms_learners l JOIN trainees t ON"
                                 " t.id = l.trainee_id LEFT JOIN accounts a ON a.trainee_id = t.id"
                                 " WHERE l.student_id = ?", [student_id]).fetchone()
        if found is not None and found[2]:
            raise LaunchRefused("disabled", "a supervisor disabled this learner's account on the site")
        new = found is None
        if new:
            hour_ago = datetime.fromtimestamp(now - 3600, timezone.utc).isoformat(timespec="milliseconds")
            recent = store._db.execute("SELECT count(*) FROM lms_learners WHERE package_id = ? AND created_at > ?",
                                      [package_id, hour_ago]).fetchone()[0]
            if recent >= MAX_NEW_LEARNERS_PER_HOUR:
                raise LaunchRefused("busy", "this package brought in too many new learners in the last hour")
            account = _new_trainee_account(store, student_id, student_name)
            trainee = account.trainee
            store._db.execute("INSERT INTO lms_learners (student_id, trainee_id, package_id, created_at)"
                             " VALUES (?, ?, ?, ?)", [student_id, trainee.id, package_id, now_iso()])
            audit.record(store, trainee.name, LEARNER_ACTION, trainee.name, package=package_id, student_id=student_id)
        else:
            trainee = Trainee(found[0], found[1])
        learner_id = store._db.execute("SELECT id FROM lms_learners WHERE student_id = ?", [student_id]).fetchone()[0]
        store._db.execute("INSERT INTO lms_sessions (token_hash, package_id, learner_id, scenario_id, sco_origin,"
                         " started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [_digest(token), package_id, learner_id, scenario_id, sco_origin, now_iso(),
                          now + SESSION_SECONDS])
        store._db.execute("DELETE FROM lms_sessions WHERE learner_id = ? AND token_hash NOT IN (SELECT token_hash FROM"
                         " lms_sessions WHERE learner_id = ? ORDER BY expires_at DESC LIMIT ?)",
                         [learner_id, learner_id, MAX_SESSIONS_PER_LEARNER])
        store._db.execute("UPDATE lms_packages SET launches = launches + 1, last_launch_at = ? WHERE id = ?",
                         [now_iso(), package_id])
        audit.record(store, trainee.name, LAUNCH_ACTION, trainee.name, package=package_id, scenario=scenario_id,
                     **({"from": address} if address else {}))
        resume = unfinished_attempt(store, trainee.id, records_under or scenario_id)
    return Launch(token, trainee, new, package_id, scenario_id, resume)


def session(store: Store, token: str, clock=time.time) -> LmsSession | None:
    """The live session a token names: None when unknown, expired, its package was revoked since, or a
    supervisor disabled the learner's account."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = store._db.execute(
        "SELECT t.id, t.name, a.id, s.package_id, s.scenario_id, s.sco_origin, s.expires_at FROM lms_sessions s"
        " JOIN lms_learners l ON l.id = s.learner_id JOIN trainees t ON t.id = l.trainee_id"
        " JOIN lms_packages p ON p.id = s.package_id JOIN accounts a ON a.trainee_id = t.id"
        " WHERE s.token_hash = ? AND p.revoked_at IS NULL AND s.expires_at > ? AND a.disabled = 0", [_digest(token), clock()]).fetchone()
    if row is None:
        return None
    return LmsSession(Trainee(row[0], row[1]), row[2], row[3], row[4], row[5], row[6])


def learner_count(store: Store, student_id: str | None = None) -> int:
    """How many LMS learners the site has (with `student_id`: 0 or 1, whether that one is linked)."""
    if student_id is None:
        return store._db.execute("SELECT count(*) FROM lms_learners").fetchone()[0]
    return store._db.execute("SELECT count(*) FROM lms_learners WHERE student_id = ?", [student_id]).fetchone()[0]


# --- results -----------------------------------------------------------------------------------------
def unfinished_attempt(store: Store, trainee_id: int, scenario_id: str) -> str | None:
    """The trainee's latest unfinished attempt at the scenario (a relaunch resumes it), or None."""
    row = store._db.execute("SELECT id FROM attempts WHERE trainee_id = ? AND scenario_id = ? AND status = 'in-progress'"
                           " ORDER BY last_activity DESC LIMIT 1", [trainee_id, scenario_id]).fetchone()
    return row[0] if row else None


def result(store: Store, attempt_id: str, trainee_id: int) -> LmsResult | None:
    """The attempt's result, only if it is this trainee's (a session never reads someone else's)."""
    row = store._db.execute("SELECT id, scenario_id, mode, status, passed, overall, started_at, finished_at FROM attempts"
                           " WHERE id = ? AND trainee_id = ?", [attempt_id, trainee_id]).fetchone()
    if row is None:
        return None
    return LmsResult(row[0], row[1], row[2], row[3], None if row[4] is None else bool(row[4]), row[5], row[6], row[7])
