"""What keeps a hostile visitor from exhausting the site server: the limits on what a browser may send and
on what an app process may use, the environment an app process gets (an allowlist: a variable nobody
thought of never leaks), the Origin check on websockets and the headers every response carries.
Pure functions and small classes, so each limit can be read (and tested) in one place."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- what a browser may send -------------------------------------------------------------------------
MAX_MESSAGE_BYTES = 64 * 1024
"""One websocket message, at most. The largest a person sends is a paste into a note; aiohttp closes the
connection (1009, message too big) before reading anything larger into memory."""

MAX_PENDING_INPUT = 256 * 1024
"""Bytes written to an app process's input that it has not read yet. An app that stops reading is stuck
(or being flooded); its session is closed instead of the server buffering without end."""

INPUT_BURST = 64 * 1024
INPUT_PER_SECOND = 4 * 1024
"""Key input a tab may send: a paste of up to INPUT_BURST bytes at once, then INPUT_PER_SECOND on average.
A fast typist sends well under 100 bytes a second and mouse movement under 1 KiB; a script feeding the app
megabytes of "key presses" (each one work and memory for the app) has its session closed instead."""

MIN_COLUMNS, MAX_COLUMNS = 10, 500
MIN_ROWS, MAX_ROWS = 5, 200
"""A terminal size from the browser is clamped to these: a negative or huge size never reaches the app."""

APP_MEMORY_MB = 1024
"""Address space an app process may use (RLIMIT_AS). An app after sign-in uses about 200 MB of address
space (60 MB resident); anything that makes one grow past the limit ends that tab's app, not the server."""

KILL_AFTER_SECONDS = 3.0
"""After a tab closes, its app gets SIGTERM (it commits every choice as it is made, so nothing is lost)
and, if it is still running this much later, SIGKILL."""


def clamp_size(width: object, height: object, default: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """A terminal size within sane bounds, from whatever the browser sent (numbers, strings or junk)."""
    def number(value: object, fallback: int) -> int:
        if isinstance(value, bool):
            return fallback
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return fallback

    columns = min(MAX_COLUMNS, max(MIN_COLUMNS, number(width, default[0])))
    rows = min(MAX_ROWS, max(MIN_ROWS, number(height, default[1])))
    return columns, rows


@dataclass
class InputBudget:
    """A token bucket over key input: `burst` bytes at most, refilled at `per_second`."""

    burst: int = INPUT_BURST
    per_second: float = INPUT_PER_SECOND
    clock: object = time.monotonic

    def __post_init__(self) -> None:
        self.left = float(self.burst)
        self.at = self.clock()

    def take(self, size: int) -> bool:
        """Spend `size` bytes; False (and nothing spent) when the budget can't cover them."""
        now = self.clock()
        self.left = min(float(self.burst), self.left + (now - self.at) * self.per_second)
        self.at = now
        if size > self.left:
            return False
        self.left -= size
        return True


# --- what an app process gets ----------------------------------------------------------------------
KEPT_VARIABLES = frozenset({
    # where things are, and who and where the process is
    "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ",
    # the language the app speaks (gettext reads these) and the text encoding
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
    "LC_MONETARY", "PYTHONIOENCODING", "PYTHONUTF8",
    # where the app keeps its cache (platformdirs), and trainer's own cache switches
    "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "TRAINER_CACHE_DIR", "TRAINER_NO_CACHE",
    # the modules the server itself runs from (a checkout run with PYTHONPATH)
    "PYTHONPATH",
    # set by textual-serve for the app's web driver
    "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION",
    "COLUMNS", "ROWS", "TEXTUAL", "TEXTUAL_LOG",
    # the browser's address as the server sees it, for the sign-in audit
    "TRAINER_CLIENT_ADDRESS",
})


def allowed_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment an app process gets: only the variables it needs (KEPT_VARIABLES). Everything else
    is dropped, named like a secret or not (DATABASE_URL, proxy credentials, a supervisor's passphrase)."""
    return {name: value for name, value in environ.items() if name in KEPT_VARIABLES}


def limit_memory(pid: int, megabytes: int = APP_MEMORY_MB) -> None:
    """Cap a running process's address space (RLIMIT_AS, inherited by anything it starts). Set from the
    server right after the process starts, before the app has imported anything large; a lower hard limit
    already in place is kept."""
    limit = megabytes * 1024 * 1024
    _, hard = resource.prlimit(pid, resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))


# --- who may open a websocket, and what every response says ------------------------------------------
def origin_of(url: str) -> str:
    """scheme://host[:port], lower-case, default ports dropped; "" for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def allowed_origin(text: str) -> str | None:
    """An --allowed-origin value as an origin, or None if it is more (a path, a query) or less than one."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return origin_of(text) or None


def origin_allowed(origin: str | None, own: str, allowed: frozenset[str]) -> bool:
    """A websocket may be opened by the site's own page (the origin the request names itself by) or an
    origin given with --allowed-origin. A request without Origin is not from a browser page (browsers
    always send it on websockets), so another web page can't make one; it is let through."""
    if origin is None:
        return True
    mine = origin_of(origin)
    return bool(mine) and (mine == own or mine in allowed)


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",  # no inline script, no eval
    # the terminal (xterm.js) sets its colours and cell sizes through <style> elements it writes itself
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",  # the websocket, to this server only
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def rss_kb(pid: int) -> int | None:
    """A process's resident memory in KiB, from /proc (None if it has gone or there is no /proc)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None

