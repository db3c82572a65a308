"""Delivery: one received webhook, as a handler sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from toolkit.receive.headers import Headers
from toolkit.validation.report import Report

M = TypeVar("M")


@dataclass(frozen=True)
class Delivery(Generic[M]):
    """A webhook body with everything the receiver knows about it.

    `model` is the event's generated model (`toolkit.models`), or its test-notification model
    for a test notification; `None` for a body that breaks the contract. When the event is not
    known (no `/quay/<event>` in the URL and a shape several events share), `event` is None,
    `candidates` lists the events it may be, and `model` is the first candidate's model (they
    have the same fields).
    """

    event: str | None
    """The event: from the URL path, or detected when exactly one event fits."""
    candidates: tuple[str, ...]
    """Every event the body may be; `(event,)` when the event is known."""
    model: M
    payload: Any
    """The body's JSON value (an envelope-template body's `data`)."""
    body: bytes
    """The raw body (content codings undone): the exact bytes Quay sent."""
    headers: Headers
    report: Report
    """The contract's verdict: `valid`, `test_notification`, `errors` (best match first)."""
    dedup_key: str | None
    """Equal for every delivery of one event, where the payload allows it (build events,
    repo_image_expiry); None otherwise (see `toolkit.receive.dedup`)."""
    content_hash: str
    """`sha256:<hex>` of `body`: a best-effort key for events without `dedup_key`."""
    envelope: str | None = None
    """The event name an envelope-template body (`{"event": <name>, "data": "${$}"}`) gave;
    it wins over the URL's, as in every reader."""

    @property
    def valid(self) -> bool:
        """The body fits the contract (test notifications included)."""
        return self.report.valid

    @property
    def test_notification(self) -> bool:
        """The body is what Quay's "Test Notification" button sends."""
        return self.report.test_notification

    @property
    def ambiguous(self) -> bool:
        """Several events fit and the URL did not say which."""
        return self.event is None and len(self.candidates) > 1
