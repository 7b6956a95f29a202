"""The objects the HTML app's requests work with, made once per server: the site database (one connection,
used from the event loop only; each request's work on it is short and synchronous), the site's scenario
library, the attempts being played (kept between requests so a choice does not replay the whole attempt),
the sign-in checker (argon2 off the event loop, a bounded queue), and the language of each page.

Why attempts are cached: `RecordedAttempt.resume` replays every recorded choice through the machine and
takes the attempt over; doing that once per page view would cost O(choices) per click. A cached attempt
that another window took over fails its next write with AttemptElsewhere / AttemptMovedOn, and is then
dropped and rebuilt from the database, exactly as the terminal app catches up."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from aiohttp import web

from trainer.i18n import SOURCE_LANGUAGE, available_languages, language_from_environment, set_language
from trainer.web.html.sessions import WebUser

MAX_CACHED_ATTEMPTS = 2000
MAX_WAITING_SIGN_INS = 32  # sign-ins queued behind the one being checked; more get "busy, try again"
SITE = web.AppKey("trainer_web_site", object)


@dataclass
class Playing:
    """An attempt being played in the browser: the recorded attempt and whether its last choice's coaching
    (practice) is on screen waiting for Continue."""

    attempt: object  # trainer.play.recording.RecordedAttempt
    trainee_id: int
    coaching: bool = False
    notice: str = ""  # one message for the next page view (a choice refused, time ran out)
    touched: float = field(default_factory=time.monotonic)


class SignInBusy(Exception):
    """Too many sign-ins are waiting to be checked: try again shortly."""


class WebSite:
    def __init__(self, db: Path, library=None, clock: Callable[[], float] = time.time, order_seed=None):
        from trainer.play.recording import new_seed

        self.db = db
        self._store = None  # opened on first use: a server that never serves a page never touches them
        self._library = library
        self._jurisdiction: str | None = None
        self.clock = clock
        self.order_seed = order_seed or new_seed
        self.server_language = language_from_environment()
        self.languages = available_languages()
        self.playing: OrderedDict[str, Playing] = OrderedDict()
        self._checking = asyncio.Lock()
        self._waiting = 0
        self._offers = {}

    @property
    def store(self):
        if self._store is None:
            from trainer.progress.store import Store

            self._store = Store.open(self.db)
        return self._store

    @property
    def library(self):
        """The site's scenario folders (and the bundled library), loaded once."""
        if self._library is None:
            from trainer.progress import accounts
            from trainer.scenario.library import load_library

            site = accounts.site(self.store)
            self._library = load_library(site.scenario_dirs if site else ())
        return self._library

    @property
    def jurisdiction(self) -> str:
        if self._jurisdiction is None:
            from trainer.progress import accounts

            self._jurisdiction = accounts.jurisdiction_of(self.store)
        return self._jurisdiction

    def offers(self, language: str) -> dict:
        """The library's offers for "Next for you" in one language (trainer.play.next_up), worked out once."""
        from trainer.play.next_up import offers

        key = (language, self.jurisdiction)
        if key not in self._offers:
            here = self.jurisdiction
            self._offers[key] = offers(self.library, here if self.library.has_jurisdiction(here) else None, language)
        return self._offers[key]

    def close(self) -> None:
        for held in self.playing.values():
            held.attempt.close()
        self.playing.clear()
        if self._store is not None:
            self._store.close()

    # --- who ---------------------------------------------------------------------------------------
    def lookup(self, account_id: int) -> WebUser | None:
        """The account a session cookie names, if it still exists and is enabled."""
        from trainer.progress.accounts import account_by_id
        from trainer.progress.preferences import language_of

        account = account_by_id(self.store, account_id)
        if account is None or account.disabled:
            return None
        language = language_of(self.store, account.trainee) if account.trainee is not None else None
        return WebUser(account.role, account.id, account.name, language, account.trainee_id)

    async def check_sign_in(self, name: str, passphrase: str, address: str):
        """accounts.sign_in (argon2id, the lockout per account and place, the audit record) in a worker
        thread with its own connection, one check at a time; at most MAX_WAITING_SIGN_INS wait for it."""
        if self._waiting >= MAX_WAITING_SIGN_INS:
            raise SignInBusy()
        self._waiting += 1
        try:
            async with self._checking:
                return await asyncio.to_thread(self._sign_in, name, passphrase, address)
        finally:
            self._waiting -= 1

    def _sign_in(self, name: str, passphrase: str, address: str):
        from trainer.progress import accounts
        from trainer.progress.store import Store

        store = Store.open(self.db)
        try:
            return accounts.sign_in(store, name, passphrase, address=address)
        finally:
            store.close()

    def signed_out(self, user: WebUser, address: str) -> None:
        from trainer.progress import audit
        from trainer.progress.store import StoreError

        try:
            audit.sign_out(self.store, user.name, address)
        except StoreError:
            pass  # the sign-in was recorded; a full disk must not keep anyone signed in

    # --- language ----------------------------------------------------------------------------------
    def language_for(self, request: web.Request, user: WebUser | None) -> str:
        """The page's language, made the current one for this request's synchronous work: the signed-in
        person's own setting, else the browser's Accept-Language (the first we have), else the server's."""
        if user is not None and user.language:
            return set_language(user.language)
        for code in _accepted(request.headers.get("Accept-Language", "")):
            if code in self.languages:
                return set_language(code)
            if code.split("-")[0] in self.languages:
                return set_language(code.split("-")[0])
        return set_language(self.server_language or SOURCE_LANGUAGE)

    # --- attempts ------------------------------------------------------------------------------------
    def remember(self, attempt_id: str, held: Playing) -> Playing:
        self.playing[attempt_id] = held
        self.playing.move_to_end(attempt_id)
        while len(self.playing) > MAX_CACHED_ATTEMPTS:
            _, old = self.playing.popitem(last=False)
            old.attempt.close()
        return held

    def forget(self, attempt_id: str) -> None:
        held = self.playing.pop(attempt_id, None)
        if held is not None:
            held.attempt.close()

    def load(self, now: float) -> dict[str, float]:
        """Signed-out sessions whose cookies could still be presented (kept across restarts)."""
        from trainer.progress.web_revocations import still_revoked

        return still_revoked(self.store, now)

    def revoke(self, nonce: str, expires_at: float, now: float) -> None:
        from trainer.progress.web_revocations import revoke

        revoke(self.store, nonce, expires_at, now)

    def held(self, attempt_id: str, trainee_id: int | None) -> Playing | None:
        """The trainee's attempt, from the cache or rebuilt from the database (taken over for the browser);
        None when there is no such attempt of theirs. StoreError when it cannot be replayed."""
        from trainer.play.recording import RecordedAttempt

        held = self.playing.get(attempt_id)
        if held is not None and held.trainee_id == trainee_id:
            held.touched = time.monotonic()
            self.playing.move_to_end(attempt_id)
            return held
        if trainee_id is None or len(attempt_id) > 64:
            return None
        row = self.store.attempt(attempt_id)
        if row is None or row.trainee_id != trainee_id:
            return None
        scenario = self.library.played(row)
        if scenario is None:
            from trainer.progress.store import StoreError

            raise StoreError("the scenario of this attempt is no longer in the library")
        attempt = RecordedAttempt.resume(self.store, attempt_id, scenario, self.clock)
        return self.remember(attempt_id, Playing(attempt, trainee_id))


def _accepted(header: str) -> list[str]:
    """Accept-Language's tags, best first (at most 20 looked at; q=0 left out)."""
    tags = []
    for position, part in enumerate(header[:500].split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            tags.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(tags)]
