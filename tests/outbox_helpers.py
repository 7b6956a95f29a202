"""Site databases with recorded attempts, and a small fake LRS, for the outbox and sync tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from trainer.play.recording import RecordedAttempt
from trainer.progress import accounts
from trainer.progress.store import Store
from trainer.scenario.library import load_library

IRI = "https://clinic-a.example/training"
BOSS, BOSS_PASS = "Morgan Lee", "morgans passphrase"
SCENARIO = "spouse-wants-results"

_library = None


def scenario(ident: str = SCENARIO):
    global _library
    if _library is None:
        _library = load_library(())
    return _library.get(ident)


def site_store(path: Path | None = None, iri: str = IRI) -> Store:
    store = Store.open(path) if path else Store.memory()
    accounts.init_site(store, BOSS, iri, [], BOSS_PASS)
    return store


def play(store: Store, trainee: str, ident: str = SCENARIO, pick: int = 0, steps: int | None = None,
         mode: str = "practice") -> RecordedAttempt:
    """Record an attempt choosing the `pick`-th offered choice (wrapping) at every node; to the end unless
    `steps` says how many choices to make."""
    attempt = RecordedAttempt.start(store, store.trainee(trainee), scenario(ident), mode)
    made = 0
    while not attempt.session.finished and (steps is None or made < steps):
        options = attempt.session.options()
        attempt.choose(options[pick % len(options)].id)
        made += 1
    return attempt


def outbox(store: Store, state: str | None = None) -> list[dict]:
    where, params = ("WHERE state = ?", [state]) if state else ("", [])
    rows = store._db.execute(f"SELECT statement, state, reason FROM outbox {where} ORDER BY seq", params).fetchall()
    return [dict(json.loads(r[0]), _state=r[1], _reason=r[2]) for r in rows]


def statements(store: Store, state: str | None = None) -> list[dict]:
    return [{k: v for k, v in s.items() if not k.startswith("_")} for s in outbox(store, state)]


class FakeLrs:
    """An LRS on 127.0.0.1 whose answers a test scripts: `answer(batch) -> (status, body)` or
    (status, body, headers). Every request's batch of statement ids is kept in `requests` (a PUT's batch
    is its one statement), its method in `methods`."""

    def __init__(self, answer):
        self.answer = answer
        self.requests: list[list[str]] = []
        self.auth: list[str | None] = []
        self.methods: list[str] = []
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):  # one statement, under its own id: the batch is that one
                self.do_POST(put=True)

            def do_POST(self, put=False):
                length = int(self.headers.get("Content-Length") or 0)
                batch = json.loads(self.rfile.read(length))
                batch = [batch] if put else batch
                fake.requests.append([s["id"] for s in batch])
                fake.methods.append("PUT" if put else "POST")
                fake.auth.append(self.headers.get("Authorization"))
                status, body, *headers = fake.answer(batch)
                if status is None:  # hang until the test ends: the client's timeout fires
                    fake.release.wait(10)
                    return
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def __enter__(self) -> "FakeLrs":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def posted(self) -> list[str]:
        return [i for batch in self.requests for i in batch]
