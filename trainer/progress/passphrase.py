"""Passphrases: argon2id hashes (argon2-cffi's defaults, the RFC 9106 low-memory profile) and the
failure count that slows down guessing, kept in the database so every process shares it.

A personal database may have one supervisor passphrase (in `settings`); a site database has one per
account (in `accounts`). Hashes written by older versions (scrypt) still verify and are replaced by an
argon2id hash on the next successful check. A passphrase never leaves this module except as a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Callable

from trainer.i18n import _
from trainer.progress.store import Store, StoreError

KEY = "supervisor_passphrase"
PERSONAL_SUBJECT = "personal-supervisor"
PERSONAL_ACTOR = "supervisor"  # who the audit names for the personal database's passphrase
MIN_LENGTH = 12
MIN_SCORE = 3  # zxcvbn: "safely unguessable", about 10^8 guesses or more
STRENGTH_CHECKED = 72  # zxcvbn refuses longer input
FREE_TRIES = 5  # wrong passphrases for one account from one place before the waits start
ADDRESS_FREE_TRIES = 20  # wrong passphrases or unknown names from one address, whatever the account
TERMINAL = "terminal"  # the place of a sign-in with no browser address (trainer.progress.audit.TERMINAL)
UNKNOWN_SUBJECT = "unknown-name"  # the count of names with no account, at the terminal
FIRST_WAIT = 30.0
MAX_WAIT = 15 * 60.0  # the waits double up to this, never longer
FORGET_AFTER = 60 * 60.0  # a count with no new failure for this long starts again

Clock = Callable[[], float]


class WeakPassphrase(ValueError):
    """A passphrase that may not be set, with the reason."""


class LockedOut(Exception):
    """Too many wrong passphrases in a row: the next try has to wait."""

    def __init__(self, wait: float):
        self.wait = wait
        seconds = int(wait + 0.999)
        super().__init__(_("too many wrong passphrases in a row; try again in {seconds} s").format(seconds=seconds))


def hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_strength(passphrase: str, context: tuple[str, ...] = ()) -> None:
    """At least 12 characters, and not easy to guess: zxcvbn (its lists of common passwords, names and
    words, keyboard rows, repeats, sequences, dates) must rate it 3 of 4 or better, counting the
    person's own name (`context`) as known to an attacker. Longer passphrases are rated on their first
    72 characters, the most zxcvbn reads."""
    if len(passphrase) < MIN_LENGTH:
        raise WeakPassphrase(_("the passphrase must be at least {count} characters").format(count=MIN_LENGTH))
    if not passphrase.strip():
        raise WeakPassphrase(_("the passphrase cannot be only spaces"))
    from zxcvbn import zxcvbn

    rating = zxcvbn(passphrase[:STRENGTH_CHECKED], user_inputs=[word for text in context for word in text.split()])
    if rating["score"] >= MIN_SCORE:
        return
    sequence = rating["sequence"]
    if len(sequence) == 1 and sequence[0].get("dictionary_name") == "passwords":
        raise WeakPassphrase(_("that passphrase is on the list of the most common passwords; "
                               "use three or four unrelated words"))
    raise WeakPassphrase(_("that passphrase is too easy to guess (common passwords, names, keyboard rows, "
                           "repeats or dates); use three or four unrelated words"))


def make_hash(passphrase: str, context: tuple[str, ...] = ()) -> str:
    """An argon2id hash of an acceptable passphrase (WeakPassphrase otherwise)."""
    check_strength(passphrase, context)
    return hasher().hash(passphrase)


def verify(stored: str | None, passphrase: str) -> tuple[bool, str | None]:
    """Whether `passphrase` matches `stored`, and a fresh hash to store when the old one should be replaced
    (a legacy scrypt record, or argon2 parameters older than today's defaults)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored:
        _burn(passphrase)
        return False, None
    if stored.startswith("{"):
        return _verify_scrypt(stored, passphrase)
    h = hasher()
    try:
        h.verify(stored, passphrase)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (h.hash(passphrase) if h.check_needs_rehash(stored) else None)


_DUMMY: list[str] = []


def _burn(passphrase: str) -> None:
    """Spend the time a real check takes, so an unknown name answers as slowly as a known one."""
    from argon2.exceptions import VerificationError

    if not _DUMMY:
        _DUMMY.append(hasher().hash("not a real passphrase"))
    try:
        hasher().verify(_DUMMY[0], passphrase)
    except VerificationError:
        pass


def _verify_scrypt(stored: str, passphrase: str) -> tuple[bool, str | None]:
    record = json.loads(stored)
    actual = hashlib.scrypt(passphrase.encode("utf-8"), salt=bytes.fromhex(record["salt"]), n=record["n"],
                            r=record["r"], p=record["p"], maxmem=64 * 1024 * 1024, dklen=32)
    if not hmac.compare_digest(actual.hex(), record["hash"]):
        return False, None
    return True, hasher().hash(passphrase)


# --- failures, shared by every process through the database -------------------------------------------
@dataclass(frozen=True)
class Failures:
    count: int
    last_at: float | None

    def wait(self, now: float, free: int = FREE_TRIES) -> float:
        """Seconds before another try is allowed: none for the first `free` wrong tries, then 30 s, 60 s,
        120 s ... up to 15 minutes; a count left alone for an hour is forgotten."""
        if self.count < free or self.last_at is None or now - self.last_at >= FORGET_AFTER:
            return 0.0
        return max(0.0, self.last_at + min(FIRST_WAIT * 2 ** (self.count - free), MAX_WAIT) - now)


def failures(store: Store, key: str) -> Failures:
    row = store._db.execute("SELECT failures, last_failure_at FROM sign_in_failures WHERE subject = ?",
                            [key]).fetchone()
    return Failures(row[0], row[1]) if row else Failures(0, None)


def pair_key(subject: str, address: str) -> str:
    """The count of one account's wrong passphrases from one place (an address, or "terminal")."""
    return f"{subject}@{address}"


def address_key(address: str) -> str:
    """The count of every wrong passphrase and unknown name from one place, whatever account it named."""
    return f"address:{address}"


def _counts(subject: str | None, address: str) -> list[tuple[str, str, int]]:
    """(scope, key, free tries) of the counts a try from `address` on `subject` (None: no such account) is
    under. The terminal has no place-wide count: everyone signing in at a terminal (local users, an SSH
    forced command) shares that one place, and one of them could otherwise make every account wait there;
    names with no account count there as one account of their own."""
    if address == TERMINAL:
        return [("account", pair_key(subject or UNKNOWN_SUBJECT, address), FREE_TRIES)]
    place = [("address", address_key(address), ADDRESS_FREE_TRIES)]
    return ([("account", pair_key(subject, address), FREE_TRIES)] if subject else []) + place


@dataclass(frozen=True)
class Outcome:
    """A checked try: whether it was right, and the waits that a wrong one started (scope: "account" for
    this account from this place, "address" for this place whatever the account; seconds)."""

    ok: bool
    lockouts: tuple[tuple[str, float], ...] = ()


def guarded_check(store: Store, subject: str | None, stored: Callable[[], str | None], passphrase: str,
                  save: Callable[[str], None], clock: Clock = time.time, address: str | None = None,
                  after: Callable[[Outcome], None] | None = None) -> bool:
    """Check a passphrase under the shared lockout, counted per account *and place* and per place.

    Wrong tries from one place slow down only that place: someone at one address (or the terminal)
    cannot make a supervisor at another wait. Each try is first counted as a failure in its own short
    write transaction, so two processes cannot both spend the same try; the slow hash check then runs
    without holding the database's write lock (other people's choices keep saving meanwhile), and a
    right passphrase clears its account's count from that place and takes its own try back from the
    place's. A process killed mid-check leaves the try counted, never free. `after` runs inside the
    transaction that settles the try (the audit record lands with it). `subject` None is a name with no
    account: only the place's count applies, and the check takes as long as a real one.
    Raises LockedOut (nothing checked, nothing written) while a wait is not over."""
    from trainer.progress.audit import client_address

    address = address or client_address()
    counts = _counts(subject, address)
    with store.write():
        now = clock()
        # counts nobody added to for an hour are forgotten anyway: dropping them keeps the table small
        store._db.execute("DELETE FROM sign_in_failures WHERE last_failure_at <= ?", [now - FORGET_AFTER])
        wait = max(failures(store, key).wait(now, free) for _scope, key, free in counts)
        if wait > 0:
            raise LockedOut(wait)
        for _scope, key, _free in counts:
            store._db.execute(
                "INSERT INTO sign_in_failures (subject, failures, last_failure_at) VALUES (?, 1, ?)"
                " ON CONFLICT (subject) DO UPDATE SET last_failure_at = excluded.last_failure_at, failures ="
                " CASE WHEN excluded.last_failure_at - last_failure_at >= ? THEN 1 ELSE failures + 1 END",
                [key, now, FORGET_AFTER])
        hashed = stored() if subject else None
    ok, rehashed = verify(hashed, passphrase)
    with store.write():
        if ok:
            store._db.execute("DELETE FROM sign_in_failures WHERE subject = ?", [pair_key(subject, address)])
            store._db.execute("UPDATE sign_in_failures SET failures = max(failures - 1, 0) WHERE subject = ?",
                              [address_key(address)])  # no such row at the terminal: nothing to take back
            if rehashed:
                save(rehashed)
            outcome = Outcome(True)
        else:
            outcome = Outcome(False, tuple((scope, wait) for scope, key, free in counts
                                           if (wait := failures(store, key).wait(now, free)) > 0))
        if after is not None:
            after(outcome)
    return ok


def clear_account(store: Store, subject: str) -> None:
    """Forget an account's wrong tries from every place (a supervisor reset its passphrase)."""
    prefix = pair_key(subject, "")
    store._db.execute("DELETE FROM sign_in_failures WHERE substr(subject, 1, ?) = ?", [len(prefix), prefix])


# --- the personal database's supervisor passphrase ------------------------------------------------------
def is_set(store: Store) -> bool:
    return _personal_hash(store) is not None


def _personal_hash(store: Store) -> str | None:
    row = store._db.execute("SELECT value FROM settings WHERE key = ?", [KEY]).fetchone()
    return row[0] if row else None


def _save_personal(store: Store, value: str) -> None:
    store._db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                      " value = excluded.value", [KEY, value])


def set_passphrase(store: Store, passphrase: str) -> None:
    try:
        value = make_hash(passphrase)
    except WeakPassphrase as exc:
        raise StoreError(str(exc)) from exc
    with store.write():
        _save_personal(store, value)


def check(store: Store, passphrase: str, clock: Clock = time.time, address: str | None = None) -> bool:
    """The personal supervisor passphrase, under the shared lockout (LockedOut while waiting); the try
    is audited like a site's sign-in, under the name "supervisor"."""
    from trainer.progress import audit

    address = address or audit.client_address()
    return guarded_check(store, PERSONAL_SUBJECT, lambda: _personal_hash(store), passphrase,
                         lambda value: _save_personal(store, value), clock, address,
                         after=lambda outcome: audit.signing_in(store, outcome, PERSONAL_ACTOR, address))
