"""LMS launches in the HTML app: `/lms/launch` (what a SCORM package's page frames) and the launch's own
copy of the app's pages under `/lms/t/{token}/...`.

Why the token is in the path: inside an LMS the site is framed by another site, and browsers send no
`SameSite=Strict` cookie there (and block third-party cookies outright, more and more). So the launch
opens a session (trainer.progress.lms) whose random token rides in every address of the framed pages;
a resolver (trainer.web.html.sessions) turns it into the LMS learner's trainee. The app's own handlers
serve those pages unchanged: the copies here only check that the session may see what is asked for
(its trainee's attempts, its package's scenario), keep the learner inside `/lms/t/{token}/` (links,
forms and redirects are rewritten to it), and on an assessment's debrief add the script that hands the
result to the SCO. Pages under /lms/ may be framed by any site (the LMS's address is not known in
advance); a frame of them is useless without a token, which only a launch hands out.

Database work runs on one worker thread with its own connection, so a slow disk never stalls the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web

from trainer.i18n import _
from trainer.web.guard import origin_of

PREFIX = "/lms/t/{lms_token}"
STATIC = Path(__file__).resolve().parent / "lms_static"
RESULT_SCRIPT = "/lms/static/lms-result.js"
MIRRORED = re.compile(r"^/(?:s/|a/|progress(?:$|[/?#]))")  # brief, start, play, choose, continue, debrief; My progress
_LINK = re.compile(r'(\s(?:href|action|formaction)=")(/(?:s/|a/|progress)[^"]*|/)(")')
_SIGN_OUT = re.compile(r'<li>\s*<form method="post" action="/signout".*?</form>\s*</li>', re.S)
_DEBRIEF = re.compile(r"^/a/[^/]+/debrief$")
APP_KEY = web.AppKey("trainer_lms", object)
SESSION_KEY = web.RequestKey("trainer_lms_session", object)  # the request's LMS session, once looked up


class LmsLaunches:
    """The launch endpoint, the session resolver and the guarded copies of the app's pages, for one site."""

    def __init__(self, db: Path):
        self.db = db
        self._store = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trainer-lms")

    # --- the database, on its own thread ------------------------------------------------------------
    def _open(self):
        from trainer.progress.store import Store

        if self._store is None:
            self._store = Store.open(self.db)
        return self._store

    async def _run(self, work, *args):
        def call():
            return work(self._open(), *args)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    async def close(self, _app=None) -> None:
        def shut():
            if self._store is not None:
                self._store.close()
                self._store = None
        await asyncio.get_running_loop().run_in_executor(self._worker, shut)
        self._worker.shutdown(wait=False)

    async def language(self, trainee) -> str | None:
        """The LMS learner's own language setting (None until they choose one: the browser's is used)."""
        from trainer.progress.preferences import language_of

        return await self._run(language_of, trainee)

    async def session(self, request: web.Request):
        """The live LMS session the request's path names (cached on the request), or None."""
        if SESSION_KEY not in request:
            from trainer.progress import lms

            token = request.match_info.get("lms_token")
            request[SESSION_KEY] = await self._run(lms.session, token) if token else None
        return request[SESSION_KEY]

    # --- /lms/launch --------------------------------------------------------------------------------
    async def handle_launch(self, request: web.Request) -> web.StreamResponse:
        from trainer.progress import lms

        query = request.query
        sco_origin = origin_of(query.get("sco_origin", ""))
        if not sco_origin:
            return await refused_page(request, "no-origin")
        address = request.remote or ""
        scenario = query.get("scenario", "")
        try:
            launched = await self._run(lms.launch, query.get("key", ""), scenario, query.get("student_id", ""),
                                       query.get("student_name", ""), sco_origin, address, time.time,
                                       _recorded_under(request, scenario))
        except lms.LaunchRefused as exc:
            return await refused_page(request, exc.reason)
        base = PREFIX.format(lms_token=launched.token)
        target = f"/a/{launched.resume_attempt}" if launched.resume_attempt else f"/s/{launched.scenario_id}"
        raise web.HTTPSeeOther(base + target)

    # --- the launch's copy of the app's pages -------------------------------------------------------
    def guarded(self, handler):
        """The app's handler, for an LMS session only, kept inside its session's pages."""
        async def lms_page(request: web.Request) -> web.StreamResponse:
            from trainer.progress import lms

            session = await self.session(request)
            if session is None:
                return await refused_page(request, "ended")
            from trainer.web.html.sessions import current_user

            await current_user(request)  # before the handler checks the form's CSRF token against this session
            token = request.match_info["lms_token"]
            scenario = request.match_info.get("scenario_id")
            if scenario is not None and _recorded_under(request, scenario) != _recorded_under(request, session.scenario_id):
                raise web.HTTPSeeOther(f"{PREFIX.format(lms_token=token)}/s/{session.scenario_id}")
            attempt = request.match_info.get("attempt_id")
            found = await self._run(lms.result, attempt, session.trainee.id) if attempt else None
            if attempt and found is None:
                raise web.HTTPNotFound()
            try:
                response = await handler(request)
            except web.HTTPException as redirect:
                if redirect.location is None:
                    raise
                raise type(redirect)(location=relinked(str(redirect.location), token)) from None
            extra = notice = ""
            if found is not None and _DEBRIEF.match(_rest(request)) and found.mode == "assessment" \
                    and found.status == "completed":
                extra = result_script(found, session.sco_origin)
                notice = html.escape(_("Your result goes to your learning system as well; this site keeps the "
                                       "full record."))
            return relink_response(response, token, extra, notice)
        return lms_page

    async def handle_home(self, request: web.Request) -> web.StreamResponse:
        """`/lms/t/{token}/`: the launch's scenario (an LMS session has no catalogue of its own)."""
        session = await self.session(request)
        if session is None:
            return await refused_page(request, "ended")
        raise web.HTTPSeeOther(f"{PREFIX.format(lms_token=request.match_info['lms_token'])}/s/{session.scenario_id}")

    def mirror(self, app: web.Application) -> None:
        """Add `/lms/t/{token}` copies of the app's scenario and attempt routes (call after the app's own)."""
        for route in list(app.router.routes()):
            info = route.resource.get_info() if route.resource is not None else {}
            path = info.get("path") or info.get("formatter")
            if not path or not MIRRORED.match(path) or route.method == "HEAD":
                continue
            app.router.add_route(route.method, PREFIX + path, self.guarded(route.handler))
        app.router.add_get(PREFIX + "/", self.handle_home)


async def lms_user(request: web.Request):
    """The resolver (trainer.web.html.sessions): on a `/lms/t/{token}/...` page, the launch's trainee. Its
    nonce ("lms:" and the token's hash) gives the session's pages a CSRF token of their own."""
    launches = request.app.get(APP_KEY)
    if launches is None or "lms_token" not in request.match_info:
        return None
    found = await launches.session(request)
    if found is None or found.account_id is None:
        return None
    from trainer.web.html.sessions import WebUser

    language = await launches.language(found.trainee)
    return WebUser("trainee", found.account_id, found.trainee.name, language, found.trainee.id,
                   "lms:" + hashlib.sha256(request.match_info["lms_token"].encode()).hexdigest()[:32])


def _recorded_under(request: web.Request, scenario_id: str) -> str:
    """The id a scenario's attempts are recorded under: a form's or translation's original (an assessment
    may be played on another form of the launched scenario), else the id itself."""
    from trainer.web.html.site import SITE

    here = request.app.get(SITE)
    found = here.library.get(scenario_id) if here is not None and len(scenario_id) <= 200 else None
    return found.counts_toward if found is not None else scenario_id


def _rest(request: web.Request) -> str:
    """The request's path without its /lms/t/{token} prefix."""
    return "/" + request.path.split("/", 4)[4] if request.path.count("/") >= 4 else "/"


def relinked(location: str, token: str) -> str:
    """A same-site address inside the app's scenario and attempt pages, moved into the session's copy."""
    if location.startswith("/") and not location.startswith("//") and (MIRRORED.match(location) or location == "/"):
        return PREFIX.format(lms_token=token) + location
    return location


def relink_response(response: web.StreamResponse, token: str, extra: str = "", notice: str = "") -> web.StreamResponse:
    """The page with its links and forms kept in the session's copy, `extra` added before </body> and
    `notice` (escaped text) said under its heading."""
    location = response.headers.get("Location")
    if location:
        response.headers["Location"] = relinked(location, token)
    if not isinstance(response, web.Response) or response.body is None or response.content_type != "text/html":
        return response
    text = response.text
    text = _LINK.sub(lambda m: m.group(1) + relinked(m.group(2), token) + m.group(3), text)
    text = _SIGN_OUT.sub("", text)  # the LMS signs the learner in and out; there is nothing to sign out of here
    if notice and "</h1>" in text:
        text = text.replace("</h1>", f'</h1>\n<p class="notice" role="status">{notice}</p>', 1)
    if extra:
        text = text.replace("</body>", extra + "</body>", 1) if "</body>" in text else text + extra
    response.text = text
    return response


def result_script(found, sco_origin: str) -> str:
    """The script tag that posts an assessment's result to the SCO (lms_static/lms-result.js)."""
    status = "passed" if found.passed else "failed"
    score = "" if found.overall is None else f"{float(found.overall):g}"
    attrs = {"src": RESULT_SCRIPT, "data-status": status, "data-score": score, "data-attempt": found.attempt_id,
             "data-sco-origin": sco_origin}
    return "<script " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + "></script>"


def refusal_text(reason: str) -> tuple[str, str]:
    """The heading and sentence a refused launch shows, in the request's language."""
    texts = {
        "revoked": (_("This course was withdrawn"), _("The training site no longer accepts this course's launch key: "
                                                      "a supervisor revoked it. Ask your training team for the "
                                                      "course's new version in your learning system.")),
        "unknown-key": (_("This course is not known to the training site"),
                        _("The launch key this course carries is not one the training site made. Ask your "
                          "training team to upload a package made by the site.")),
        "no-key": (_("This course is not known to the training site"),
                   _("The launch did not carry a launch key. Open the course from your learning system.")),
        "scenario": (_("This course asked for another scenario"),
                     _("The launch asked for a scenario its package does not hold. Open the course again from "
                       "your learning system.")),
        "student": (_("Your learning system did not say who you are"),
                    _("The launch carried no usable learner id. Open the course again from your learning system.")),
        "no-origin": (_("This launch did not come from a course page"),
                      _("Open the course from your learning system.")),
        "disabled": (_("Your account on the training site is disabled"),
                     _("A supervisor disabled it, so this course cannot open. Ask your training team.")),
        "busy": (_("The training site is busy"),
                 _("Too many new learners opened this course in the last hour. Try again later, or tell your "
                   "training team.")),
        "ended": (_("This session has ended"),
                  _("Sessions opened from a learning system last 8 hours, and end when the course is withdrawn. "
                    "Every choice you made is saved: open the course again from your learning system to carry on.")),
    }
    return texts.get(reason, texts["unknown-key"])


async def refused_page(request: web.Request, reason: str) -> web.Response:
    """HTTP 403 with a page that says, in plain words and the browser's language, why this launch or session
    cannot go on (the app's own page frame; a bare page when the HTML app is not there)."""
    from trainer.web.html.site import SITE

    here = request.app.get(SITE)
    if here is not None:
        from trainer.web.html.pages import render

        here.language_for(request, None)
        heading, sentence = refusal_text(reason)
        return await render(request, "lms_refused.html", status=403, title=heading, message=sentence)
    from trainer.i18n import current_language

    heading, sentence = refusal_text(reason)
    body = (f'<!DOCTYPE html>\n<html lang="{html.escape(current_language())}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(heading)}</title>'
            f'</head><body><main><h1>{html.escape(heading)}</h1><p>{html.escape(sentence)}</p></main></body></html>\n')
    return web.Response(status=403, text=body, content_type="text/html")


async def allow_framing(request: web.Request, response: web.StreamResponse) -> None:
    """Pages under /lms/ may be framed by the LMS (whatever its address); every other page still may not."""
    if not request.path.startswith("/lms/"):
        return
    policy = response.headers.get("Content-Security-Policy")
    if policy:
        response.headers["Content-Security-Policy"] = re.sub(r"frame-ancestors [^;]*", "frame-ancestors *", policy)
    response.headers.pop("X-Frame-Options", None)


def install(app: web.Application, db: Path) -> LmsLaunches:
    """Wire LMS launches into the HTML app: call after the app's own routes and security headers."""
    launches = LmsLaunches(Path(db))
    app[APP_KEY] = launches
    app.router.add_get("/lms/launch", launches.handle_launch)
    app.router.add_static("/lms/static", STATIC)
    launches.mirror(app)
    from trainer.web.html.sessions import register_resolver

    register_resolver(lms_user)
    app.on_response_prepare.append(allow_framing)
    app.on_cleanup.append(launches.close)
    return launches
