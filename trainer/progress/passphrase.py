"""The supervisor passphrase: stored only as a salted scrypt hash in the progress database."""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from trainer.progress.store import Store, StoreError

KEY = "supervisor_passphrase"
N, R, P = 2**14, 8, 1
MIN_LENGTH = 8


def _hash(passphrase: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def is_set(store: Store) -> bool:
    return store.db.execute("SELECT 1 FROM settings WHERE key = ?", [KEY]).fetchone() is not None


def set_passphrase(store: Store, passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise StoreError(f"the passphrase must be at least {MIN_LENGTH} characters")
    salt = os.urandom(16)
    record = {"scheme": "scrypt", "n": N, "r": R, "p": P, "salt": salt.hex(), "hash": _hash(passphrase, salt).hex()}
    with store.write():
        store.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                         " value = excluded.value", [KEY, json.dumps(record)])


def check(store: Store, passphrase: str) -> bool:
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", [KEY]).fetchone()
    if row is None:
        return False
    record = json.loads(row[0])
    actual = _hash(passphrase, bytes.fromhex(record["salt"]), record["n"], record["r"], record["p"])
    return hmac.compare_digest(actual.hex(), record["hash"])
