"""Resend recorded deliveries to another endpoint, with their original headers and body.

Headers that describe the old connection or the old encoding are not resent: Host, Content-Length,
Connection and other hop-by-hop headers, and Content-Encoding (captures hold the decoded body).
Redacted headers (`[REDACTED]`) are dropped, since their real value was never recorded.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from toolkit.capture import envelope

NOT_RESENT = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "upgrade",
        "expect",
        "content-encoding",
    }
)


@dataclass(frozen=True)
class Outgoing:
    """One request to send."""

    url: str
    headers: dict[str, str]
    body: bytes
    method: str = "POST"
    label: str = ""
    """Where it came from (`file:line`), for reports."""


@dataclass(frozen=True)
class Outcome:
    """What the endpoint answered."""

    request: Outgoing
    status: int | None
    """The HTTP status, or `None` when no answer came."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.status is not None and 200 <= self.status < 300


def resend_headers(headers: dict[str, str]) -> dict[str, str]:
    """The recorded headers worth resending."""
    return {
        k: v for k, v in headers.items() if k.lower() not in NOT_RESENT and v != envelope.REDACTED
    }


def target(to: str, recorded_path: str, keep_path: bool) -> str:
    """The URL to send to: `to` itself, or `to` plus the recorded path (without redactions)."""
    if not keep_path:
        return to
    path = "/".join(seg for seg in recorded_path.split("/") if seg != envelope.REDACTED)
    path, _, query = path.partition("?")
    kept = "&".join(q for q in query.split("&") if q and not q.endswith("=" + envelope.REDACTED))
    base = to.rstrip("/")
    return f"{base}{path if path.startswith('/') else '/' + path}" + (f"?{kept}" if kept else "")


def plan(
    records: Iterable[tuple[str, dict[str, Any]]], to: str, *, keep_path: bool = False
) -> list[Outgoing]:
    """The requests that resend `(label, envelope)` pairs to `to`."""
    if urlsplit(to).scheme not in ("http", "https"):
        raise ValueError(f"--to must be an http(s) URL, got {to!r}")
    return [
        Outgoing(
            url=target(to, str(record.get("path") or "/"), keep_path),
            headers=resend_headers(dict(record.get("headers") or {})),
            body=envelope.body_bytes(record),
            method=str(record.get("method") or "POST"),
            label=label,
        )
        for label, record in records
    ]


async def send_all(
    requests: Sequence[Outgoing],
    *,
    concurrency: int = 1,
    timeout: float = 10.0,
    ssl_context: ssl.SSLContext | None = None,
    on_outcome: Callable[[int, Outcome], None] | None = None,
) -> list[Outcome]:
    """Send every request, `concurrency` at a time over kept-alive connections, in order of index.

    A connection error or timeout becomes an Outcome with `status=None`, never an exception.
    """
    outcomes: list[Outcome | None] = [None] * len(requests)
    next_index = iter(range(len(requests)))
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=ssl_context or True)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:

        async def worker() -> None:
            for index in next_index:
                outcome = outcomes[index] = await _send(session, requests[index])
                if on_outcome is not None:
                    on_outcome(index, outcome)

        await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return [o for o in outcomes if o is not None]


async def _send(session: aiohttp.ClientSession, request: Outgoing) -> Outcome:
    try:
        async with session.request(
            request.method,
            request.url,
            data=request.body,
            headers=request.headers,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
        ) as response:
            await response.read()
            return Outcome(request, response.status)
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return Outcome(request, None, f"{type(exc).__name__}: {exc}".rstrip(": "))
