"""What every HTML page handler shares: rendering a template in the request's language, the 303 redirect,
the plain page for a problem, the checks every POSTed form goes through (size, type, CSRF), and finding
the signed-in trainee. Kept apart from `routes` so the page modules and the URL table import it, not each
other."""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
from aiohttp import web

from trainer.i18n import _
from trainer.sanitize import printable
from trainer.web.html import words
from trainer.web.html.sessions import USER_KEY, WebUser, current_user, keeper
from trainer.web.html.site import SITE, WebSite

HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 16 * 1024  # every form of these pages is a few short fields
MAX_NAME = 200
MAX_PASSPHRASE = 1024
log = logging.getLogger("trainer.web")


def _finalize(value):
    """Every value put on a page: no raw control character ever reaches the browser (trainer.sanitize)."""
    if isinstance(value, str):
        return printable(value)
    return "" if value is None else value


ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                 finalize=_finalize, undefined=jinja2.StrictUndefined,
                                 auto_reload=False)  # shipped with the package: no stat of each template per page


def site(request: web.Request) -> WebSite:
    return request.app[SITE]


async def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    """A page in the request's language, never cached (it shows a person's own attempts)."""
    user = await current_user(request)
    lang = site(request).language_for(request, user)
    held = keeper(request)
    from trainer.web.html.session_expiry import notice

    page = ENVIRONMENT.get_template(template).render(
        lang=lang, t=words.common(), user=user, csrf=held.csrf_token(request),
        session=notice(request) if user is not None else None,
        links={name: name in request.app.router.named_resources() for name in ("progress", "accessibility")},
        **context)
    response = web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


async def problem(request: web.Request, status: int, message: str, back: str = "/") -> web.Response:
    """A plain page saying what went wrong and where to go on (for bad input, a stale form, a lost page)."""
    await current_user(request)
    site(request).language_for(request, request.get(USER_KEY))
    return await render(request, "problem.html", status=status, title=words.problem_title(status),
                        message=message() if callable(message) else message, back=back)


async def form(request: web.Request) -> dict[str, str] | web.Response:
    """The POSTed fields after the checks every form goes through (size, type, CSRF); or the page that
    says why they were refused."""
    length = request.content_length
    if length is None or length > MAX_FORM_BYTES:
        return await problem(request, 413, lambda: _("That form was too large to accept."))
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return await problem(request, 400, lambda: _("That request was not a form from these pages."))
    try:
        data = await request.post()
    except (ValueError, UnicodeDecodeError):
        return await problem(request, 400, lambda: _("That request was not a form from these pages."))
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    if not keeper(request).csrf_ok(request, fields.get("csrf")):
        return await problem(request, 403, lambda: _("This page had expired, so nothing was done. Open it again "
                                                     "and repeat what you did."), back=request.path.rsplit("/", 1)[0] or "/")
    return fields


async def signed_in_trainee(request: web.Request) -> WebUser | web.Response:
    """The signed-in trainee, or the redirect to the sign-in (or, for a supervisor, the page for them)."""
    user = await current_user(request)
    if user is None:
        return see_other("/signin")
    if user.kind != "trainee" or user.trainee_id is None:
        return await render(request, "supervisor.html", title=words.supervisor_title(),
                            supervisor_note=_("Supervisors review attempts in the terminal version of the app."))
    return user
