"""The HTML app's URL scheme on the site server (docs: the web contract): `html_routes(app, ctx)` adds it.

Why each action is a POST answered by a 303 to a GET page: a reload or the Back button never repeats a
choice, and everything works without JavaScript. Every POST is checked first: body size, CSRF token, field
lengths; bad input gets a plain page with the reason (never a traceback) and changes nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from trainer.i18n import _
from trainer.web.html import words
from trainer.web.html.pages import (HERE, MAX_NAME, MAX_PASSPHRASE, form, problem, render, see_other,
                                    signed_in_trainee, site)
from trainer.web.html.sessions import KEEPER, SessionKeeper, current_user, keeper, session_middleware, sign_in, sign_out
from trainer.web.html.site import SITE, SignInBusy, WebSite

log = logging.getLogger("trainer.web")

# --- sign-in and sign-out ------------------------------------------------------------------------------
async def signin_page(request: web.Request) -> web.Response:
    if await current_user(request) is not None:
        return see_other("/")
    return await render(request, "signin.html", title=words.signin_title(), message="", name="")


async def signin_post(request: web.Request) -> web.Response:
    fields = await form(request)
    if isinstance(fields, web.Response):
        return fields
    name, secret = fields.get("name", ""), fields.get("passphrase", "")
    if not name.strip() or not secret:
        return await _refused(request, 400, lambda: _("Type your name and your passphrase."), name)
    if len(name) > MAX_NAME or len(secret) > MAX_PASSPHRASE:
        return await _refused(request, 400, lambda: _("That name and passphrase do not match an account."), "")
    from trainer.progress import accounts
    from trainer.progress.passphrase import LockedOut
    from trainer.progress.store import StoreError

    here = site(request)
    try:
        account = await here.check_sign_in(name, secret, keeper(request).client_address(request))
    except SignInBusy:
        return await _refused(request, 503, lambda: _("Many people are signing in right now. Try again in a "
                                                      "few seconds."), name)
    except LockedOut as exc:
        seconds = int(exc.wait + 0.999)
        return await _refused(request, 429, lambda: words.sentence(
            _("too many wrong passphrases in a row; try again in {seconds} s").format(seconds=seconds)), name)
    except accounts.SignInRefused as exc:
        disabled = "disabled" in str(exc) and not isinstance(exc, accounts.WrongRole)
        return await _refused(request, 401, lambda: words.sentence(
            _("the account '{name}' is disabled; ask a supervisor").format(name=name.strip()) if disabled
            else _("that name and passphrase do not match an account")), name)
    except (StoreError, ValueError) as exc:  # a name that is not a name; the database unavailable
        log.warning("a web sign-in failed: %s", exc)
        return await _refused(request, 401, lambda: words.sentence(
            _("that name and passphrase do not match an account")), name)
    user = here.lookup(account.id)
    if user is None:
        return await _refused(request, 401, lambda: words.sentence(
            _("that name and passphrase do not match an account")), name)
    response = see_other("/")
    sign_in(request, response, user)
    return response


async def _refused(request: web.Request, status: int, message, name: str) -> web.Response:
    await current_user(request)
    site(request).language_for(request, None)
    return await render(request, "signin.html", status=status, title=words.signin_title(),
                        message=message(), name=name[:MAX_NAME])


async def signout_post(request: web.Request) -> web.Response:
    user = await current_user(request)
    response = see_other("/signin")
    if user is None:  # the session had already ended: nothing to sign out of
        sign_out(request, response)
        return response
    fields = await form(request)
    if isinstance(fields, web.Response):
        return fields
    site(request).signed_out(user, keeper(request).client_address(request))
    sign_out(request, response)
    return response


# --- the catalogue --------------------------------------------------------------------------------------
async def catalogue_page(request: web.Request) -> web.Response:
    from trainer.web.html.catalogue import catalogue_view

    user = await signed_in_trainee(request)
    if isinstance(user, web.Response):
        return user
    here = site(request)
    here.language_for(request, user)
    view = catalogue_view(here, user, request.query)
    return await render(request, "catalogue.html", title=words.catalogue_title(), view=view)


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n", headers={"Cache-Control": "no-store"})


@web.middleware
async def plain_errors(request: web.Request, handler):
    """A page nobody has (a mistyped address) gets the app's own "Not found" page, in the visitor's language
    with the skip link and landmarks, when a browser asks for HTML; anything unexpected is logged and
    answered with a plain page, never a traceback. Other answers pass through untouched."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if request.method != "GET" or "text/html" not in request.headers.get("Accept", ""):
            raise
        return await problem(request, 404, lambda: _("There is no page at this address."))
    except web.HTTPException:
        raise
    except Exception:  # noqa: BLE001 - one page's failure is logged, never shown
        log.exception("an HTML page failed: %s %s", request.method, request.path)
        return await problem(request, 500, lambda: _("Something went wrong on the server; nothing more was "
                                                     "saved than you see. Try again, or go back."))


# --- wiring ---------------------------------------------------------------------------------------------
def html_routes(app: web.Application, ctx: dict) -> None:
    """Add the HTML app to the site server's aiohttp `app`. `ctx`: "db" (the site database, Path), and
    optionally "idle_seconds", "trusted_proxies" (ip networks), "clock", "library", "order_seed"."""
    from trainer.web.html import playing, progress_pages
    from trainer.web.html.sessions import secret_beside

    import time

    db: Path = ctx["db"]
    clock = ctx.get("clock") or time.time
    here = WebSite(db, library=ctx.get("library"), clock=clock, order_seed=ctx.get("order_seed"))
    app[SITE] = here
    app[KEEPER] = SessionKeeper(lambda: secret_beside(db), here.lookup, idle_seconds=ctx.get("idle_seconds", 20 * 60),
                                trusted_proxies=ctx.get("trusted_proxies", ()), clock=clock,
                                revocations=here)

    async def close_site(app: web.Application) -> None:
        here.close()

    app.on_cleanup.append(close_site)
    app.middlewares.append(session_middleware)
    app.middlewares.append(plain_errors)
    app.add_routes([
        web.get("/", catalogue_page, name="catalogue"),
        web.get("/signin", signin_page, name="signin"),
        web.post("/signin", signin_post),
        web.post("/signout", signout_post, name="signout"),
        web.get("/healthz", healthz, name="healthz"),
        web.static("/assets", HERE / "static", name="assets"),
        *playing.routes(),
        *progress_pages.routes(),
    ])
