"""The real LRS for tests: ralph-malph served by uvicorn on 127.0.0.1 (a free port, a temporary folder),
with its file backend told to APPEND so every POST is stored (its default, CREATE, refuses the second
write). Ready when /__heartbeat__ answers, polled for a bounded time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from trainer.outbox.client import LrsClient

USER, PASSWORD = "trainer", "lrs test passphrase"
READY_WITHIN = 30.0

LAUNCHER = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """One ralph LRS; stop() and start() again keep its port and its stored statements."""

    def __init__(self, folder: Path):
        import bcrypt

        self.folder = folder
        self.port = free_port()
        (folder / "data").mkdir(parents=True, exist_ok=True)
        auth = [{"agent": {"account": {"homePage": "https://lrs.clinic.test", "name": "trainer-sync"}},
                 "scopes": ["all"], "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode(),
                 "username": USER}]
        (folder / "auth.json").write_text(json.dumps(auth))
        self.env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
                    "RALPH_AUTH_FILE": str(folder / "auth.json"), "RALPH_APP_DIR": str(folder)}
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return f"{self.base}/xAPI/"

    def client(self, endpoint: str | None = None) -> LrsClient:
        return LrsClient(endpoint or self.endpoint, USER, PASSWORD, timeout=10)

    def start(self) -> "Ralph":
        log = open(self.folder / "ralph.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(self.port)], env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ralph exited: {(self.folder / 'ralph.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/__heartbeat__", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)  # bounded readiness poll, not synchronisation between test steps
        self.stop()
        raise RuntimeError(f"ralph did not answer /__heartbeat__ within {READY_WITHIN:g}s")

    def stop(self, crash: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
            self.process.wait(10)
        self.process = None

    def statements(self) -> list[dict]:
        """Everything the LRS holds, following its `more` links."""
        out, url = [], f"{self.endpoint}statements?limit=100"
        client = self.client()
        while url:
            with urllib.request.urlopen(urllib.request.Request(url, headers=client._headers), timeout=10) as answer:
                assert answer.status == 200
                page = json.loads(answer.read())
            out += page["statements"]
            url = f"{self.base}{page['more']}" if page.get("more") else None
        return out

    def get(self, statement_id: str) -> dict | None:
        answer = self.client().get_statement(statement_id)
        if answer.status == 404:
            return None
        data = answer.json()
        found = data.get("statements", [data]) if isinstance(data, dict) else []
        return found[0] if found else None


class CrashingProxy:
    """Stands in front of the LRS like a reverse proxy. On the POST numbered `crash_on` it passes the
    request on, then kills the LRS before the answer comes back and closes the connection unanswered:
    the LRS stopped in the middle of a batch. While the LRS is down it answers 502, as a proxy would."""

    def __init__(self, ralph: Ralph, crash_on: int):
        self.ralph, self.crash_on, self.posts = ralph, crash_on, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):  # passed on like a POST; only POSTs count toward the crash
                self.do_POST(method="PUT")

            def do_POST(self, method="POST"):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.posts += method == "POST"
                request = urllib.request.Request(proxy.ralph.base + self.path, data=body, method=method,
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() not in ("host", "content-length")})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status, data = response.status, response.read()
                except urllib.error.HTTPError as exc:
                    status, data = exc.code, exc.read()
                except (urllib.error.URLError, OSError):
                    status, data = 502, b'{"detail": "bad gateway"}'
                if method == "POST" and proxy.posts == proxy.crash_on:
                    proxy.ralph.stop(crash=True)
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
