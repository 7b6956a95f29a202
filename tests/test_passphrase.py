"""Passphrases: argon2id with argon2-cffi's recommended parameters, strength rules, the old scrypt hashes
still accepted (and upgraded), and the count of wrong tries shared by every process through the database."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY

from tests.conftest import ROOT
from trainer.progress import accounts, passphrase
from trainer.progress.store import Store, StoreError

SECRET = "correct horse battery"


def test_hashes_are_argon2id_with_the_rfc_9106_profile(tmp_path):
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, SECRET)
    stored = store._db.execute("SELECT value FROM settings WHERE key = 'supervisor_passphrase'").fetchone()[0]
    p = RFC_9106_LOW_MEMORY
    assert stored.startswith(f"$argon2id$v=19$m={p.memory_cost},t={p.time_cost},p={p.parallelism}$")
    assert SECRET not in stored
    assert passphrase.check(store, SECRET) and not passphrase.check(store, SECRET + "!")


@pytest.mark.parametrize("weak, reason", [
    ("short", "at least 12"), ("password", "at least 12"), ("12345678", "at least 12"), ("elevenchars", "at least 12"),
    (" " * 12, "only spaces"), ("\t \t \t \t \t \t ", "only spaces"),
    ("1qaz2wsx3edc", "most common passwords"), ("leavemealone", "most common passwords"),
    ("password1234", "most common passwords"), ("Password1234!", "too easy to guess"), ("123456789012", "too easy to guess"), ("passwordpassword", "too easy"),
    ("aaaaaaaaaaaaaaaa", "too easy"), ("qwertyuiopasdf", "too easy"), ("iloveyou2026", "too easy"),
])
def test_weak_passphrases_are_refused(tmp_path, weak, reason):
    store = Store.open(tmp_path / "p.db")
    with pytest.raises(StoreError, match=reason):
        passphrase.set_passphrase(store, weak)
    assert not passphrase.is_set(store)


def test_a_passphrase_made_of_the_persons_own_name_is_refused(tmp_path, fast_hashing):
    store = Store.open(tmp_path / "site.db")
    accounts.init_site(store, "Morgan Lee", "https://clinic.example/training", [], SECRET)
    passphrase.check_strength("zephyrinequockmantle")  # strong enough for anyone else
    with pytest.raises(accounts.AccessError, match="too easy to guess"):
        accounts.add_account(store, "Zephyrine Quockmantle", "trainee", "zephyrinequockmantle", actor="Morgan Lee")
    accounts.add_account(store, "Zephyrine Quockmantle", "trainee", "lantern pickle harbour", actor="Morgan Lee")


@pytest.mark.parametrize("strong", ["correct horse battery", "sams passphrase", "lantern pickle harbour",
                                    "Tr0mbone-Saucer-Fjord", "x" * 12 + "Yq7#mZ2!pL"])
def test_long_uncommon_passphrases_are_accepted(tmp_path, strong, fast_hashing):
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, strong)
    assert passphrase.check(store, strong)


def test_a_very_long_passphrase_is_accepted_and_checked_whole(tmp_path, fast_hashing):
    long = "harbour lantern pickle " * 10  # past the 72 characters the strength check reads
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, long)
    assert passphrase.check(store, long) and not passphrase.check(store, long[:-1])


def test_an_old_scrypt_hash_still_opens_and_is_upgraded_on_success(tmp_path):
    store = Store.open(tmp_path / "p.db")
    salt = bytes(range(16))
    digest = hashlib.scrypt(SECRET.encode(), salt=salt, n=2**14, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
    old = json.dumps({"scheme": "scrypt", "n": 2**14, "r": 8, "p": 1, "salt": salt.hex(), "hash": digest.hex()})
    with store.write():
        store._db.execute("INSERT INTO settings (key, value) VALUES ('supervisor_passphrase', ?)", [old])
    assert not passphrase.check(store, "wrong guess")
    assert store._db.execute("SELECT value FROM settings WHERE key = 'supervisor_passphrase'").fetchone()[0] == old
    assert passphrase.check(store, SECRET)
    upgraded = store._db.execute("SELECT value FROM settings WHERE key = 'supervisor_passphrase'").fetchone()[0]
    assert upgraded.startswith("$argon2id$") and passphrase.check(store, SECRET)


def test_waits_double_after_five_wrong_tries_in_a_row(tmp_path, fast_hashing):
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, SECRET)
    now = 1000.0
    for _ in range(5):
        assert not passphrase.check(store, "wrong guess", clock=lambda: now)
    with pytest.raises(passphrase.LockedOut, match="try again in 30 s"):
        passphrase.check(store, SECRET, clock=lambda: now)
    assert not passphrase.check(store, "wrong again", clock=lambda: now + 30)
    with pytest.raises(passphrase.LockedOut, match="try again in 60 s"):
        passphrase.check(store, SECRET, clock=lambda: now + 30)
    with pytest.raises(passphrase.LockedOut, match="try again in 1 s"):
        passphrase.check(store, SECRET, clock=lambda: now + 89.5)
    assert passphrase.check(store, SECRET, clock=lambda: now + 90)
    pair = passphrase.pair_key(passphrase.PERSONAL_SUBJECT, "terminal")
    assert passphrase.failures(store, pair).count == 0  # a success clears the count


def test_the_waits_stop_doubling_at_fifteen_minutes_and_an_hour_forgets(tmp_path, fast_hashing):
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, SECRET)
    now = 1000.0
    for _ in range(5):
        assert not passphrase.check(store, "wrong guess", clock=lambda: now)
    waits = []
    for _ in range(8):  # each wrong try as soon as it is allowed
        with pytest.raises(passphrase.LockedOut) as locked:
            passphrase.check(store, SECRET, clock=lambda: now)
        waits.append(round(locked.value.wait))
        now += locked.value.wait
        assert not passphrase.check(store, "wrong guess", clock=lambda: now)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
    now += 3600  # an hour without a wrong try: the count starts again
    assert not passphrase.check(store, "wrong guess", clock=lambda: now)
    assert passphrase.check(store, SECRET, clock=lambda: now)


def _worker(db, name, now, secret) -> str:
    out = subprocess.run([sys.executable, "-m", "tests.signin_worker", str(db), name, str(now)], input=secret + "\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_two_processes_share_the_lockout(tmp_path, fast_hashing):
    db = tmp_path / "site.db"
    store = Store.open(db)
    accounts.init_site(store, "Morgan Lee", "https://clinic.example/training", [], SECRET)
    accounts.add_account(store, "Sam Rivera", "trainee", "sams passphrase", actor="Morgan Lee")
    store.close()
    for _ in range(4):
        assert _worker(db, "Sam Rivera", 1000, "a wrong guess") == "refused"
    other = Store.open(db)
    with pytest.raises(accounts.SignInRefused):  # the fifth wrong try, in this process
        accounts.sign_in(other, "sam rivera", "another guess", clock=lambda: 1001)
    other.close()
    assert _worker(db, "Sam Rivera", 1010, "sams passphrase") == "locked 21"   # even the right one waits
    assert _worker(db, "Sam Rivera", 1031, "a wrong guess") == "refused"
    assert _worker(db, "Sam Rivera", 1032, "sams passphrase") == "locked 59"
    assert _worker(db, "Sam Rivera", 1091, "sams passphrase") == "ok"
    assert _worker(db, "Sam Rivera", 1091, "a wrong guess") == "refused"     # the count started again
    assert _worker(db, "Sam Rivera", 1091, "sams passphrase") == "ok"


def test_the_slow_check_does_not_hold_the_write_lock(tmp_path, monkeypatch):
    """While one person's passphrase is being checked, another person's choice still saves at once."""
    path = tmp_path / "p.db"
    store = Store.open(path)
    passphrase.set_passphrase(store, SECRET)
    other = Store.open(path)
    other._db.conn.execute("PRAGMA busy_timeout = 0")  # a held lock would fail at once, not wait
    wrote = []
    real_verify = passphrase.verify

    def verify_while_someone_writes(stored, given):
        with other.write():
            other._db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', 'saved')")
        wrote.append(True)
        return real_verify(stored, given)

    monkeypatch.setattr(passphrase, "verify", verify_while_someone_writes)
    assert passphrase.check(store, SECRET)
    assert wrote == [True]
    assert passphrase.failures(store, passphrase.PERSONAL_SUBJECT).count == 0  # the right one clears its try


def test_a_try_is_counted_before_the_check_so_a_killed_check_is_not_free(tmp_path, monkeypatch):
    store = Store.open(tmp_path / "p.db")
    passphrase.set_passphrase(store, SECRET)

    def killed(stored, given):
        raise KeyboardInterrupt  # the process dies while hashing

    monkeypatch.setattr(passphrase, "verify", killed)
    with pytest.raises(KeyboardInterrupt):
        passphrase.check(store, SECRET)
    counts = dict(store._db.execute("SELECT subject, failures FROM sign_in_failures"))
    assert counts == {passphrase.pair_key(passphrase.PERSONAL_SUBJECT, "terminal"): 1}
