"""Single sign-on through a login proxy (`trainer serve --trusted-header HEADER --trusted-proxy ADDR...`).

A hospital's login proxy (oauth2-proxy behind nginx `auth_request`, in front of Entra ID, Okta or
Google; see docs/deployment.md) signs the person in with the directory and passes their e-mail address
to us in a header. That header is only as trustworthy as the connection it came on: anyone can send
`X-Auth-Request-Email: boss@clinic.example` themselves. So it is believed only when the TCP peer of the
request (the socket's own address, never X-Forwarded-For, which the sender writes) is one of the
configured proxy addresses; from anywhere else it is ignored, and the attempt is written to the site's
audit trail, at most one row per address a minute and a small burst overall, so a flood of such
requests cannot flood the trail (the rows say how many were left out).

A believed header signs in the enabled account with that e-mail, with no passphrase; an unknown address
becomes a trainee in `--sso-create-trainees GROUP` (named from `--sso-name-header`) or is refused.
The HTML app asks `HeaderSignIn` first on every request (a resolver, trainer.web.html.sessions: each
request is decided afresh, so no session outlives the proxy's; signing out is the proxy's). The
terminal at /terminal signs in the same way: its app runs in a separate process that cannot be
handed the header, so the server hands it a one-time ticket instead (issued here, redeemed once within a
minute by trainer.progress.sso; only its hash is stored), and the tab opens signed in.

Database work runs on one worker thread with its own connection, so a slow disk never stalls the server
and SSO can never hold more than one connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

log = logging.getLogger("trainer.web")

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")  # an HTTP header name (RFC 9110 token)
SIGN_IN_AUDIT_EVERY = 30 * 60.0  # a sign-in row per account and proxy at most this often (each request resolves)
LOOKUP_FOR = 5.0  # seconds an answer is reused: a disabled account is refused within this
MAX_REMEMBERED = 1024  # addresses and accounts the limits keep track of (oldest forgotten first)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def header_name(value: str) -> str:
    """An HTTP header name as given on the command line, or ValueError saying why not."""
    text = (value or "").strip()
    if not _TOKEN.match(text):
        raise ValueError(f"'{value}' is not an HTTP header name like X-Auth-Request-Email")
    return text


def proxy_networks(values) -> tuple[Network, ...]:
    """The trusted proxies: addresses (10.0.0.5, ::1) or networks (10.0.0.0/24), or ValueError."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"'{value}' is not an IP address or network like 10.0.0.5 or 10.0.0.0/24") from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        found = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # a dual-stack socket reports 10.0.0.5 as ::ffff:10.0.0.5
    return found


@dataclass(frozen=True)
class SsoSettings:
    """What `trainer serve` was told: the header, who may send it, and what to do with strangers."""

    header: str
    proxies: tuple[Network, ...]
    create_group: str | None = None
    name_header: str | None = None

    def trusts(self, peer: str) -> bool:
        address = _address(peer)
        return address is not None and any(address in network for network in self.proxies)


def peer_of(request) -> str:
    """The request's TCP peer: the socket's address (aiohttp's `remote` can be rewritten by middleware)."""
    transport = request.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    if isinstance(peer, (tuple, list)) and peer:
        return str(peer[0])
    return ""


class AuditBudget:
    """How many "ignored header" rows may be written: one per address per `per_address` seconds, and at
    most `burst` in a row overall, refilled one every `refill` seconds. What is left out is counted and
    reported with the next row that is written."""

    def __init__(self, per_address: float = 60.0, burst: int = 20, refill: float = 30.0, clock=time.monotonic):
        self.per_address, self.burst, self.refill, self.clock = per_address, burst, refill, clock
        self.tokens = float(burst)
        self.updated = clock()
        self.last: OrderedDict[str, float] = OrderedDict()
        self.suppressed = 0

    def take(self, address: str) -> int | None:
        """The count of rows left out so far if a row may be written now (and resets it), else None."""
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.updated) / self.refill)
        self.updated = now
        last = self.last.get(address)
        if (last is not None and now - last < self.per_address) or self.tokens < 1:
            self.suppressed += 1
            return None
        self.tokens -= 1
        self.last[address] = now
        self.last.move_to_end(address)
        while len(self.last) > MAX_REMEMBERED:
            self.last.popitem(last=False)
        left_out, self.suppressed = self.suppressed, 0
        return left_out


def _printable(text: str, limit: int = 120) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:limit]


class HeaderSignIn:
    """The SSO resolver: `await resolver(request)` is the signed-in WebUser, or None to fall through to
    the cookie. `account(peer, headers)` is the same decision without aiohttp (what the tests drive)."""

    def __init__(self, db: Path, settings: SsoSettings, clock=time.monotonic):
        self.db, self.settings, self.clock = db, settings, clock
        self.ignored = AuditBudget(clock=clock)
        self.refused = AuditBudget(clock=clock)
        self.signed_in: OrderedDict[tuple[int, str], float] = OrderedDict()
        self.cache: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trainer-sso")
        self._store = None

    # --- the decision --------------------------------------------------------------------------------
    def account(self, peer: str, headers: Mapping):
        """The SsoAccount this request signs in, or None. Runs on the worker thread (it reads the database)."""
        values = headers.getall(self.settings.header, []) if hasattr(headers, "getall") else (
            [headers[self.settings.header]] if self.settings.header in headers else [])
        if not values:
            return None
        address = _address(peer)
        peer = str(address) if address is not None else _printable(peer, 60)
        if not self.settings.trusts(peer):
            self._ignored(peer, values[0])
            return None
        if len(values) > 1:  # two answers to "who is this": believe neither
            self._refuse(None, _printable(values[0]), peer, "the header was sent more than once")
            return None
        from trainer.progress import sso
        from trainer.progress.emails import InvalidEmail, clean_email, email_key

        try:
            address = clean_email(values[0])
        except InvalidEmail:
            self._refuse(None, _printable(values[0]), peer, "not an e-mail address")
            return None
        key = email_key(address)
        cached = self.cache.get(key)
        if cached is not None and self.clock() - cached[0] < LOOKUP_FOR:
            found = cached[1]
        else:
            found = sso.account_for(self._open(), address)
            if found is None and self.settings.create_group:
                found = self._create(address, headers, peer)
                if found is None:
                    return None
            self.cache[key] = (self.clock(), found)
            self.cache.move_to_end(key)
            while len(self.cache) > MAX_REMEMBERED:
                self.cache.popitem(last=False)
        if found is None:
            self._refuse(None, address, peer, "no account has this e-mail address")
            return None
        if found.disabled:
            self._refuse(found, address, peer, "disabled")
            return None
        self._audit_sign_in(found, address, peer)
        return found

    def _create(self, address: str, headers: Mapping, peer: str):
        from trainer.progress import sso

        raw_name = headers.get(self.settings.name_header) if self.settings.name_header else None
        try:
            return sso.create_trainee(self._open(), address, raw_name, self.settings.create_group, peer)
        except sso.SsoRefused as exc:
            self._refuse(None, address, peer, _printable(str(exc), 300))
            return None

    # --- the audit trail -----------------------------------------------------------------------------
    def _ignored(self, peer: str, claimed: str) -> None:
        left_out = self.ignored.take(peer)
        if left_out is not None:
            self._record_ignored(peer, claimed, left_out)

    def _record_ignored(self, peer: str, claimed: str, left_out: int) -> None:
        from trainer.progress import sso

        log.warning("ignored the %s header from %s, which is not a trusted proxy (see --trusted-proxy)",
                    self.settings.header, _printable(peer, 60))
        sso.record_ignored(self._open(), _printable(peer, 60), self.settings.header, _printable(claimed), left_out)

    def _refuse(self, account, address: str, peer: str, reason: str) -> None:
        if self.refused.take(f"{peer} {address}") is None:
            return
        from trainer.progress import sso

        sso.record_refusal(self._open(), account, address, _printable(peer, 60), reason)

    def _audit_sign_in(self, account, address: str, peer: str) -> None:
        key = (account.account_id, peer)
        last = self.signed_in.get(key)
        now = self.clock()
        if last is not None and now - last < SIGN_IN_AUDIT_EVERY:
            return
        from trainer.progress import sso

        sso.record_sign_in(self._open(), account, address, _printable(peer, 60))
        self.signed_in[key] = now
        self.signed_in.move_to_end(key)
        while len(self.signed_in) > MAX_REMEMBERED:
            self.signed_in.popitem(last=False)

    def _open(self):
        if self._store is None:
            from trainer.progress.store import Store

            self._store = Store.open(self.db)
        return self._store

    # --- aiohttp ---------------------------------------------------------------------------------------
    async def __call__(self, request):
        """The WebUser the proxy's header names, or None (no header, untrusted, unknown, disabled)."""
        if self.settings.header not in request.headers:
            return None
        loop = asyncio.get_running_loop()
        peer = peer_of(request)
        address = _address(peer)
        peer = str(address) if address is not None else _printable(peer, 60)
        try:
            if not self.settings.trusts(peer):  # decided here: a flood never queues work for the database
                left_out = self.ignored.take(peer)
                if left_out is not None:
                    await loop.run_in_executor(self._worker, self._record_ignored, peer,
                                               _printable(request.headers[self.settings.header]), left_out)
                return None
            found = await loop.run_in_executor(self._worker, self.account, peer, request.headers)
        except Exception:  # a database problem refuses the sign-in; it never becomes a 500 for everyone
            log.exception("single sign-on could not read the database")
            return None
        return web_user(found) if found is not None else None

    async def ticket_for(self, request) -> str:
        """For a terminal tab: a one-time ticket signing its app process in as the header's person, or ""
        (no header, untrusted, unknown, disabled). The ticket lives TICKET_SECONDS and works once."""
        user = await self(request)
        if user is None:
            return ""
        from trainer.progress import sso

        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._worker, lambda: sso.issue_ticket(self._open(), user.id))
        except Exception:
            log.exception("single sign-on could not write a terminal ticket")
            return ""

    def close(self) -> None:
        def close_store():
            if self._store is not None:
                self._store.close()
                self._store = None

        self._worker.submit(close_store).result(timeout=10)
        self._worker.shutdown(wait=True)


def web_user(account):
    """The HTML app's idea of the signed-in person."""
    from trainer.web.html.sessions import WebUser

    return WebUser(account.role, account.account_id, account.name, account.language, account.trainee_id)


def install(app, db: Path, settings: SsoSettings) -> HeaderSignIn:
    """Make the HTML app of `app` sign people in from the proxy's header, for as long as `app` runs."""
    from trainer.web.html.sessions import register_resolver, unregister_resolver

    resolver = HeaderSignIn(db, settings)
    register_resolver(resolver)

    async def uninstall(app) -> None:
        unregister_resolver(resolver)
        await asyncio.get_running_loop().run_in_executor(None, resolver.close)  # waits for its thread

    app.on_cleanup.append(uninstall)
    return resolver
