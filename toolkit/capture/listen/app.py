"""The recorder's aiohttp application: check, validate, record durably, then answer.

Status codes: 200 for every well-formed delivery (a recorder must not make Quay disable the
webhook: it gives up after 3 failures), 422 for contract violations only with
`reject_invalid`, 400 for a body that is not JSON, 404 outside the secret path token, 405 for
other methods, 408 for a body slower than `body_timeout`, 413 above `max_body` (after
decompression), 415 for a non-JSON media type or an unknown content coding, 503 when the
capture could not be written (the delivery was *not* recorded, so Quay should retry).

Every answer to a webhook path is counted for the status page and logged as one line (unless
quiet; 5xx always), with the path as received (still percent-encoded), the path token and
secret query values redacted, and control characters escaped, so no request can forge a line.
With a path token the status page and the detailed health are served under `/<token>/` too;
bare `/healthz` then says only `{"status": "ok"}`.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from toolkit.capture import envelope
from toolkit.capture.listen import body as bodies
from toolkit.capture.listen import verdict as verdicts
from toolkit.capture.listen.config import ListenConfig
from toolkit.capture.listen.status import status_page
from toolkit.capture.recorder import CaptureWriter
from toolkit.contract.registry import EVENTS

JSON = "application/json"
EVENT_PATH = re.compile(r"/quay/([a-z_]+)/?")
"""The path that names the event (matched in full: `$` would accept a trailing newline)."""
STATUS_PAGES = ("/", "/healthz")
Log = Callable[[str], None]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters (CR, LF, ESC, U+2028 ...) escaped: one log line stays one."""
    if text.isprintable():  # no control or separator character at all (the usual line)
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass
class Stats:
    """Counts since start, for the status page."""

    by_event: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)


@dataclass
class Recorder:
    """The request handler and its state."""

    config: ListenConfig
    writer: CaptureWriter
    log: Log
    stats: Stats = field(default_factory=Stats)

    async def dispatch(self, request: web.BaseRequest) -> web.StreamResponse:
        """Route by path: status pages, or a webhook delivery; count and log the answer."""
        path = self.public_path(request.raw_path)
        response, note = await self._answer(request, path)
        if note is not None:
            status = response.status
            self.stats.by_status[status] += 1
            if not self.config.quiet or status >= 500:
                self.log(printable(f"{status} {request.method} {path} {note}"))
        return response

    async def _answer(
        self, request: web.BaseRequest, path: str
    ) -> tuple[web.StreamResponse, str | None]:
        """The response, and what to log about it (`None`: a status page was shown)."""
        rest = self._strip_token(request.path)
        if rest is None and request.path == "/healthz" and request.method in ("GET", "HEAD"):
            return web.json_response({"status": "ok"}, dumps=_dumps), None
        if rest is None:
            return _error(404, "not found"), "not found"
        if rest in STATUS_PAGES:
            if request.method not in ("GET", "HEAD"):
                return _error(405, "use GET", allow="GET, HEAD"), "method not allowed"
            return (self.health() if rest == "/healthz" else self.status()), None
        if request.method != "POST":
            message = "webhooks are delivered with POST"
            return _error(405, message, allow="POST"), "method not allowed"
        return await self.deliver(request, rest, path)

    def _strip_token(self, path: str) -> str | None:
        token = self.config.path_token
        if token is None:
            return path
        head, _, rest = path.lstrip("/").partition("/")
        return "/" + rest if hmac.compare_digest(head.encode(), token.encode()) else None

    def public_path(self, raw_path: str) -> str:
        """The path as received, its token segment (however encoded) and secrets redacted."""
        path = raw_path
        base, mark, query = path.partition("?")
        if self.config.path_token is not None and base.startswith("/") and len(base) > 1:
            _token, sep, rest = base[1:].partition("/")
            path = f"/{envelope.REDACTED}{sep}{rest}{mark}{query}"
        return envelope.redact_path(path)

    async def deliver(
        self, request: web.BaseRequest, rest: str, path: str
    ) -> tuple[web.StreamResponse, str]:
        """Check, validate and record one delivery (`path`: as recorded); response and log note."""
        match = EVENT_PATH.fullmatch(rest)
        event = match.group(1) if match and match.group(1) in EVENTS else None
        if not bodies.is_json_type(request.headers.get("Content-Type")):
            return _noted(415, "Content-Type must be application/json")
        try:
            codings = bodies.check_encoding(request.headers.get("Content-Encoding"))
        except bodies.UnsupportedEncodingError as exc:
            return _noted(415, f"unsupported Content-Encoding {exc}", close=True)
        limit = self.config.max_body
        if (request.content_length or 0) > limit:
            return _noted(413, f"body larger than {limit} bytes", close=True)
        try:
            if request.content.is_eof():  # the whole body is already buffered: no timer needed
                raw = await _read_bounded(request, limit)
            else:
                async with asyncio.timeout(self.config.body_timeout):
                    raw = await _read_bounded(request, limit)
            data = bodies.decode(raw, codings, limit)
        except TimeoutError:
            return _noted(408, f"body not received within {self.config.body_timeout} s", True)
        except bodies.TooLargeError as exc:
            return _noted(413, str(exc), close=True)
        except bodies.CorruptEncodingError as exc:
            return _noted(400, f"body does not decompress: {exc}")
        payload, problem = verdicts.parse(data)
        if problem is None:
            payload, pinned, wrapper = verdicts.unwrapped(payload, event)
            version = self.config.quay_version
            report = await verdicts.judge(payload, pinned, version)
            verdict = verdicts.as_dict(report, wrapper, version)
        else:
            verdict = verdicts.unparsable(problem)
        return await self._record(request, path, event, data, verdict, codings)

    async def _record(
        self,
        request: web.BaseRequest,
        path: str,
        event: str | None,
        data: bytes,
        verdict: dict[str, Any],
        decoded: list[str],
    ) -> tuple[web.StreamResponse, str]:
        headers: dict[str, str] = {}
        for key, value in request.headers.items():
            name = str(key)  # aiohttp's istr is a str subclass, which orjson refuses as a key
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        record = envelope.make(
            method=request.method,
            path=path,
            headers=headers,
            body=data,
            remote=_peer(request),
            event=event,
            verdict=verdict,
            decoded=decoded,
        )
        try:
            await self.writer.append(orjson.dumps(record))
        except (OSError, RuntimeError) as exc:
            response = _error(503, "the delivery could not be recorded; retry later")
            return response, f"not recorded: {exc}"
        valid = verdict["valid"]
        label = _label(verdict)
        self.stats.by_event[(event or verdict.get("event") or "(detected)", label)] += 1
        if verdict["errors"] and verdict["errors"][0]["keyword"] == "json":
            status = 400
        elif not valid and self.config.reject_invalid:
            status = 422
        else:
            status = 200
        body = {"recorded": True, "event": event or verdict.get("event"), "valid": valid}
        if not valid:
            body["errors"] = verdict["errors"][:5]
        response = web.Response(body=orjson.dumps(body), status=status, content_type=JSON)
        return response, _verdict_note(event, verdict)

    def health(self) -> web.Response:
        """`GET /healthz`: alive, and where captures go."""
        payload = {
            "status": "ok",
            "recorded": self.writer.records,
            "fsyncs": self.writer.batches,
            "file": str(self.writer.current),
        }
        return web.json_response(payload, dumps=_dumps)

    def status(self) -> web.Response:
        """`GET /`: counts per event and verdict."""
        html = status_page(self.stats.by_event, self.stats.by_status, self.writer)
        return web.Response(text=html, content_type="text/html")


async def _read_bounded(request: web.BaseRequest, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise bodies.TooLargeError(f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _peer(request: web.BaseRequest) -> str | None:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    if isinstance(peer, tuple) and len(peer) >= 2:
        host = f"[{peer[0]}]" if ":" in str(peer[0]) else str(peer[0])
        return f"{host}:{peer[1]}"
    return None


def _label(verdict: dict[str, Any]) -> str:
    if verdict.get("test_notification"):
        return "test notification"
    if verdict["valid"]:
        return "valid"
    return "not JSON" if verdict["errors"][0]["keyword"] == "json" else "invalid"


def _verdict_note(event: str | None, verdict: dict[str, Any]) -> str:
    name = event or verdict.get("event") or "/".join(verdict.get("candidates", [])) or "?"
    line = f"{name}{'' if event else ' (detected)'} {_label(verdict)}"
    if verdict["errors"]:
        first = verdict["errors"][0]
        line += f": {first['path']} [{first.get('rule') or first['keyword']}] {first['message']}"
    return line


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def _noted(status: int, message: str, close: bool = False) -> tuple[web.Response, str]:
    """An error response, and the same message for the log."""
    return _error(status, message, close), message


def _error(
    status: int, message: str, close: bool = False, allow: str | None = None
) -> web.Response:
    response = web.json_response({"error": message}, status=status, dumps=_dumps)
    if allow:
        response.headers["Allow"] = allow
    if close:
        response.force_close()
    return response


def build_server(config: ListenConfig, writer: CaptureWriter, log: Log) -> web.Server:
    """aiohttp's low-level server for one recorder: no router or middlewares on the hot path."""
    recorder = Recorder(config, writer, log)
    return web.Server(
        recorder.dispatch,
        access_log=None,
        max_line_size=config.max_header_size,
        max_field_size=config.max_header_size,
        max_headers=config.max_headers,
        auto_decompress=False,
        lingering_time=2.0,
    )
