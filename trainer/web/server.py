"""The site server: one app process per browser tab, at most `max_sessions` at once, each closed after
`idle_seconds` without a key press. Every choice is committed as it is made, so closing a session (idle,
a dropped tab, a stopped server) loses nothing: the trainee signs in again and resumes."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from trainer.i18n import _, current_language, ngettext

TEMPLATES = Path(__file__).resolve().parent / "templates"
log = logging.getLogger("trainer.web")

# Environment variables an app process keeps; every other TRAINER_* is dropped (passphrases, a supervisor
# name, LRS credentials, scenario folders the site does not use), and so is anything that looks like a secret.
KEPT_TRAINER_VARS = {"TRAINER_CACHE_DIR", "TRAINER_NO_CACHE"}
SECRET_WORDS = ("PASSPHRASE", "PASSWORD", "SECRET", "TOKEN", "CREDENTIAL", "API_KEY", "PRIVATE_KEY")


def scrubbed(environ: dict[str, str]) -> dict[str, str]:
    """The environment an app process gets: the server's, without anything secret or site-changing."""
    out = {}
    for name, value in environ.items():
        upper = name.upper()
        if upper.startswith("TRAINER_") and upper not in KEPT_TRAINER_VARS:
            continue
        if any(word in upper for word in SECRET_WORDS):
            continue
        out[name] = value
    return out



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

class SiteAppService(AppService):
    """textual-serve's app process, started with the scrubbed environment."""

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return scrubbed(super()._build_environment(width, height))


@dataclass(eq=False)
class Session:
    """One open browser tab: its websocket, its app process and when it last had a key press."""

    websocket: web.WebSocketResponse
    last_input: float
    app_service: AppService | None = None
    idle_closed: bool = False
    opened: float = field(default_factory=time.monotonic)


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
    """textual-serve's Server with our page, the session cap, idle close and a scrubbed environment."""

    def __init__(self, db: Path, host: str = "127.0.0.1", port: int = 8000, max_sessions: int = 40,
                 idle_seconds: float = 20 * 60, command: str | None = None, clock=time.monotonic):
        super().__init__(command or app_command(db), host=host, port=port, title="trainer",
                         templates_path=TEMPLATES)
        self.db = db
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.sessions: set[Session] = set()
        self.refused = 0  # visitors sent to the busy page
        self.idle_closed = 0
        self._sweeper: asyncio.Task | None = None

    # --- the aiohttp application ----------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/busy", self.handle_busy, name="busy"),
            web.get("/status", self.handle_status, name="status"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def initialize_logging(self) -> None:
        logging.basicConfig(level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

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
        for session in list(self.sessions):
            await session.websocket.close(code=1001, message=b"server stopping")

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

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.busy:
            return self._busy_page(request)
        secure = request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{'wss' if secure else 'ws'}://{request.host}/ws",
            "static_url": "/static/",
            "text": page_words(f"{self.idle_seconds / 60:g}"),
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_busy(self, request: web.Request) -> web.Response:
        return self._busy_page(request)

    async def handle_status(self, request: web.Request) -> web.Response:
        """Counts for a health check (and the tests): open sessions, the cap, refusals, idle closes."""
        return web.json_response({"sessions": len(self.sessions), "max_sessions": self.max_sessions,
                                  "refused": self.refused, "idle_closed": self.idle_closed})

    # --- one browser tab ------------------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        if self.busy:  # the page was served under the cap, but the last place went meanwhile
            self.refused += 1
            await websocket.prepare(request)
            await websocket.send_str(json.dumps(["open_url", {"url": "/busy", "new_tab": False}]))
            await websocket.close(code=1013, message=b"busy")
            return websocket
        session = Session(websocket, self.clock())
        self.sessions.add(session)  # before any await: the cap can never be overshot
        try:
            await websocket.prepare(request)
            session.app_service = SiteAppService(
                self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            await session.app_service.start(to_int(request.query.get("width", "80"), 80),
                                            to_int(request.query.get("height", "24"), 24))
            await self._pump(session)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one tab's failure never stops the server
            log.exception(error)
        finally:
            self.sessions.discard(session)
            if session.app_service is not None:
                await session.app_service.stop()
        return websocket

    async def _pump(self, session: Session) -> None:
        """Browser messages to the app process; a key press (stdin) counts as activity."""
        app_service = session.app_service
        async for message in session.websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)[:2]
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and isinstance(data, str):
                session.last_input = self.clock()
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(to_int(str(data.get("width")), 80),
                                                    to_int(str(data.get("height")), 24))
            elif kind == "ping":
                await session.websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def _close_idle_sessions(self) -> None:
        period = max(0.2, min(30.0, self.idle_seconds / 4))
        while True:
            await asyncio.sleep(period)
            now = self.clock()
            for session in list(self.sessions):
                if not session.idle_closed and now - session.last_input >= self.idle_seconds:
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
