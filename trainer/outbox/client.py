"""Talking to a Learning Record Store over HTTP: xAPI 1.0.3's statements resource, with urllib from the
standard library. Answers come back as `Answer` (any HTTP status); a network failure (refused, reset,
timed out, no such host) as `Unreachable`. Redirects are not followed: a POST must reach the endpoint."""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

XAPI_VERSION = "1.0.3"
DEFAULT_TIMEOUT = 30.0


class EndpointError(ValueError):
    """An endpoint URL trainer will not send to, with the reason."""


class Unreachable(Exception):
    """No HTTP answer: the connection was refused, reset or timed out."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    retry_after: float | None = None

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirected POST would lose its body: report it instead
        return None


class LrsClient:
    """One LRS: its endpoint, optional Basic credentials, and a per-request timeout in seconds."""

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT):
        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout
        self._headers = {"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:  # never shows the credentials
        return f"LrsClient({self.endpoint!r})"

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            with exc:
                body = exc.read().decode("utf-8", "replace")
            return Answer(exc.code, body, _retry_after(exc.headers.get("Retry-After")))
        except urllib.error.URLError as exc:
            raise Unreachable(_why(exc.reason)) from None
        except (socket.timeout, TimeoutError) as exc:
            raise Unreachable(_why(exc)) from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise Unreachable(_why(exc)) from None

    def post_statements(self, statements: list[dict]) -> Answer:
        body = json.dumps(statements, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.endpoint + "statements", data=body, method="POST",
                                         headers={**self._headers, "Content-Type": "application/json"})
        return self._send(request)

    def get_statement(self, statement_id: str) -> Answer:
        query = urlencode({"statementId": statement_id})
        return self._send(urllib.request.Request(f"{self.endpoint}statements?{query}", headers=self._headers))

    def get_statements(self, **params) -> Answer:
        query = urlencode(params)
        return self._send(urllib.request.Request(f"{self.endpoint}statements?{query}", headers=self._headers))


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
