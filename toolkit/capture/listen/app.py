"""The recorder's aiohttp application: check, validate, record durably, then answer.

Status codes: 200 for every well-formed delivery (a recorder must not make Quay disable the
webhook: it gives up after 3 failures), 422 for contract violations only with
`reject_invalid`, 400 for a body that is not JSON, 404 outside the secret path token, 405 for
other methods, 408 for a body slower than `body_timeout`, 413 above `max_body` (after
decompression), 415 for a non-JSON media type or an unknown content coding, 503 when the
capture could not be written (the delivery was *not* recorded, so Quay should retry).
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
EVENT_PATH = re.compile(r"^/quay/([a-z_]+)/?$")
Log = Callable[[str], None]


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
        """Route by path: status pages, or a webhook delivery."""
        if request.path in ("/", "/healthz"):
            if request.method not in ("GET", "HEAD"):
                return _error(405, "use GET", allow="GET, HEAD")
            return self.health() if request.path == "/healthz" else self.status()
        rest = self._strip_token(request.path)
        if rest is None:
            return _error(404, "not found")
        if request.method != "POST":
            return _error(405, "webhooks are delivered with POST", allow="POST")
        response = await self.deliver(request, rest)
        self.stats.by_status[response.status] += 1
        return response

    def _strip_token(self, path: str) -> str | None:
        token = self.config.path_token
        if token is None:
            return path
        head, _, rest = path.lstrip("/").partition("/")
        return "/" + rest if hmac.compare_digest(head.encode(), token.encode()) else None

    def _recorded_path(self, request: web.BaseRequest) -> str:
        path = request.raw_path
        if self.config.path_token is not None:
            path = path.replace(self.config.path_token, envelope.REDACTED, 1)
        return path

    async def deliver(self, request: web.BaseRequest, rest: str) -> web.StreamResponse:
        """Check, validate and record one delivery."""
        match = EVENT_PATH.match(rest)
        event = match.group(1) if match and match.group(1) in EVENTS else None
        if not bodies.is_json_type(request.headers.get("Content-Type")):
            return _error(415, "Content-Type must be application/json")
        try:
            codings = bodies.check_encoding(request.headers.get("Content-Encoding"))
        except bodies.UnsupportedEncodingError as exc:
            return _error(415, f"unsupported Content-Encoding {exc}", close=True)
        limit = self.config.max_body
        if (request.content_length or 0) > limit:
            return _error(413, f"body larger than {limit} bytes", close=True)
        try:
            if request.content.is_eof():  # the whole body is already buffered: no timer needed
                raw = await _read_bounded(request, limit)
            else:
                async with asyncio.timeout(self.config.body_timeout):
                    raw = await _read_bounded(request, limit)
            data = bodies.decode(raw, codings, limit)
        except TimeoutError:
            return _error(408, f"body not received within {self.config.body_timeout} s", True)
        except bodies.TooLargeError as exc:
            return _error(413, str(exc), close=True)
        except bodies.CorruptEncodingError as exc:
            return _error(400, f"body does not decompress: {exc}")
        payload, problem = verdicts.parse(data)
        if problem is None:
            payload, pinned, wrapper = verdicts.unwrapped(payload, event)
            report = await verdicts.judge(payload, pinned)
            verdict = verdicts.as_dict(report, wrapper)
        else:
            verdict = verdicts.unparsable(problem)
        return await self._record(request, event, data, verdict, rest, codings)

    async def _record(
        self,
        request: web.BaseRequest,
        event: str | None,
        data: bytes,
        verdict: dict[str, Any],
        rest: str,
        decoded: list[str],
    ) -> web.StreamResponse:
        headers: dict[str, str] = {}
        for key, value in request.headers.items():
            name = str(key)  # aiohttp's istr is a str subclass, which orjson refuses as a key
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        record = envelope.make(
            method=request.method,
            path=self._recorded_path(request),
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
            self.log(f"ERROR not recorded: {exc}")
            return _error(503, "the delivery could not be recorded; retry later")
        valid = verdict["valid"]
        label = _label(verdict)
        self.stats.by_event[(event or verdict.get("event") or "(detected)", label)] += 1
        if verdict["errors"] and verdict["errors"][0]["keyword"] == "json":
            status = 400
        elif not valid and self.config.reject_invalid:
            status = 422
        else:
            status = 200
        if not self.config.quiet:
            self.log(_log_line(status, rest, event, verdict))
        body = {"recorded": True, "event": event or verdict.get("event"), "valid": valid}
        if not valid:
            body["errors"] = verdict["errors"][:5]
        return web.Response(body=orjson.dumps(body), status=status, content_type=JSON)

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


def _log_line(status: int, path: str, event: str | None, verdict: dict[str, Any]) -> str:
    name = event or verdict.get("event") or "/".join(verdict.get("candidates", [])) or "?"
    line = f"{status} POST {path} {name}{'' if event else ' (detected)'} {_label(verdict)}"
    if verdict["errors"]:
        first = verdict["errors"][0]
        line += f": {first['path']} [{first['keyword']}] {first['message']}"
    return line


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


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
