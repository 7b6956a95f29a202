"""A separate process signing in, for the lockout tests: the count of wrong passphrases is shared
through the database, not kept in a process.

Run as: python -m tests.signin_worker DB_PATH NAME NOW   (the passphrase is read from standard input;
NOW is the fake clock in seconds). Prints "ok", "refused" or "locked SECONDS".
"""

from __future__ import annotations

import sys

from trainer.progress import accounts
from trainer.progress.passphrase import LockedOut
from trainer.progress.store import Store


def main() -> None:
    db_path, name, now = sys.argv[1], sys.argv[2], float(sys.argv[3])
    secret = sys.stdin.readline().rstrip("\n")
    store = Store.open(db_path)
    try:
        accounts.sign_in(store, name, secret, clock=lambda: now)
        print("ok")
    except LockedOut as exc:
        print(f"locked {exc.wait:.0f}")
    except accounts.SignInRefused:
        print("refused")
    finally:
        store.close()


if __name__ == "__main__":
    main()
