"""The HTML app on an in-process aiohttp test server (no browser), for the page and form tests."""

from __future__ import annotations

import html
import re

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from trainer.web.html.routes import html_routes

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(page: str) -> str:
    return html.unescape(CSRF.search(page).group(1))


async def client_for(db, clock=None, idle_seconds: float = 20 * 60) -> TestClient:
    app = web.Application()
    ctx = {"db": db, "idle_seconds": idle_seconds}
    if clock is not None:
        ctx["clock"] = clock
    html_routes(app, ctx)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


async def sign_in(client: TestClient, name: str, secret: str) -> None:
    page = await (await client.get("/signin")).text()
    response = await client.post("/signin", data={"name": name, "passphrase": secret, "csrf": csrf_of(page)},
                                 allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/", await response.text()


async def post_form(client: TestClient, page_path: str, action: str, fields: dict, **kwargs):
    """POST a form of the page at `page_path` (its CSRF token read from the page), redirects not followed."""
    page = await (await client.get(page_path)).text()
    return await client.post(action, data={**fields, "csrf": csrf_of(page)}, allow_redirects=False, **kwargs)
