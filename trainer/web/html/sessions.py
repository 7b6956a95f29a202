"""Who is signed in to the HTML app: a signed cookie, CSRF tokens, idle expiry, and pluggable resolvers.

Why a signed cookie rather than a server-side table: sessions then survive a server restart (the HMAC key
lives in a 0600 file beside the site database) and cost no memory per visitor. The cookie holds the account
id, a random session nonce, when it was issued and when it was last used; it is HttpOnly, SameSite=Strict,
and Secure whenever the request came over https (directly, or as an `--trusted-proxy` says with
X-Forwarded-Proto). It expires after `idle_seconds` without a request and after MAX_AGE in any case; a
sign-out revokes its nonce, kept in the site database (trainer.progress.web_revocations) so that a copied
cookie stays refused after a restart, and in memory so that checking a request costs no query. Every POST carries a CSRF token derived from the session nonce (or, before the
sign-in, from a pre-session cookie), so another site cannot post on a trainee's behalf.

`current_user(request)` is the one place that says who is signed in. Other sources (an SSO header, an LMS
launch) plug in with `register_resolver(fn)`: each `fn(request) -> WebUser | None` (or an awaitable of it)
is tried before the cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import ipaddress
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, Protocol, Union

from aiohttp import web

COOKIE = "trainer_session"
PRE_COOKIE = "trainer_pre"  # the sign-in form's CSRF seed, before there is a session
MAX_AGE = 12 * 60 * 60  # a session ends after this whatever its use: a shared desk PC is not signed in for days
REFRESH_AFTER = 30  # seconds: how stale "last used" may get before the cookie is re-issued
MAX_COOKIE = 1024  # characters: anything longer is not ours
KEEPER = web.AppKey("trainer_session_keeper", object)
USER_KEY = web.RequestKey("trainer_webuser", object)  # who the request is from, once worked out
REFRESH_KEY = web.RequestKey("trainer_session_refresh", dict)  # a session cookie to re-issue
PRE_SEED_KEY = web.RequestKey("trainer_pre_seed", str)  # the pre-session CSRF seed to set
SESSION_KEY = web.RequestKey("trainer_session_checked", tuple)  # (cookie, its payload or None)
log = logging.getLogger("trainer.web")


@dataclass(frozen=True)
class WebUser:
    """The person a request is from. `kind` "trainee" or "supervisor"; `id` the account id; `language` their
    own language setting (None: follow the browser). `nonce` names the cookie session it came from ("" for
    a resolver's user)."""

    kind: str
    id: int
    name: str
    language: str | None = None
    trainee_id: int | None = None
    nonce: str = ""


Resolver = Callable[[web.Request], Union["WebUser", None, Awaitable[Union["WebUser", None]]]]
_resolvers: list[Resolver] = []


def register_resolver(fn: Resolver) -> None:
    """Another way of knowing who a request is from, tried (in order of registration) before the cookie."""
    if fn not in _resolvers:
        _resolvers.append(fn)


def unregister_resolver(fn: Resolver) -> None:
    if fn in _resolvers:
        _resolvers.remove(fn)


def secret_beside(db: Path) -> bytes:
    """The HMAC key kept in `<db>.websecret` (created 0600 on first use; its mode put back to 0600 if it
    was loosened). Losing it only signs everyone out."""
    path = db.with_name(db.name + ".websecret")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        key = path.read_bytes()
        if len(key) >= 32:
            return key
        path.unlink()
        return secret_beside(db)
    with os.fdopen(fd, "wb") as out:
        key = secrets.token_bytes(32)
        out.write(key)
    return key


def parse_proxies(values) -> tuple:
    """--trusted-proxy values (an address or a network) as ip networks; ValueError names a bad one."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(value) from None
    return tuple(out)


class Revocations(Protocol):
    """Where a server keeps its signed-out session nonces (WebSite: the site database)."""

    def load(self, now: float) -> dict[str, float]: ...

    def revoke(self, nonce: str, expires_at: float, now: float) -> None: ...


class SessionKeeper:
    """Issues, checks and revokes session cookies for one server (kept on the app under KEEPER)."""

    def __init__(self, secret: bytes | Callable[[], bytes], lookup: Callable[[int], WebUser | None], idle_seconds: float = 20 * 60,
                 trusted_proxies=(), clock: Callable[[], float] = time.time, revocations: "Revocations | None" = None):
        self._secret = secret  # or how to get it (read on first use: the key file is made only when needed)
        self.lookup = lookup  # account id -> WebUser, or None when the account is gone or disabled
        self.idle_seconds = idle_seconds
        self.trusted = tuple(trusted_proxies)
        self.clock = clock
        self._revocations = revocations  # where sign-outs are kept across restarts (None: in memory only)
        self._revoked: dict[str, float] | None = None  # nonce -> when its cookie would have expired anyway

    @property
    def revoked(self) -> dict[str, float]:
        """The signed-out sessions not yet expired: read from the database once (the first check after a
        start), then kept up to date here by every sign-out."""
        if self._revoked is None:
            self._revoked = self._revocations.load(self.clock()) if self._revocations is not None else {}
        return self._revoked

    @property
    def secret(self) -> bytes:
        if callable(self._secret):
            self._secret = self._secret()
        return self._secret

    # --- where a request comes from ------------------------------------------------------------------
    def _from_proxy(self, request: web.Request) -> bool:
        try:
            remote = ipaddress.ip_address(request.remote or "")
        except ValueError:
            return False
        return any(remote in network for network in self.trusted)

    def is_https(self, request: web.Request) -> bool:
        if request.secure:
            return True
        return self._from_proxy(request) and request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https"

    def client_address(self, request: web.Request) -> str:
        """The browser's address for the audit log and the per-place lockout: a trusted proxy's
        X-Forwarded-For (the address it saw), else the connection's."""
        if self._from_proxy(request):
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            try:
                return str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass
        return request.remote or "unknown"

    # --- signing -------------------------------------------------------------------------------------
    def _mac(self, data: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, data, hashlib.sha256).digest()).decode().rstrip("=")

    def _pack(self, payload: dict) -> str:
        data = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{data}.{self._mac(data.encode())}"

    def _unpack(self, token: str | None) -> dict | None:
        if not token or len(token) > MAX_COOKIE or token.count(".") != 1:
            return None
        data, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(data.encode())):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        except (ValueError, TypeError):
            return None
        if not isinstance(payload, dict) or not all(isinstance(payload.get(k), t) for k, t in
                                                    (("a", int), ("n", str), ("i", (int, float)), ("l", (int, float)))):
            return None
        return payload

    def session_of(self, request: web.Request) -> dict | None:
        """The request's valid session payload (not expired, idle or revoked), or None. Worked out once per
        request (a page asks three times: who, its CSRF token, its session notice); a sign-in or sign-out
        in the request forgets it."""
        token = request.cookies.get(COOKIE)
        known = request.get(SESSION_KEY)
        if known is not None and known[0] == token:
            return known[1]
        payload = self._checked(token)
        request[SESSION_KEY] = (token, payload)
        return payload

    def _checked(self, token: str | None) -> dict | None:
        payload = self._unpack(token)
        if payload is None:
            return None
        now = self.clock()
        if now - payload["l"] > self.idle_seconds or now - payload["i"] > MAX_AGE or payload["n"] in self.revoked:
            return None
        return payload

    def set_cookie(self, request: web.Request, response: web.StreamResponse, payload: dict) -> None:
        response.set_cookie(COOKIE, self._pack(payload), httponly=True, samesite="Strict", path="/",
                            secure=self.is_https(request))

    def start(self, request: web.Request, response: web.StreamResponse, user: WebUser) -> str:
        """A new session for `user` (a new nonce: a session fixed before the sign-in is never reused)."""
        request.pop(SESSION_KEY, None)
        now = self.clock()
        nonce = secrets.token_urlsafe(16)
        self.set_cookie(request, response, {"a": user.id, "n": nonce, "i": now, "l": now})
        response.del_cookie(PRE_COOKIE, path="/")
        return nonce

    def end(self, request: web.Request, response: web.StreamResponse) -> None:
        request.pop(SESSION_KEY, None)
        payload = self._unpack(request.cookies.get(COOKIE))
        if payload is not None:
            now = self.clock()
            expires = min(payload["l"] + self.idle_seconds, payload["i"] + MAX_AGE)
            self._revoked = {n: t for n, t in self.revoked.items() if t > now}  # forget those expired anyway
            self._revoked[payload["n"]] = expires
            if self._revocations is not None:
                try:
                    self._revocations.revoke(payload["n"], expires, now)
                except Exception:  # noqa: BLE001 - a full disk must not keep anyone signed in: revoked here still
                    log.exception("a sign-out could not be kept in the database; it holds until a restart")
        response.del_cookie(COOKIE, path="/")

    # --- CSRF ----------------------------------------------------------------------------------------
    def csrf_token(self, request: web.Request) -> str:
        """The token every form of this page carries: from the session, else from the pre-session cookie
        (made now, and set on the response by the middleware, when the browser has none). A resolver's user
        with a session of its own (an LMS launch: no cookie reaches a cross-site frame) has its own token."""
        resolved = request.get(USER_KEY)
        if resolved is not None and resolved.nonce.startswith("lms:"):
            return self._mac(f"csrf|{resolved.nonce}".encode())
        payload = self.session_of(request)
        if payload is not None:
            return self._mac(f"csrf|{payload['n']}".encode())
        seed = request.cookies.get(PRE_COOKIE, "")
        if not (16 <= len(seed) <= 64) or not seed.replace("-", "").replace("_", "").isalnum():
            seed = request.get(PRE_SEED_KEY) or secrets.token_urlsafe(16)
            request[PRE_SEED_KEY] = seed
        return self._mac(f"pre|{seed}".encode())

    def csrf_ok(self, request: web.Request, sent: str | None) -> bool:
        if not sent or len(sent) > 100:
            return False
        return hmac.compare_digest(sent, self.csrf_token(request))


def keeper(request: web.Request) -> SessionKeeper:
    return request.app[KEEPER]


async def current_user(request: web.Request) -> WebUser | None:
    """Who the request is from: a registered resolver's answer, else the session cookie's account (enabled,
    with its current name and language), else None. Worked out once per request."""
    if USER_KEY in request:
        return request[USER_KEY]
    user = None
    for resolver in list(_resolvers):
        found = resolver(request)
        if inspect.isawaitable(found):
            found = await found
        if found is not None:
            user = found
            break
    if user is None:
        held = keeper(request)
        payload = held.session_of(request)
        if payload is not None:
            user = held.lookup(payload["a"])
            if user is not None:
                user = WebUser(user.kind, user.id, user.name, user.language, user.trainee_id, payload["n"])
                if held.clock() - payload["l"] > REFRESH_AFTER:  # still in use: push the idle expiry on
                    request[REFRESH_KEY] = {**payload, "l": held.clock()}
    request[USER_KEY] = user
    return user


def sign_in(request: web.Request, response: web.StreamResponse, user: WebUser) -> None:
    """Start a cookie session for `user` on `response` (the redirect after a successful sign-in)."""
    keeper(request).start(request, response, user)
    request[USER_KEY] = user


def sign_out(request: web.Request, response: web.StreamResponse) -> None:
    """End the request's cookie session (revoked at once, cookie removed)."""
    keeper(request).end(request, response)
    request[USER_KEY] = None


@web.middleware
async def session_middleware(request: web.Request, handler):
    """Re-issues a session cookie that is in use (its idle clock starts again) and sets the pre-session CSRF
    seed a sign-in form was given."""
    response = await handler(request)
    held = request.app.get(KEEPER)
    if held is not None and isinstance(response, web.StreamResponse) and not response.prepared:
        refresh = request.get(REFRESH_KEY)
        if refresh is not None and COOKIE not in response.cookies:
            held.set_cookie(request, response, refresh)
        seed = request.get(PRE_SEED_KEY)
        if seed is not None and COOKIE not in response.cookies:
            response.set_cookie(PRE_COOKIE, seed, httponly=True, samesite="Strict", path="/",
                                secure=held.is_https(request), max_age=MAX_AGE)
    return response
