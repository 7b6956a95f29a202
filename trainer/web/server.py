"""The site server: one app process per browser tab, at most `max_sessions` at once, each closed after
`idle_seconds` without a key press. Every choice is committed as it is made, so closing a session (idle,
a dropped tab, a stopped server) loses nothing: the trainee signs in again and resumes."""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.server import Server, to_int

from trainer.i18n import _, current_language, ngettext
from trainer.sanitize import line
from trainer.web.app_process import SiteAppService
from trainer.web.guard import (APP_MEMORY_MB, KILL_AFTER_SECONDS, MAX_MESSAGE_BYTES, SECURITY_HEADERS, InputBudget,
                               clamp_size, origin_allowed, origin_of, rss_kb)
from trainer.web.supervisors import SupervisorCheck

TEMPLATES = Path(__file__).resolve().parent / "templates"
SITE_STATIC = Path(__file__).resolve().parent / "static"  # our own page script
log = logging.getLogger("trainer.web")
MAX_REQUEST_BYTES = 64 * 1024  # no request to this server carries more: forms are a few short fields

def page_words(idle_minutes: str = "") -> dict[str, str]:
    """The server's own pages in the server's language (its environment, as the command line reads it)."""
    return {
        "lang": current_language(),
        "busy_title": _("trainer — the site is busy"), "busy": _("The site is busy"),
        "busy_message": _("Everyone's places are taken right now. Try again shortly."), "try_again": _("Try again"),
        "starting": _("trainer — starting…"), "start_again": _("Start again"),
        "ended": _("This session has ended: you quit, the connection dropped, or there was no key press for "
                   "{minutes} minutes. Every choice you made is saved; sign in again to carry on where you were."
                   ).format(minutes=idle_minutes),
    }

@dataclass(eq=False)
class Session:
    """One browser tab, counted from its websocket's start until its app process has ended (a process that
    is still stopping holds its place, so --max-sessions counts live processes)."""

    websocket: web.WebSocketResponse
    last_input: float
    client: str = ""
    app_service: SiteAppService | None = None
    idle_closed: bool = False
    ending: bool = False
    opened: float = field(default_factory=time.time)


def app_command(db: Path, python: str = sys.executable) -> str:
    """The shell command for one tab's app (textual-serve runs it through the shell, hence the quoting;
    `exec` so the shell gives way to the app instead of waiting beside it)."""
    return f"exec {shlex.quote(python)} -m trainer --db {shlex.quote(str(db))}"


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts, so a port in use is a clear error (OSError)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class SiteServer(Server):
    """textual-serve's Server with our page, the session cap, idle close and the limits of trainer.web.guard."""

    def __init__(self, db: Path, host: str = "127.0.0.1", port: int = 8000, max_sessions: int = 40,
                 idle_seconds: float = 20 * 60, command: str | None = None, clock=time.monotonic,
                 allowed_origins=(), app_memory_mb: int = APP_MEMORY_MB, kill_after: float = KILL_AFTER_SECONDS,
                 trusted_proxies=(), html: dict | None = None):
        super().__init__(command or app_command(db), host=host, port=port, title="trainer",
                         templates_path=TEMPLATES)
        self.db = db
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.allowed_origins = frozenset(origin_of(o) for o in allowed_origins)
        self.app_memory_mb = app_memory_mb
        self.kill_after = kill_after
        self.sessions: set[Session] = set()
        self.refused = 0  # visitors sent to the busy page
        self.idle_closed = 0
        self.flooded = 0  # sessions closed for sending more than a person types
        self._sweeper: asyncio.Task | None = None
        self.supervisors = SupervisorCheck(db)
        self.trusted_proxies = tuple(trusted_proxies)  # ip networks whose X-Forwarded-Proto/-For are believed
        self.html = html or {}  # extra settings for the HTML app (tests: clock, library, order_seed)

    # --- the aiohttp application ----------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        from trainer.web.html.routes import html_routes

        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        html_routes(app, {"db": self.db, "idle_seconds": self.idle_seconds, "trusted_proxies": self.trusted_proxies,
                          **self.html})  # the trainee app as HTML pages, at /
        app.add_routes([
            web.get("/terminal", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/busy", self.handle_busy, name="busy"),
            web.get("/status", self.handle_status, name="status"),
            web.static("/static", self.statics_path, name="static"),
            web.static("/site", SITE_STATIC, name="site"),
        ])
        app.on_response_prepare.append(self.add_security_headers)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @staticmethod
    async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
        """Every response, page or file or error, carries the CSP and its companions (trainer.web.guard)."""
        response.headers.update(SECURITY_HEADERS)

    def initialize_logging(self) -> None:
        logging.basicConfig(level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
        logging.getLogger("transitions").setLevel(logging.WARNING)  # the HTML app plays in this process

    async def on_startup(self, app: web.Application) -> None:
        self._sweeper = asyncio.create_task(self._close_idle_sessions())
        minutes = f"{self.idle_seconds / 60:g}"
        print("trainer: " + ngettext(
            "serving {db} on {url} (at most {count} session, idle close after {minutes} min); Ctrl+C stops",
            "serving {db} on {url} (at most {count} sessions, idle close after {minutes} min); Ctrl+C stops",
            self.max_sessions).format(db=self.db, url=self.public_url, count=self.max_sessions, minutes=minutes),
            file=sys.stderr, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        await asyncio.gather(*(s.websocket.close(code=1001, message=b"server stopping") for s in list(self.sessions)),
                             return_exceptions=True)
        await asyncio.gather(*(s.app_service.end(self.kill_after) for s in list(self.sessions) if s.app_service),
                             return_exceptions=True)

    @property
    def busy(self) -> bool:
        return len(self.sessions) >= self.max_sessions

    def _busy_page(self, request: web.Request) -> web.Response:
        """The page a visitor gets while every session is taken."""
        self.refused += 1
        response = aiohttp_jinja2.render_template("busy.html", request, {"static_url": "/static/", "text": page_words()},
                                                  status=503)
        response.headers["Retry-After"] = "60"
        response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _secure(request: web.Request) -> bool:
        return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.busy:
            return self._busy_page(request)
        context = {
            "font_size": clamp_font(request.query.get("fontsize")),
            "app_websocket_url": f"{'wss' if self._secure(request) else 'ws'}://{request.host}/ws",
            "static_url": "/static/",
            "site_url": "/site/",
            "text": page_words(f"{self.idle_seconds / 60:g}"),
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_busy(self, request: web.Request) -> web.Response:
        return self._busy_page(request)

    async def handle_status(self, request: web.Request) -> web.Response:
        """Counts for a health check, for anyone; with a supervisor's sign-in (HTTP Basic: the name and
        passphrase of an enabled supervisor account of the site), also each session's details."""
        counts = {"sessions": len(self.sessions), "max_sessions": self.max_sessions, "refused": self.refused,
                  "idle_closed": self.idle_closed, "flooded": self.flooded}
        if "Authorization" not in request.headers:
            return web.json_response(counts, headers={"Cache-Control": "no-store"})
        outcome = await self.supervisors.check(request.headers["Authorization"], request.remote or "")
        if outcome is not True:
            status, reason = outcome
            headers = {"WWW-Authenticate": 'Basic realm="trainer supervisors", charset="UTF-8"',
                       "Cache-Control": "no-store"}
            if status == 429:
                headers["Retry-After"] = "5"
            return web.json_response({"error": reason}, status=status, headers=headers)
        clock_now = self.clock()
        detail = [{
            "client": s.client,
            "opened": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s.opened)),
            "seconds_since_input": round(clock_now - s.last_input, 1),
            "pid": s.app_service.pid if s.app_service else None,
            "rss_kb": rss_kb(s.app_service.pid) if s.app_service and s.app_service.pid else None,
            "ending": s.ending,
        } for s in sorted(self.sessions, key=lambda s: s.opened)]
        return web.json_response({**counts, "session_list": detail}, headers={"Cache-Control": "no-store"})

    # --- one browser tab ------------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        if not websocket.can_prepare(request).ok:  # a plain GET: nothing to upgrade
            return web.Response(status=400, text="400: /ws takes a websocket only\n")
        origin = request.headers.get("Origin")
        own = origin_of(f"{'https' if self._secure(request) else 'http'}://{request.host}")
        if not origin_allowed(origin, own, self.allowed_origins):
            log.warning("refused a websocket from origin %r (this site is %s; see --allowed-origin)",
                        line(origin or "")[:200], own)
            return web.Response(status=403, text="403: websocket from another site\n")
        if self.busy:  # the page was served under the cap, but the last place went meanwhile
            self.refused += 1
            await websocket.prepare(request)
            await websocket.send_str(json.dumps(["open_url", {"url": "/busy", "new_tab": False}]))
            await websocket.close(code=1013, message=b"busy")
            return websocket
        session = Session(websocket, self.clock(), client=request.remote or "")
        self.sessions.add(session)  # before any await: the cap can never be overshot
        try:
            await websocket.prepare(request)
            session.app_service = SiteAppService(
                self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close, download_manager=self.download_manager, debug=self.debug,
                client_address=session.client, memory_mb=self.app_memory_mb)
            await session.app_service.start(*clamp_size(request.query.get("width"), request.query.get("height")))
            await self._pump(session)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one tab's failure never stops the server
            log.exception(error)
        finally:
            session.ending = True
            try:
                if session.app_service is not None:
                    await asyncio.shield(session.app_service.end(self.kill_after))
            finally:
                self.sessions.discard(session)  # only now: the process has ended
        return websocket

    async def _pump(self, session: Session) -> None:
        """Browser messages to the app process. Non-empty key input (stdin) is the only activity; a tab that
        sends more than a person could type, or whose app stops reading, is closed."""
        app_service = session.app_service
        budget = InputBudget(clock=self.clock)
        async for message in session.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)[:2]
            except (ValueError, TypeError, RecursionError):
                continue
            if kind == "stdin" and isinstance(data, str):
                if not data:
                    continue  # nothing for the app (and an empty packet would end its input)
                payload = data.encode("utf-8", "replace")
                if not (budget.take(len(payload)) and app_service.write_packet(b"D", payload)):
                    self.flooded += 1
                    log.warning("closing a session from %s: more input than a person types, or an app not "
                                "reading it", session.client)
                    await session.websocket.close(code=1008, message=b"too much input")
                    return
                session.last_input = self.clock()
            elif kind == "resize" and isinstance(data, dict):
                width, height = clamp_size(data.get("width"), data.get("height"))
                app_service.write_meta({"type": "resize", "width": width, "height": height})
            elif kind == "ping" and isinstance(data, (str, int, float)):
                await session.websocket.send_json(["pong", data])
            elif kind in ("blur", "focus"):
                app_service.write_meta({"type": kind})

    async def _close_idle_sessions(self) -> None:
        period = max(0.2, min(30.0, self.idle_seconds / 4))
        while True:
            await asyncio.sleep(period)
            now = self.clock()
            for session in list(self.sessions):
                if not (session.idle_closed or session.ending) and now - session.last_input >= self.idle_seconds:
                    session.idle_closed = True
                    self.idle_closed += 1
                    log.info("closing a session idle for %.0f s", now - session.last_input)
                    await session.websocket.close(code=1000, message=b"idle")

    def serve(self, sock: socket.socket | None = None) -> None:
        """Run until Ctrl+C or SIGTERM, on `sock` if given (see `bind`)."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        web.run_app(self._make_app(), sock=sock, host=None if sock else self.host,
                    port=None if sock else self.port, loop=loop, print=lambda *args: None,
                    access_log=None)


def clamp_font(value: str | None) -> int:
    """The page's font size from ?fontsize=, within what a screen can show."""
    return min(48, max(6, to_int(value or "16", 16)))
