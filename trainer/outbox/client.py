"""Talking to a Learning Record Store over HTTP: xAPI 1.0.3's statements resource, with http.client from
the standard library. Answers come back as `Answer` (any HTTP status); a network failure (refused, reset,
timed out, no such host) as `Unreachable`. Redirects are not followed: a POST must reach the endpoint.

Every request has a total time limit, not only one per socket read: a server that trickles a byte every
few seconds is cut off when the limit is up. Answers are read up to `MAX_ANSWER` bytes."""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

XAPI_VERSION = "1.0.3"
DEFAULT_TIMEOUT = 30.0
MAX_ANSWER = 1 << 20  # an answer listing 1000 statement ids is ~40 KB


class EndpointError(ValueError):
    """An endpoint URL trainer will not send to, with the reason."""


class Unreachable(Exception):
    """No HTTP answer: the connection was refused, reset or timed out."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    retry_after: float | None = None
    content_type: str = ""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def check_endpoint(url: str) -> str:
    """The xAPI endpoint (the address statements/ hangs off), ending in '/'. https, or plain http to this
    machine only: statements and the LRS password must not cross a network in clear text."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"'{url}' is not an http(s) address of an LRS's xAPI endpoint, "
                            "e.g. https://lrs.example.org/xAPI/")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise EndpointError(f"'{url}' is plain http to another machine; use https (plain http is allowed only "
                            "to this machine, e.g. http://127.0.0.1:8100/xAPI/)")
    if parts.query or parts.fragment:
        raise EndpointError(f"'{url}' has a query or fragment; give the xAPI endpoint itself")
    return text if text.endswith("/") else text + "/"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LrsClient:
    """One LRS: its endpoint, optional Basic credentials, and a total time limit per request in seconds."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout
        self._headers = {"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def __repr__(self) -> str:  # never shows the credentials
        return f"LrsClient({self.endpoint!r})"

    def _send(self, method: str, query: str = "", body: bytes | None = None, target: str | None = None) -> Answer:
        """One request to `statements` (or to `target`, a path on the same LRS), answered in full within
        `timeout` seconds or cut off."""
        parts = urlsplit(self.endpoint)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname, parts.port, timeout=self.timeout)
        headers = dict(self._headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        expired = threading.Event()
        timer = threading.Timer(self.timeout, _cut_off, (conn, expired))
        timer.daemon = True
        timer.start()
        try:
            conn.request(method, target or f"{parts.path}statements{query}", body=body, headers=headers)
            response = conn.getresponse()
            data = _read_up_to(response, MAX_ANSWER)
            if expired.is_set():
                raise TimeoutError
            return Answer(response.status, data.decode("utf-8", "replace"),
                          _retry_after(response.getheader("Retry-After")), response.getheader("Content-Type") or "")
        except (http.client.HTTPException, OSError) as exc:
            if expired.is_set():
                raise Unreachable(f"no complete answer before the timeout ({self.timeout:g} s)") from None
            raise Unreachable(_why(exc)) from None
        finally:
            timer.cancel()
            conn.close()

    def post_statements(self, statements: list[dict]) -> Answer:
        return self._send("POST", body=json.dumps(statements, ensure_ascii=False).encode("utf-8"))

    def put_statement(self, statement: dict) -> Answer:
        """One statement stored under its own id (xAPI's PUT: 204 when stored or already held as sent)."""
        query = "?" + urlencode({"statementId": statement["id"]})
        return self._send("PUT", query, json.dumps(statement, ensure_ascii=False).encode("utf-8"))

    def get_statement(self, statement_id: str) -> Answer:
        return self._send("GET", "?" + urlencode({"statementId": statement_id}))

    def get_statements(self, **params) -> Answer:
        return self._send("GET", "?" + urlencode(params))

    def get_more(self, more: str) -> Answer:
        """The next page of a statement query: the `more` IRL of the last page, resolved against the
        endpoint. It must stay on the same LRS (scheme, host and port): the credentials go with it."""
        from urllib.parse import urljoin

        here, there = urlsplit(self.endpoint), urlsplit(urljoin(self.endpoint, more))
        if (there.scheme, there.hostname, there.port) != (here.scheme, here.hostname, here.port) or there.fragment:
            raise EndpointError(f"the LRS's 'more' link leads to another server ({more[:200]})")
        return self._send("GET", target=there.path + (f"?{there.query}" if there.query else ""))


def _read_up_to(response: http.client.HTTPResponse, limit: int) -> bytes:
    """The answer's body, or its first `limit` bytes (a read may return less than asked: read until done)."""
    data = bytearray()
    while len(data) < limit:
        piece = response.read(min(1 << 16, limit - len(data)))
        if not piece:
            break
        data += piece
    return bytes(data)


def _cut_off(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    """The request's time is up: wake the thread blocked on the socket (shutdown works under TLS too)."""
    expired.set()
    sock = conn.sock
    if sock is not None:
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _why(reason) -> str:
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "no answer before the timeout"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "no such host"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the LRS closed the connection without answering"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset"
    return str(reason) or reason.__class__.__name__
