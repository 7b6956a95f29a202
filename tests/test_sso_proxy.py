"""Single sign-on end to end: the real `trainer serve --trusted-header ... --trusted-proxy 127.0.0.2`, with
a small reverse proxy in front (aiohttp on 127.0.0.1, connecting to the server from 127.0.0.2, adding the
e-mail header as oauth2-proxy behind nginx does), and a browser going around it straight to the server
from 127.0.0.1 with a forged header: ignored, and in the audit trail."""

from __future__ import annotations

import re
import socket

import aiohttp
import pytest
from aiohttp import web

from tests.browser_helpers import Server, query
from tests.site_helpers import BOSS, SAM, as_supervisor, make_site
from trainer.cli import cli

HEADER, NAME_HEADER = "X-Auth-Request-Email", "X-Auth-Request-Preferred-Username"
PROXY_ADDRESS = "127.0.0.2"
HOP_BY_HOP = {"host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "content-length", HEADER.lower(), NAME_HEADER.lower()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site where Sam has an e-mail, served with single sign-on trusting 127.0.0.2 only."""
    from click.testing import CliRunner

    runner = CliRunner()
    db = tmp_path_factory.mktemp("sso") / "site.db"
    with pytest.MonkeyPatch.context() as monkeypatch:
        make_site(runner, monkeypatch, db)
        as_supervisor(monkeypatch)
        assert runner.invoke(cli, ["--db", str(db), "trainees", "set-email", SAM, "sam.rivera@clinic.example"]
                             ).exit_code == 0
    server = Server(db, "--trusted-header", HEADER, "--trusted-proxy", PROXY_ADDRESS,
                    "--sso-create-trainees", "New starters", "--sso-name-header", NAME_HEADER)
    yield db, server
    server.stop()


class LoginProxy:
    """Forwards every request to the trainer server from 127.0.0.2, replacing the sign-in headers with
    those of whoever `signed_in` says the directory vouched for (a client's own copy never gets through)."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.signed_in: dict[str, str] = {}

    async def handle(self, request: web.Request) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers.update(self.signed_in)
        connector = aiohttp.TCPConnector(local_addr=(PROXY_ADDRESS, 0))
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
            async with session.request(request.method, self.upstream + request.path_qs, headers=headers,
                                       data=await request.read(), allow_redirects=False) as answer:
                body = await answer.read()
                out = web.Response(status=answer.status, body=body)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-encoding":
                        out.headers.add(key, value)
                return out

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        return f"http://127.0.0.1:{port}"


@pytest.fixture
async def proxy(site):
    _db, server = site
    login = LoginProxy(server.base)
    login.base = await login.start()
    yield login
    await login.runner.cleanup()


def browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def audit_rows(db, action):
    return query(db, "SELECT actor, subject, detail FROM audit WHERE action = ? ORDER BY id", action)


async def test_through_the_proxy_the_header_signs_in_and_the_trainee_can_play(site, proxy):
    db, _server = site
    proxy.signed_in = {HEADER: "Sam.Rivera@clinic.example"}
    async with browser() as client:
        async with client.get(proxy.base + "/", allow_redirects=False) as page:
            text = await page.text()
            assert page.status == 200 and f"Signed in as {SAM}" in text
        async with client.get(proxy.base + "/s/spouse-wants-results") as brief:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await brief.text()).group(1)
        async with client.post(proxy.base + "/s/spouse-wants-results/start",
                               data={"csrf": csrf, "mode": "practice"}, allow_redirects=False) as started:
            assert started.status == 303 and started.headers["Location"].startswith("/a/")
    owners = query(db, "SELECT t.name FROM attempts a JOIN trainees t ON t.id = a.trainee_id")
    assert [r[0] for r in owners] == [SAM]
    signed = [r for r in audit_rows(db, "sign-in") if '"via": "sso"' in (r[2] or "")]
    assert signed and signed[0][0] == SAM and f'"from": "{PROXY_ADDRESS}"' in signed[0][2]


async def test_a_forged_header_straight_to_the_server_is_ignored_and_audited(site, proxy):
    db, server = site
    async with browser() as client:
        for _ in range(50):
            async with client.get(server.base + "/", headers={HEADER: "sam.rivera@clinic.example"},
                                  allow_redirects=False) as page:
                assert page.status == 303 and page.headers["Location"] == "/signin"
    ignored = audit_rows(db, "sso-header-ignored")
    assert len(ignored) == 1 and '"from": "127.0.0.1"' in ignored[0][2]
    assert "sam.rivera@clinic.example" in ignored[0][2]
    proxy.signed_in = {}  # the proxy strips a client's own copy: no directory sign-in, no account
    async with browser() as client:
        async with client.get(proxy.base + "/", headers={HEADER: "sam.rivera@clinic.example"},
                              allow_redirects=False) as page:
            assert page.status == 303 and page.headers["Location"] == "/signin"


async def test_a_stranger_becomes_a_trainee_named_from_the_second_header(site, proxy):
    db, _server = site
    proxy.signed_in = {HEADER: "lee.park@clinic.example", NAME_HEADER: "Lee Park"}
    async with browser() as client:
        for _ in range(2):
            async with client.get(proxy.base + "/", allow_redirects=False) as page:
                assert page.status == 200 and "Signed in as Lee Park" in await page.text()
    rows = query(db, "SELECT a.name, a.email, a.passphrase, g.name FROM accounts a JOIN group_members m ON"
                     " m.trainee_id = a.trainee_id JOIN groups g ON g.id = m.group_id WHERE a.name = 'Lee Park'")
    assert rows == [("Lee Park", "lee.park@clinic.example", None, "New starters")]
    proxy.signed_in = {HEADER: "boss@clinic.example", NAME_HEADER: BOSS}  # never into someone else's account
    async with browser() as client:
        async with client.get(proxy.base + "/", allow_redirects=False) as page:
            assert page.status == 303 and page.headers["Location"] == "/signin"
    assert "already an account named" in audit_rows(db, "sso-sign-in-refused")[-1][2]


@pytest.mark.parametrize("args, words", [
    (["--trusted-header", HEADER], "--trusted-header needs --trusted-proxy"),
    (["--trusted-header", "X Auth", "--trusted-proxy", "10.0.0.5"], "not an HTTP header name"),
    (["--trusted-header", HEADER, "--trusted-proxy", "proxy.clinic"], "not an IP address or network"),
    (["--sso-create-trainees", "New starters"], "--sso-create-trainees needs --trusted-header"),
    (["--trusted-header", HEADER, "--trusted-proxy", "10.0.0.5", "--sso-name-header", NAME_HEADER],
     "needs --sso-create-trainees"),
])
def test_sso_misuse_is_exit_2_before_anything_listens(tmp_path, runner, args, words):
    result = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "serve", *args])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "none.db").exists()


def terminal_sign_ins(db):
    return [r for r in audit_rows(db, "sign-in") if '"where": "terminal"' in (r[2] or "")]


async def test_a_terminal_tab_from_the_proxy_opens_signed_in_and_one_from_elsewhere_at_the_sign_in(site):
    from tests.serve_helpers import poll, screen

    db, server = site
    url = f"ws://127.0.0.1:{server.port}/ws?width=80&height=24"
    connector = aiohttp.TCPConnector(local_addr=("127.0.0.1", 0))
    async with aiohttp.ClientSession(connector=connector) as direct:  # around the proxy, forged header
        ws = await direct.ws_connect(url, origin=server.base, headers={HEADER: "sam.rivera@clinic.example"})
        await screen(ws, b"name")  # the sign-in screen asks for "Your name"
        await ws.close()
    assert terminal_sign_ins(db) == []
    connector = aiohttp.TCPConnector(local_addr=(PROXY_ADDRESS, 0))
    async with aiohttp.ClientSession(connector=connector) as proxied:
        ws = await proxied.ws_connect(url, origin=server.base, headers={HEADER: "sam.rivera@clinic.example"})
        rows = await poll(lambda: terminal_sign_ins(db), 30, "the terminal tab's single sign-on")
        await screen(ws, b"Rivera")  # the header names the signed-in trainee: past the sign-in
        await ws.close()
    assert rows[0][0] == SAM and f'"from": "{PROXY_ADDRESS}"' in rows[0][2]
    assert query(db, "SELECT count(*) FROM sso_tickets") == [(0,)]  # used once, then gone
