"""Deliver to an ASGI or WSGI app in this process, without a server: what the pytest fixture uses.

Each delivery is the request Quay makes (same method, headers and body bytes) handed to the app
as its server would: an ASGI `http` scope with one `http.request` message (the app's lifespan
started first and stopped after, when it has one), or a PEP 3333 environ. An exception that
escapes the app is what a server answers 500 to; a delivery slower than the timeout fails like
one Quay gave up on.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from toolkit.send.curl import quay_headers
from toolkit.send.delivery import QUAY_TIMEOUT, Delivery, Outcome
from toolkit.validation.policy import DEFAULT, ResponsePolicy

Answer = tuple[int | None, str | None, str | None]
"""(status, error, error kind): what `toolkit.send.http` reports for a real request."""


def is_asgi(app: Any) -> bool:
    """An ASGI app is an `async` callable (function, or object with an async `__call__`)."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)  # noqa: B004 - instances with async __call__
    return inspect.iscoroutinefunction(call)


def request_headers(url: str, body: bytes) -> list[tuple[str, str]]:
    """The headers of Quay's request to `url`: Host, python-requests' defaults, Content-type,
    Content-Length."""
    host = urlsplit(url).netloc or "testserver"
    return [("Host", host), *quay_headers().items(), ("Content-Length", str(len(body)))]


def run(
    app: Any,
    url: str,
    deliveries: Iterable[Delivery],
    *,
    interface: str | None = None,
    policy: ResponsePolicy = DEFAULT,
    timeout: float = QUAY_TIMEOUT,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Deliver each one to `app` (`{event}` in `url` replaced), one after another."""
    items = list(deliveries)
    kind = interface or ("asgi" if is_asgi(app) else "wsgi")
    if kind not in ("asgi", "wsgi"):
        raise ValueError(f"interface must be 'asgi' or 'wsgi', not {interface!r}")

    def outcome(delivery: Delivery, target: str, answer: Answer, elapsed: float) -> Outcome:
        status, error, kind = answer
        done = Outcome(delivery, target, status, elapsed, error, kind, policy)
        if on_outcome is not None:
            on_outcome(done)
        return done

    if kind == "wsgi":
        out = []
        for delivery in items:
            target = url.replace("{event}", delivery.event)
            start = time.perf_counter()
            answer = _wsgi(app, target, delivery.body)
            out.append(outcome(delivery, target, answer, time.perf_counter() - start))
        return out
    return asyncio.run(_asgi_all(app, url, items, timeout, outcome))


def _wsgi(app: Any, url: str, body: bytes) -> Answer:
    parts = urlsplit(url)
    host, _, port = (parts.netloc or "testserver").partition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(parts.path or "/").encode().decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": port or ("443" if parts.scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request_headers(url, body):
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    status: list[int] = []

    def start_response(line: str, headers: list[Any], exc_info: Any = None) -> Any:
        status[:] = [int(line.split(" ", 1)[0])]
        return lambda data: None

    try:
        result = app(environ, start_response)
        try:
            for _ in result:
                pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    except Exception:  # what a WSGI server answers 500 to
        return 500, None, None
    if not status:
        return None, "the app answered nothing", "closed"
    return status[0], None, None


async def _asgi_all(
    app: Any,
    url: str,
    items: list[Delivery],
    timeout: float,
    outcome: Callable[[Delivery, str, Answer, float], Outcome],
) -> list[Outcome]:
    lifespan = _Lifespan(app)
    await lifespan.start()
    try:
        out = []
        for delivery in items:
            target = url.replace("{event}", delivery.event)
            start = time.perf_counter()
            try:
                answer = await asyncio.wait_for(
                    _asgi(app, target, delivery.body, lifespan.state), timeout
                )
            except TimeoutError:
                answer = None, f"no complete answer within {timeout:g} s", "timeout"
            out.append(outcome(delivery, target, answer, time.perf_counter() - start))
        return out
    finally:
        await lifespan.stop()


async def _asgi(app: Any, url: str, body: bytes, state: dict[str, Any]) -> Answer:
    parts = urlsplit(url)
    host, _, port = (parts.netloc or "testserver").partition(":")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": parts.scheme or "http",
        "path": unquote(parts.path or "/"),
        "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in request_headers(url, body)
        ],
        "client": ("127.0.0.1", 50000),
        "server": (host, int(port or (443 if parts.scheme == "https" else 80))),
        "state": dict(state),
    }
    sent = False
    done = asyncio.Event()
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[:] = [int(message["status"])]
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    try:
        await app(scope, receive, send)
    except Exception:  # what an ASGI server answers 500 to (or, once answered, logs)
        return (status[0] if status else 500), None, None
    finally:
        done.set()
    if not status:
        return None, "the app answered nothing", "closed"
    return status[0], None, None


class _Lifespan:
    """The app's ASGI lifespan (startup before the deliveries, shutdown after), if it has one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}
        try:
            await self.app(scope, self.inbox.get, self.outbox.put)
        except Exception:  # an app without lifespan support may raise on the scope type
            await self.outbox.put({"type": "unsupported"})

    async def start(self) -> None:
        self.task = asyncio.create_task(self._main())
        await self.inbox.put({"type": "lifespan.startup"})
        message = await self._next()
        if message["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"the app's lifespan startup failed: {message.get('message', '')}")
        if message["type"] != "lifespan.startup.complete":
            self.task = None

    async def _next(self) -> dict[str, Any]:
        assert self.task is not None
        getter = asyncio.ensure_future(self.outbox.get())
        finished, _ = await asyncio.wait({getter, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if getter in finished:
            return getter.result()
        getter.cancel()
        return {"type": "unsupported"}

    async def stop(self) -> None:
        if self.task is None:
            return
        await self.inbox.put({"type": "lifespan.shutdown"})
        await self._next()
        self.task.cancel()
