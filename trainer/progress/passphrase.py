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
MIN_LENGTH = 8
FREE_TRIES = 5
FIRST_WAIT = 30.0

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


def check_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise WeakPassphrase(_("the passphrase must be at least {count} characters").format(count=MIN_LENGTH))
    if not passphrase.strip():
        raise WeakPassphrase(_("the passphrase cannot be only spaces"))


def make_hash(passphrase: str) -> str:
    """An argon2id hash of an acceptable passphrase (WeakPassphrase otherwise)."""
    check_strength(passphrase)
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

    def wait(self, now: float) -> float:
        """Seconds before another try is allowed: none for the first five, then 30 s, 60 s, 120 s ..."""
        if self.count < FREE_TRIES or self.last_at is None:
            return 0.0
        return max(0.0, self.last_at + FIRST_WAIT * 2 ** (self.count - FREE_TRIES) - now)


def failures(store: Store, subject: str) -> Failures:
    row = store.db.execute("SELECT failures, last_failure_at FROM sign_in_failures WHERE subject = ?",
                           [subject]).fetchone()
    return Failures(row[0], row[1]) if row else Failures(0, None)


def guarded_check(store: Store, subject: str, stored: Callable[[], str | None], passphrase: str,
                  save: Callable[[str], None], clock: Clock = time.time) -> bool:
    """Check a passphrase under the shared lockout. Each try is first counted as a failure in its own short
    write transaction, so two processes cannot both spend the same try; the slow hash check then runs
    without holding the database's write lock (other people's choices keep saving meanwhile), and a right
    passphrase clears the count. A process killed mid-check leaves the try counted, never free.
    Raises LockedOut (nothing checked) while the wait is not over."""
    with store.write():
        now = clock()
        wait = failures(store, subject).wait(now)
        if wait > 0:
            raise LockedOut(wait)
        store.db.execute(
            "INSERT INTO sign_in_failures (subject, failures, last_failure_at) VALUES (?, 1, ?)"
            " ON CONFLICT (subject) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at",
            [subject, now])
        hashed = stored()
    ok, rehashed = verify(hashed, passphrase)
    if ok:
        with store.write():
            store.db.execute("DELETE FROM sign_in_failures WHERE subject = ?", [subject])
            if rehashed:
                save(rehashed)
    return ok


# --- the personal database's supervisor passphrase ------------------------------------------------------
def is_set(store: Store) -> bool:
    return _personal_hash(store) is not None


def _personal_hash(store: Store) -> str | None:
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", [KEY]).fetchone()
    return row[0] if row else None


def _save_personal(store: Store, value: str) -> None:
    store.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                     " value = excluded.value", [KEY, value])


def set_passphrase(store: Store, passphrase: str) -> None:
    try:
        value = make_hash(passphrase)
    except WeakPassphrase as exc:
        raise StoreError(str(exc)) from exc
    with store.write():
        _save_personal(store, value)


def check(store: Store, passphrase: str, clock: Clock = time.time) -> bool:
    """The personal supervisor passphrase, under the shared lockout (LockedOut while waiting)."""
    return guarded_check(store, PERSONAL_SUBJECT, lambda: _personal_hash(store), passphrase,
                         lambda value: _save_personal(store, value), clock)
