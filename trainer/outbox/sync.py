"""Delivering the outbox to an LRS, following xAPI 1.0.3's communication rules.

Pending statements go in order, in batches. 200 with the JSON array of the ids sent → sent; ids the
array leaves out, or a 204 to a POST (an LRS that already holds them all, as ralph answers), are each
confirmed with a PUT of their own, whose 204 (or 409) means the LRS holds it → sent. Any other answer — a
proxy's sign-in page with 200, a 200 that lists other ids, a redirect — is not the LRS's: the statements
stay pending with that reason (shown by `trainer sync --status`) and the run stops. An id the LRS already
holds (409 for a single statement) → sent. 409 for a batch, 400 or 422 → the batch is split until the
statement the LRS refuses is alone; it is parked with the LRS's reason and the rest carry on. 413 → the
batch is halved. 429, 5xx, timeouts and refused connections → retried with exponential backoff, then the
run stops and leaves the rest pending. 401/403 → the run stops at once. Nothing is marked sent before the LRS said
so, so a run cut short is simply continued by the next one: a second run sends nothing new.

`sync_once` is the whole of `trainer sync`; `PeriodicSync` runs it every few minutes in a thread (for
`trainer serve --sync-every`). Both take the store the caller opened; the outbox rows are read and marked
through trainer.progress.outbox_tables (this module has no SQL)."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Callable

from trainer.i18n import _
from trainer.outbox.client import Answer, LrsClient, Unreachable
from trainer.progress import outbox_tables
from trainer.sanitize import line

DEFAULT_BATCH = 100
RETRIES = 4            # after the first try: waits of 1, 2, 4, 8 s
FIRST_WAIT = 1.0
MAX_WAIT = 60.0
MAX_REASON = 500


class SyncStopped(Exception):
    """The run stopped before the outbox was empty; the rest stays pending for the next run."""

    def __init__(self, reason: str, auth: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.auth = auth


@dataclass
class SyncResult:
    sent: int = 0          # the LRS stored them now (200)
    held: int = 0          # the LRS already held them (204, 409): sent too
    parked: int = 0        # refused by the LRS (400/422/413 alone), kept with its reason
    pending: int = 0       # left for the next run
    stopped: str | None = None   # why the run stopped early
    auth_failed: bool = False
    requests: int = 0

    @property
    def delivered(self) -> int:
        return self.sent + self.held

    def summary(self, endpoint: str) -> str:
        held = " " + _("({count} already held)").format(count=self.held) if self.held else ""
        text = _("sync to {endpoint}: sent {sent}{held}, parked {parked}, {pending} pending").format(
            endpoint=line(endpoint), sent=self.delivered, held=held, parked=self.parked, pending=self.pending)
        if self.stopped:
            text += "; " + _("stopped: {reason}").format(reason=line(self.stopped))
        return text


# --- the outbox table (its SQL lives in trainer.progress.outbox_tables) ---------------------------------------
def status(store) -> dict:
    """Counts by state, why statements are still pending (the last answer that was not the LRS's, if any),
    and the parked statements with the LRS's reasons (`trainer sync --status`; its JSON keys)."""
    return asdict(outbox_tables.status(store))


_pending = outbox_tables.pending
_mark = outbox_tables.mark
_keep_pending = outbox_tables.keep_pending
retry_parked = outbox_tables.retry_parked
pending_count = outbox_tables.pending_count


def _not_xapi(answer: Answer) -> str:
    """Why an answer does not count as the LRS's, for `sync --status` (what came back, in brief)."""
    kind = answer.content_type.split(";")[0].strip() or "no content type"
    body = " ".join(line(answer.body).split())[:120] or "empty"
    return f"the answer was not an xAPI LRS's (HTTP {answer.status}, {kind}: {body}); is --endpoint the LRS " \
           "itself, not a sign-in page or proxy?"[:MAX_REASON]


def _reason(answer: Answer) -> str:
    data = answer.json()
    detail = data.get("detail", data.get("message")) if isinstance(data, dict) else None
    if isinstance(detail, list):  # pydantic-style: [{"loc": [...], "msg": "..."}]
        detail = "; ".join(f"{'.'.join(str(p) for p in d.get('loc', [])[2:]) or 'statement'}: {d.get('msg', '')}"
                           if isinstance(d, dict) else str(d) for d in detail)
    text = line(str(detail if detail else answer.body or "no reason given"))
    return f"HTTP {answer.status}: {text}"[:MAX_REASON]


# --- delivery --------------------------------------------------------------------------------------------
class _Run:
    def __init__(self, store, client: LrsClient, batch: int, retries: int, sleep: Callable[[float], None],
                 progress: Callable[[int], None] | None):
        self.store, self.client, self.batch = store, client, max(1, batch)
        self.retries, self.sleep, self.progress = retries, sleep, progress or (lambda n: None)
        self.result = SyncResult()

    def post(self, statements: list[dict]) -> Answer:
        return self.ask(lambda: self.client.post_statements(statements))

    def ask(self, send: Callable[[], Answer]) -> Answer:
        """One request, retried with exponential backoff while the LRS is busy, failing or unreachable."""
        wait = FIRST_WAIT
        for attempt in range(self.retries + 1):
            self.result.requests += 1
            try:
                answer = send()
            except Unreachable as exc:
                why = f"the LRS did not answer ({exc})"
            else:
                if answer.status != 429 and answer.status < 500:
                    return answer
                why = f"the LRS answered {_reason(answer)}"
                if answer.retry_after is not None:
                    wait = max(wait, min(answer.retry_after, MAX_WAIT))
            if attempt < self.retries:
                self.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
        raise SyncStopped(f"{why}, {self.retries + 1} tries; the rest is left for the next run")

    def deliver(self, rows: list[tuple[int, dict]]) -> None:
        work = deque([rows])
        while work:
            chunk = work.popleft()
            if len(chunk) > self.batch:  # the LRS said 413 since this chunk was cut: cut it again
                work.extendleft(reversed([chunk[i:i + self.batch] for i in range(0, len(chunk), self.batch)]))
                continue
            answer = self.post([s for _, s in chunk])
            code, seqs = answer.status, [seq for seq, _ in chunk]
            if code == 200:
                listed = _listed(answer, [s["id"] for _, s in chunk])
                if listed is None:
                    self.not_xapi(seqs, answer)
                stored = [seq for seq, s in chunk if s["id"].lower() in listed]
                if stored:
                    _mark(self.store, stored, "sent")
                    self.result.sent += len(stored)
                    self.progress(len(stored))
                self.confirm([(seq, s) for seq, s in chunk if s["id"].lower() not in listed])
            elif code == 204:  # "held already", without saying which: each is confirmed on its own
                self.confirm(chunk)
            elif code == 409 and len(chunk) == 1:
                _mark(self.store, seqs, "sent")
                self.result.held += 1
                self.progress(1)
            elif code in (401, 403):
                raise SyncStopped(f"the LRS refused trainer's credentials (HTTP {code}); check TRAINER_LRS_USER "
                                  "and TRAINER_LRS_PASSWORD and the account's rights on the LRS", auth=True)
            elif code in (400, 409, 413, 422):
                if code == 413:
                    self.batch = max(1, len(chunk) // 2)
                if len(chunk) == 1:
                    _mark(self.store, seqs, "parked", _reason(answer))
                    self.result.parked += 1
                    self.progress(1)
                else:
                    half = len(chunk) // 2
                    work.extendleft([chunk[half:], chunk[:half]])
            else:
                self.not_xapi(seqs, answer)

    def confirm(self, chunk: list[tuple[int, dict]]) -> None:
        """PUT each statement the LRS did not list as stored: its 204 (or 409: that id is taken) says it
        holds it; a refusal parks it; anything else keeps it pending and stops the run."""
        for seq, statement in chunk:
            answer = self.ask(lambda: self.client.put_statement(statement))
            if answer.status in (204, 409):
                _mark(self.store, [seq], "sent")
                self.result.held += 1
            elif answer.status in (401, 403):
                raise SyncStopped(f"the LRS refused trainer's credentials (HTTP {answer.status}); check "
                                  "TRAINER_LRS_USER and TRAINER_LRS_PASSWORD and the account's rights on the LRS",
                                  auth=True)
            elif answer.status in (400, 413, 422):
                _mark(self.store, [seq], "parked", _reason(answer))
                self.result.parked += 1
            else:
                self.not_xapi([seq], answer)
            self.progress(1)

    def not_xapi(self, seqs: list[int], answer: Answer) -> None:
        reason = _not_xapi(answer)
        _keep_pending(self.store, seqs, reason)
        raise SyncStopped(reason)

    def run(self) -> SyncResult:
        after = 0
        try:
            while True:
                rows = _pending(self.store, after, self.batch)
                if not rows:
                    break
                self.deliver(rows)
                after = rows[-1][0]
        except SyncStopped as exc:
            self.result.stopped, self.result.auth_failed = exc.reason, exc.auth
        self.result.pending = outbox_tables.pending_count(self.store)
        return self.result


def _listed(answer: Answer, sent: list[str]) -> set[str] | None:
    """The ids a 200 says were stored (lower case), when it is xAPI's answer: a JSON array of ids, each one
    that was sent, each once. None for anything else (a sign-in page, another request's ids)."""
    data = answer.json()
    if not isinstance(data, list) or not all(isinstance(i, str) for i in data):
        return None
    listed = [i.lower() for i in data]
    if len(set(listed)) != len(listed) or not set(listed) <= {i.lower() for i in sent}:
        return None
    return set(listed)


def sync_once(store, client: LrsClient, batch: int = DEFAULT_BATCH, retries: int = RETRIES,
              sleep: Callable[[float], None] = time.sleep,
              progress: Callable[[int], None] | None = None) -> SyncResult:
    """Send every pending statement once; `progress(n)` is told each time n more are settled."""
    return _Run(store, client, batch, retries, sleep, progress).run()


# --- in the background ----------------------------------------------------------------------------------
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")


def parse_interval(text: str) -> float:
    """'90s', '5m', '1h' or plain seconds, at least 10 seconds."""
    match = _INTERVAL.match(text or "")
    if not match:
        raise ValueError(_("'{text}' is not an interval like 30s, 5m or 1h").format(text=text))
    seconds = float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]
    if seconds < 10:
        raise ValueError(_("'{text}' is too short; sync at most every 10 seconds").format(text=text))
    return seconds


@dataclass
class PeriodicSync:
    """`sync_once` every `every` seconds in a daemon thread, each run on a store of its own (`open_store()`,
    closed after). `on_result` hears each run's SyncResult, or the exception a run raised."""
    open_store: Callable[[], object]
    client: LrsClient
    every: float
    on_result: Callable[[object], None] = lambda result: None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _pause(self, seconds: float) -> None:
        """Backoff between retries that ends the run at once when the server stops."""
        if self._stop.wait(seconds):
            raise SyncStopped("stopping; the rest is left for the next run")

    def run_now(self) -> SyncResult:
        store = self.open_store()
        try:
            return sync_once(store, self.client, sleep=self._pause)
        finally:
            store.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.on_result(self.run_now())
            except Exception as exc:  # a bad run must not end the loop; the next one tries again
                self.on_result(exc)
            self._stop.wait(self.every)

    def start(self) -> "PeriodicSync":
        self._thread = threading.Thread(target=self._loop, name="trainer-sync", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
