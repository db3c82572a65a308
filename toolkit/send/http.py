"""One Quay-style POST with a total deadline, and what went wrong in words when no answer came.

Quay POSTs with python-requests, whose timeout bounds each socket operation, not the request:
a consumer that sends one byte a second never times out. `send` keeps requests (so the wire
format is Quay's own) and adds a deadline for the whole exchange (connect, TLS, redirects,
headers and body): a timer shuts the delivery's sockets down when it expires, which wakes the
blocked read at once. Every failure becomes an `Answer` with a kind and one clear sentence.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

HEADERS = {"Content-type": "application/json"}
"""The only header Quay sets (literal casing); the rest are python-requests defaults."""
MAX_ANSWER_BYTES = 1024 * 1024
"""The most of an answer's body that is read (then the connection is closed): a consumer's
body says nothing `send` judges, and must not fill memory."""
UNREACHABLE = frozenset({"refused", "dns", "tls", "unreachable"})
"""Kinds of failure where the consumer was never reached: nothing about it was checked."""


@dataclass(frozen=True)
class Answer:
    """What one POST got: an HTTP status, or an error kind and message."""

    status: int | None
    elapsed: float
    """Seconds from the start to the final response (or the error)."""
    error: str | None = None
    kind: str | None = None
    """`timeout`, `refused`, `dns`, `tls`, `unreachable`, `closed`, `reset`, `redirects` or
    `other`; `None` when an HTTP answer came."""


class _Watch:
    """The sockets of one delivery, shut down together when its deadline expires."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also under TLS: it wakes a read blocked in another thread.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_WATCH: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("send_watch", default=None)


def _watched(sock: socket.socket) -> socket.socket:
    watch = _WATCH.get()
    if watch is not None:
        watch.add(sock)
    return sock


class _Connection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _TLSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}


class _Adapter(HTTPAdapter):
    """requests' adapter, whose connections register their sockets with the delivery's watch."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def exchange(
    url: str,
    body: bytes,
    *,
    timeout: float,
    cert: str | tuple[str, str] | None = None,
    verify: bool | str = True,
) -> Answer:
    """POST `body` to `url` as Quay does (redirects followed), all within `timeout` seconds."""
    watch = _Watch()
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    token = _WATCH.set(watch)
    start = time.perf_counter()
    try:
        with requests.Session() as session:  # what requests.post does, with our adapter
            session.mount("http://", _Adapter())
            session.mount("https://", _Adapter())
            timer.start()
            response = session.post(
                url,
                data=body,
                headers=HEADERS,
                timeout=timeout,
                cert=cert,
                verify=verify,
                stream=True,
            )
            with response:
                _read_some(response)
        return Answer(response.status_code, time.perf_counter() - start)
    except requests.RequestException as exc:
        elapsed = time.perf_counter() - start
        if watch.expired or isinstance(exc, requests.Timeout):
            return Answer(None, elapsed, f"no complete answer within {timeout:g} s", "timeout")
        kind, message = describe(exc, url)
        return Answer(None, elapsed, message, kind)
    except Exception as exc:  # one delivery's surprise must not sink the run: report it
        return Answer(None, time.perf_counter() - start, f"{type(exc).__name__}: {exc}", "other")
    finally:
        timer.cancel()
        _WATCH.reset(token)


def _read_some(response: requests.Response) -> None:
    """Read the answer's body, as Quay does, but never more than MAX_ANSWER_BYTES of it."""
    size = 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size >= MAX_ANSWER_BYTES:
            return


def describe(exc: BaseException, url: str) -> tuple[str, str]:
    """The kind of a failed request and one sentence about it, without library internals."""
    where = _host_port(url)
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", f"TLS handshake with {where} failed: {_innermost(exc)}"
    if isinstance(exc, requests.TooManyRedirects):
        return "redirects", "too many redirects (more than 30)"
    for cause in _chain(exc):
        name = type(cause).__name__
        if isinstance(cause, ConnectionRefusedError):
            return "refused", f"connection refused by {where}: is the consumer running?"
        if name == "NameResolutionError" or isinstance(cause, socket.gaierror):
            return "dns", f"cannot resolve the host name of {where}"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "unreachable", f"no route to {where}"
        if name == "RemoteDisconnected" or isinstance(cause, BrokenPipeError):
            return "closed", "the consumer closed the connection without an answer"
        if isinstance(cause, ConnectionResetError):
            return "reset", "the consumer reset the connection"
    return "other", f"{type(exc).__name__}: {_innermost(exc)}"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and urllib3's `reason`s, outermost first."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return seen


def _innermost(exc: BaseException) -> str:
    text = str(_chain(exc)[-1]) or str(exc)
    return " ".join(text.split())[:300]


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or "?"
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
