"""Resend recorded deliveries to another endpoint, with their original headers and body.

Headers that describe the old connection or the old encoding are not resent: Host, Content-Length,
Connection and other hop-by-hop headers, and Content-Encoding (captures hold the decoded body).
Redacted headers (`[REDACTED]`) are dropped, since their real value was never recorded.

Every envelope is checked before anything is sent (`toolkit.capture.checks`): one that is not a
valid envelope or not a valid HTTP request, or that uses a method Quay does not (unless
allowed), is skipped with its reason. Redirects are not followed, except a 307 or 308 to the
same origin (which keeps the method and body): any other redirect is the outcome, so a body and
its headers never reach another host and a 303 never becomes a GET that counts as success.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from toolkit.capture import checks, envelope

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


MAX_HOPS = 5
"""Same-origin 307/308 redirects followed before the last one becomes the outcome."""


@dataclass(frozen=True)
class Skipped:
    """A capture that is not sent, and why."""

    label: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """The requests to send, and the captures that will not be sent."""

    requests: list[Outgoing]
    skipped: list[Skipped]


@dataclass(frozen=True)
class Outcome:
    """What the endpoint answered."""

    request: Outgoing
    status: int | None
    """The HTTP status, or `None` when no answer came."""
    error: str | None = None
    redirect: str | None = None
    """Where a redirect that was not followed pointed."""
    hops: tuple[tuple[int, str], ...] = ()
    """Same-origin 307/308 redirects followed on the way: (status, URL)."""

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def answer(self) -> str:
        """The outcome in words: `204`, `303 redirect to URL (not followed)`, `error: ...`."""
        if self.status is None:
            return f"error: {self.error}"
        text = str(self.status)
        if self.redirect is not None:
            text += f" redirect to {self.redirect} (not followed)"
        if self.hops:
            text += " (after " + ", ".join(f"{s} to {u}" for s, u in self.hops) + ")"
        return text


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
    records: Iterable[tuple[str, Any]],
    to: str,
    *,
    keep_path: bool = False,
    allowed: frozenset[str] = checks.QUAY_METHODS,
) -> Plan:
    """The requests that resend `(label, envelope)` pairs to `to`, and the captures skipped."""
    if urlsplit(to).scheme not in ("http", "https"):
        raise ValueError(f"--to must be an http(s) URL, got {to!r}")
    requests, skipped = [], []
    for label, record in records:
        problems = checks.problems(record, allowed)
        if problems:
            skipped.append(Skipped(label, "; ".join(problems)))
            continue
        requests.append(
            Outgoing(
                url=target(to, record["path"], keep_path),
                headers=resend_headers(record["headers"]),
                body=envelope.body_bytes(record),
                method=record["method"].upper(),
                label=label,
            )
        )
    return Plan(requests, skipped)


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
    url, hops = request.url, list[tuple[int, str]]()
    try:
        while True:
            async with session.request(
                request.method,
                url,
                data=request.body,
                headers=request.headers,
                allow_redirects=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
            ) as response:
                await response.read()
                status, location = response.status, response.headers.get("Location")
            if not (300 <= status < 400 and location):
                return Outcome(request, status, hops=tuple(hops))
            to = urljoin(url, location)
            if status in (307, 308) and _same_origin(url, to) and len(hops) < MAX_HOPS:
                hops.append((status, to))
                url = to
                continue
            return Outcome(request, status, redirect=to, hops=tuple(hops))
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return Outcome(request, None, f"{type(exc).__name__}: {exc}".rstrip(": "), hops=tuple(hops))
    except ValueError as exc:  # a request the client refuses to send: report it, go on
        return Outcome(request, None, f"not sent: {exc}", hops=tuple(hops))


def _same_origin(a: str, b: str) -> bool:
    def origin(url: str) -> tuple[str, str | None, int]:
        parts = urlsplit(url)
        return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)

    return origin(a) == origin(b)
