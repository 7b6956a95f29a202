"""Warning before a session expires, and the "Stay signed in" form that extends it (WCAG 2.2.1).

A session ends after the server's idle time without a request (and after sessions.MAX_AGE in any case).
Every page says, in plain text, when the session ends if nothing more is done, next to a "Stay signed in"
button (a form POST: it works without JavaScript). With JavaScript (static/session.js) the page also
announces, in an aria-live region and without moving focus, WARN_BEFORE seconds before the end, that the
session is about to end and how to keep it; the button then extends it without losing the page (the POST
redirects back to it). The limit of MAX_AGE cannot be extended, and the notice says so when it is what
ends the session: sign in again then.
"""

from __future__ import annotations

from datetime import datetime, timezone

from aiohttp import web

from trainer.i18n import _

WARN_BEFORE = 120  # seconds: long enough to read the warning, reach the button and press it
MAX_BACK = 500


def _times(request: web.Request) -> tuple[float, bool] | None:
    """(seconds until the session ends, whether the absolute limit is what ends it), or None without one."""
    from trainer.web.html.sessions import MAX_AGE, keeper

    held = keeper(request)
    payload = held.session_of(request)
    if payload is None:
        return None
    now = held.clock()
    used = (request.get("_session_refresh") or payload)["l"]  # this request pushes the idle end on
    idle_end, hard_end = used + held.idle_seconds, payload["i"] + MAX_AGE
    return max(0.0, min(idle_end, hard_end) - now), hard_end <= idle_end


def notice(request: web.Request) -> dict | None:
    """What the page shows about its session's end (None when nobody is signed in by cookie)."""
    from babel.dates import format_time

    from trainer.i18n import babel_locale

    found = _times(request)
    if found is None:
        return None
    left, final = found
    at = datetime.fromtimestamp(datetime.now(timezone.utc).timestamp() + left, timezone.utc).astimezone()
    clock = format_time(at, "short", locale=babel_locale())
    return {
        "left": int(left), "warn": WARN_BEFORE, "final": final,
        "text": (_("Your session ends at {time} and cannot be extended; sign in again then.") if final else
                 _("If you do nothing more, you will be signed out at {time}.")).format(time=clock),
        "warning": _("Your session is about to end, at {time}. To stay signed in, press \"Stay signed in\".").format(
            time=clock),
        "ended": _("Your session has ended. Sign in again to carry on; every choice you made is saved."),
        "button": _("Stay signed in"),
        "back": request.path_qs[:MAX_BACK],
    }


def local_path(back: str) -> str:
    """Only a path on this site (never another host): what the form sent, else the catalogue."""
    if not back.startswith("/") or back.startswith("//") or "\\" in back or len(back) > MAX_BACK:
        return "/"
    return back
