"""How a supervisor proves who they are to the site server over HTTP (for the details on /status): HTTP Basic
with the name and passphrase of an enabled supervisor account of the site, checked by the same sign-in
code as the app (argon2id, and the waits after wrong passphrases). Behind TLS only, like the app's own
sign-in. One check runs at a time, off the event loop, so a stream of guesses costs the server one
argon2 check at a time and never stalls the tabs being served."""

from __future__ import annotations

import asyncio
import binascii
import logging
from pathlib import Path

from aiohttp import BasicAuth

log = logging.getLogger("trainer.web")


class SupervisorCheck:
    """Checks an Authorization header against the site's supervisor accounts."""

    def __init__(self, db: Path):
        self.db = db
        self._busy = asyncio.Lock()

    async def check(self, header: str, address: str = "") -> bool | tuple[int, str]:
        """True for an enabled supervisor's name and passphrase; else (HTTP status, reason). `address` (the
        browser's) goes into the audit log and the per-place lockout."""
        try:
            credentials = BasicAuth.decode(header, encoding="utf-8")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return 401, "HTTP Basic credentials of a supervisor account are needed"
        if len(credentials.login) > 200 or len(credentials.password) > 1024:
            return 401, "that name and passphrase do not match a supervisor account"
        if self._busy.locked():  # a check is running: don't queue guesses behind it
            return 429, "another sign-in is being checked; try again in a few seconds"
        async with self._busy:
            return await asyncio.to_thread(self._check, credentials.login, credentials.password, address)

    def _check(self, name: str, passphrase: str, address: str = "") -> bool | tuple[int, str]:
        from trainer.progress import accounts
        from trainer.progress.passphrase import LockedOut
        from trainer.progress.store import Store, StoreError

        try:
            store = Store.open(self.db)
        except StoreError as exc:
            log.error("cannot open the database to check a sign-in: %s", exc)
            return 503, "the database cannot be opened"
        try:
            accounts.sign_in(store, name, passphrase, role="supervisor", address=address or None)
        except LockedOut:
            return 429, "too many wrong passphrases for that account; wait and try again"
        except (accounts.AccessError, StoreError, ValueError):
            return 401, "that name and passphrase do not match a supervisor account"
        finally:
            store.close()
        return True
