"""The HTML app's sessions, in-process with aiohttp's test client: the cookie a sign-in sets (signed, HttpOnly,
SameSite=Strict, Secure only over https as a trusted proxy says), CSRF on every POST, sign-out and idle
expiry, the terminal sign-in's lockout, and bad input answered with a plain page (bounded, no traceback)."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.site_helpers import ANA, ANA_PASS, SAM, SAM_PASS, make_site
from trainer.web.html.sessions import COOKIE, parse_proxies
from trainer.web.server import SiteServer


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def site_db(tmp_path, runner, monkeypatch, fast_hashing):
    path = tmp_path / "site.db"
    make_site(runner, monkeypatch, path)
    return path


async def _client(db, clock=None, proxies=()):
    server = SiteServer(db, idle_seconds=600, trusted_proxies=parse_proxies(proxies),
                        html={"clock": clock} if clock else {})
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


@pytest.fixture
async def client(site_db):
    client = await _client(site_db)
    yield client
    await client.close()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def _sign_in(client, name=SAM, secret=SAM_PASS, headers=None):
    page = await (await client.get("/signin")).text()
    return await client.post("/signin", data={"csrf": _csrf(page), "name": name, "passphrase": secret},
                             allow_redirects=False, headers=headers or {})


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getall("Set-Cookie", []) if c.startswith(COOKIE + "="))


async def test_a_sign_in_sets_a_signed_httponly_samesite_strict_cookie_and_lands_on_the_catalogue(client):
    response = await _sign_in(client)
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http from a browser on the LAN: a Secure cookie would never come back
    page = await (await client.get("/")).text()
    assert "Signed in as Sam Rivera" in page and "<h1>Catalogue</h1>" in page


async def test_the_cookie_is_secure_only_when_a_trusted_proxy_says_https(site_db):
    https = {"X-Forwarded-Proto": "https"}
    untrusted = await _client(site_db)
    try:  # anyone can send the header: from an address not given with --trusted-proxy it is ignored
        assert "Secure" not in _session_cookie(await _sign_in(untrusted, headers=https))
    finally:
        await untrusted.close()
    trusted = await _client(site_db, proxies=["127.0.0.1"])
    try:
        assert "Secure" in _session_cookie(await _sign_in(trusted, headers=https))
    finally:
        await trusted.close()


async def test_a_post_without_its_csrf_token_does_nothing(client):
    refused = await client.post("/signin", data={"name": SAM, "passphrase": SAM_PASS}, allow_redirects=False)
    assert refused.status == 403 and COOKIE not in refused.cookies
    assert "nothing was done" in await refused.text()
    await _sign_in(client)
    forged = await client.post("/signout", data={"csrf": "x" * 43}, allow_redirects=False)
    assert forged.status == 403
    assert (await client.get("/", allow_redirects=False)).status == 200  # still signed in


async def test_a_tampered_cookie_is_nobody(client):
    response = await _sign_in(client)
    value = _session_cookie(response).split(";")[0].split("=", 1)[1]
    data, mac = value.split(".")
    client.session.cookie_jar.clear()
    for forged in (data[:-2] + "AA." + mac, data + "." + mac[:-2] + "AA", "garbage", "a." * 600):
        client.session.cookie_jar.update_cookies({COOKIE: forged})
        assert (await client.get("/", allow_redirects=False)).headers.get("Location") == "/signin"


async def test_sign_out_ends_the_session_even_for_a_copy_of_the_cookie(client, site_db):
    response = await _sign_in(client)
    stolen = _session_cookie(response).split(";")[0].split("=", 1)[1]
    page = await (await client.get("/")).text()
    out = await client.post("/signout", data={"csrf": _csrf(page)}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/signin"
    from tests.browser_helpers import query

    assert query(site_db, "SELECT actor FROM audit WHERE action = 'sign-out'") == [(SAM,)]  # audited
    assert (await client.get("/", allow_redirects=False)).headers.get("Location") == "/signin"
    client.session.cookie_jar.update_cookies({COOKIE: stolen})
    assert (await client.get("/", allow_redirects=False)).headers.get("Location") == "/signin"


async def test_a_signed_out_cookie_stays_refused_after_the_server_restarts(site_db):
    clock = Clock()
    first = await _client(site_db, clock=clock)
    try:
        stolen = _session_cookie(await _sign_in(first)).split(";")[0].split("=", 1)[1]
        page = await (await first.get("/")).text()
        assert (await first.post("/signout", data={"csrf": _csrf(page)}, allow_redirects=False)).status == 303
    finally:
        await first.close()  # the server stops; a new one starts on the same database
    restarted = await _client(site_db, clock=clock)
    try:
        restarted.session.cookie_jar.update_cookies({COOKIE: stolen})
        assert (await restarted.get("/", allow_redirects=False)).headers.get("Location") == "/signin"
        await _sign_in(restarted)  # a fresh sign-in still works
        assert (await restarted.get("/", allow_redirects=False)).status == 200
    finally:
        await restarted.close()


def test_a_revoked_session_is_kept_until_its_cookie_would_have_expired_then_pruned(tmp_path):
    from trainer.progress.store import Store
    from trainer.progress.web_revocations import revoke, still_revoked

    store = Store.open(tmp_path / "site.db")
    try:
        revoke(store, "first", expires_at=100.0, now=0.0)
        revoke(store, "second", expires_at=300.0, now=50.0)
        assert still_revoked(store, 60.0) == {"first": 100.0, "second": 300.0}
        assert still_revoked(store, 100.0) == {"second": 300.0}  # expired anyway: no longer needed
        revoke(store, "third", expires_at=400.0, now=150.0)  # a sign-out prunes the expired rows
        assert still_revoked(store, 0.0) == {"second": 300.0, "third": 400.0}
    finally:
        store.close()


async def test_a_session_ends_after_the_idle_minutes_and_use_keeps_it_alive(site_db):
    clock = Clock()
    client = await _client(site_db, clock=clock)
    try:
        await _sign_in(client)
        for _ in range(3):  # used every 9 minutes: still signed in after 27
            clock.now += 9 * 60
            assert (await client.get("/", allow_redirects=False)).status == 200
        clock.now += 10 * 60 + 1  # then 10 minutes without a request (idle_seconds=600)
        assert (await client.get("/", allow_redirects=False)).headers.get("Location") == "/signin"
    finally:
        await client.close()


async def test_wrong_passphrases_lock_the_account_out_as_the_terminal_sign_in_does(client, site_db):
    for _ in range(5):
        wrong = await _sign_in(client, secret="not the passphrase")
        assert wrong.status == 401 and "do not match an account" in await wrong.text()
    locked = await _sign_in(client)  # even the right passphrase waits now
    assert locked.status == 429 and COOKIE not in locked.cookies
    assert re.search(r"try again in \d+ s", await locked.text())
    other = await _sign_in(client, ANA, ANA_PASS)  # another account from here is not made to wait
    assert other.status == 303
    from tests.browser_helpers import query

    tries = query(site_db, "SELECT count(*) FROM audit WHERE action LIKE 'sign-in%'")[0][0]
    assert tries >= 6  # every try is in the audit trail, with where it came from


async def test_bad_input_gets_a_plain_page_and_no_traceback(client):
    page = await (await client.get("/signin")).text()
    token = _csrf(page)
    huge = await client.post("/signin", data={"csrf": token, "name": "x" * 20_000, "passphrase": "p"})
    assert huge.status == 413 and "too large" in (await huge.text()).lower()
    bigger = await client.post("/signin", data={"csrf": token, "name": "x" * 100_000, "passphrase": "p"})
    assert bigger.status == 413
    not_a_form = await client.post("/signin", json={"csrf": token, "name": SAM})
    assert not_a_form.status == 400
    long_name = await client.post("/signin", data={"csrf": token, "name": "y" * 300, "passphrase": "p"})
    assert long_name.status == 400
    control = await client.post("/signin", data={"csrf": token, "name": "Sam\x1b[2J\x07", "passphrase": "p"})
    body = await control.text()
    assert control.status == 401 and "\x1b" not in body and "\x07" not in body
    for response in (huge, bigger, not_a_form, long_name, control):
        assert "Traceback" not in await response.text()
    for path in ("/s/no-such-scenario", "/a/" + "f" * 32, "/a/../../etc/passwd"):
        response = await client.get(path, allow_redirects=False)
        assert response.status in (303, 404) and "Traceback" not in await response.text()


async def test_an_unknown_page_and_a_failing_one_get_plain_pages(client, monkeypatch):
    missing = await client.get("/no/such/page", headers={"Accept": "text/html"})
    page = await missing.text()
    assert missing.status == 404 and '<html lang="en">' in page and 'href="#main"' in page
    await _sign_in(client)
    from trainer.web.html import catalogue

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the catalogue")

    monkeypatch.setattr(catalogue, "catalogue_view", broken)
    failed = await client.get("/")
    body = await failed.text()
    assert failed.status == 500 and "Something went wrong" in body
    assert "Traceback" not in body and "a bug in the catalogue" not in body


async def test_pages_speak_the_trainees_own_language_else_the_browsers(client, site_db):
    spanish = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
    page = await (await client.get("/signin", headers=spanish)).text()
    assert '<html lang="es">' in page and '<label for="name">Nombre</label>' in page and "Iniciar sesión" in page
    await _sign_in(client)
    assert '<html lang="en">' in await (await client.get("/")).text()  # no setting of her own: the browser's
    from trainer.progress.preferences import set_language
    from trainer.progress.store import Store

    store = Store.open(site_db)
    try:
        set_language(store, store.trainee(SAM), "es")  # chosen in the terminal app's My progress
    finally:
        store.close()
    page = await (await client.get("/")).text()
    assert '<html lang="es">' in page and "<h1>Catálogo</h1>" in page
