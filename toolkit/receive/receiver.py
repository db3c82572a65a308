"""Receiver: (path, headers, raw body) in, a dispatched, typed delivery and Quay's answer out.

Framework-neutral: the adapters (`toolkit.receive.starlette`, `.fastapi`, `.flask`, `.django`)
only read the request and write the `Answer`. Checks run in this order, each with its answer:
method (405), shared secret (404 in the path, 401 in a header), event named by the path (404),
media type and content coding (415), size (413, also after decompression), JSON (400). Then the
contract's verdict picks the handlers and the response policy the status (see
`toolkit.validation.policy`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from toolkit.contract.registry import EVENTS, UnknownEventError, check_event
from toolkit.inputs.limits import LISTEN_MAX_BODY
from toolkit.inputs.request import RequestBodyError, body_bytes, json_value, precheck
from toolkit.inputs.wrapped import pinned
from toolkit.receive.answer import Answer, error
from toolkit.receive.dedup import content_hash, dedup_key
from toolkit.receive.delivery import Delivery
from toolkit.receive.handlers import Entry, Handler, Registry
from toolkit.receive.headers import Headers
from toolkit.receive.secret import Secret, Where
from toolkit.validation.body import enveloped
from toolkit.validation.policy import DEFAULT, ResponsePolicy
from toolkit.validation.validator import validate

H = TypeVar("H", bound=Handler)
LOG = logging.getLogger("toolkit.receive")


@dataclass(frozen=True)
class Incoming:
    """One request as the adapter read it."""

    body: bytes
    """The raw body, as read (at most `max_body + 1` bytes of it)."""
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = field(default_factory=dict)
    event: str | None = None
    """The event named by the URL path (`/quay/<event>`); None to detect it from the body."""
    token: str | None = None
    """The secret path segment, when the route has one."""
    method: str = "POST"


class Receiver:
    """Handlers per event, one place for test notifications and contract-breaking bodies.

    ```python
    quay = Receiver()

    @quay.on("repo_push")
    def deploy(delivery):                   # delivery.model is a toolkit.models.RepoPush
        for tag in delivery.model.updated_tags: ...
    ```
    """

    def __init__(
        self,
        *,
        policy: ResponsePolicy = DEFAULT,
        secret: str | None = None,
        secret_in: Where = "path",
        secret_header: str = "X-Quay-Token",
        max_body: int = LISTEN_MAX_BODY,
        logger: logging.Logger | None = None,
    ) -> None:
        self.policy = policy
        self.secret = Secret(secret, secret_in, secret_header) if secret is not None else None
        self.max_body = max_body
        """The largest body taken, before and after decompression (413 above)."""
        self.log = logger or LOG
        self.handlers = Registry()

    @property
    def path_secret(self) -> bool:
        """Routes carry a secret first segment (`/<secret>/quay/<event>`)."""
        return self.secret is not None and self.secret.where == "path"

    def on(self, *events: str) -> Callable[[H], H]:
        """Register a handler for one event, or for several (it then also receives bodies of
        an ambiguous shape whose candidates are all among them)."""
        if not events:
            raise TypeError("on() needs at least one event name, e.g. @quay.on('repo_push')")
        return self._register(events, "event")

    def on_test(self, *events: str) -> Callable[[H], H]:
        """Register a handler for Quay's "Test Notification" bodies (of every event if none)."""
        return self._register(events, "test")

    def on_invalid(self, func: H) -> H:
        """Register a handler for JSON bodies that break the contract."""
        self.handlers.add(func, (), "invalid")
        return func

    def _register(self, events: tuple[str, ...], kind: str) -> Callable[[H], H]:
        if events and callable(events[0]):
            raise TypeError("call it with event names: @quay.on('repo_push'), @quay.on_test()")
        for event in events:
            check_event(event)  # a typo fails here, where it is written

        def decorator(func: H) -> H:
            self.handlers.add(func, events, kind)
            return func

        return decorator

    def check(
        self,
        *,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        event: str | None = None,
        token: str | None = None,
    ) -> Answer | None:
        """The answer to a request refused before its body is read, else None."""
        checked = self._check(method, Headers(headers or {}), event, token)
        return checked if isinstance(checked, Answer) else None

    def _check(
        self, method: str, headers: Headers, event: str | None, token: str | None
    ) -> Answer | list[str]:
        """The refusal, or the content codings to undo."""
        if method.upper() != "POST":
            return error(405, "webhooks are delivered with POST", Allow="POST")
        if self.secret is not None:
            refused = self.secret.check(token, headers)
            if refused is not None:
                return refused
        if event is not None and event not in EVENTS:
            return error(404, str(UnknownEventError(event)))
        try:
            return precheck(headers, self.max_body)
        except RequestBodyError as exc:
            return Answer(exc.status, {"error": exc.message}, close=exc.close)

    def prepare(self, incoming: Incoming) -> Delivery[Any] | Answer:
        """Every check, the verdict and the typed model: the Delivery, or the refusal."""
        headers = Headers(incoming.headers)
        codings = self._check(incoming.method, headers, incoming.event, incoming.token)
        if isinstance(codings, Answer):
            return codings
        try:
            data = body_bytes(incoming.body, codings, self.max_body)
            value = json_value(data)
        except RequestBodyError as exc:
            return Answer(exc.status, {"error": exc.message}, close=exc.close)
        # An envelope-template body names its event: its data is the event, as in every reader.
        payload, pinned_event, envelope = pinned(value, incoming.event)
        report = validate(payload, pinned_event)
        if envelope is not None:
            report = enveloped(report, envelope)
        event = pinned_event or report.event
        candidates = (event,) if event else report.candidates
        model = _model(payload, event or (candidates[0] if candidates else None), report)
        return Delivery(
            event=event,
            candidates=candidates,
            model=model,
            payload=payload,
            body=data,
            headers=headers,
            report=report,
            dedup_key=dedup_key(event, payload, test_notification=report.test_notification),
            content_hash=content_hash(data),
            envelope=envelope.event if envelope is not None else None,
        )

    def receive(self, incoming: Incoming) -> Answer:
        """Handle one request in a plain (WSGI) app: `async` handlers run to completion."""
        prepared = self.prepare(incoming)
        if isinstance(prepared, Answer):
            return prepared
        entries = self._route(prepared)
        failed = [e for e in entries if not self._run(e, prepared)]
        return self._answer(prepared, entries, failed)

    async def areceive(self, incoming: Incoming) -> Answer:
        """Handle one request in an async (ASGI) app: plain handlers run in a worker thread."""
        prepared = self.prepare(incoming)
        if isinstance(prepared, Answer):
            return prepared
        entries = self._route(prepared)
        failed = [e for e in entries if not await self._arun(e, prepared)]
        return self._answer(prepared, entries, failed)

    def _route(self, delivery: Delivery[Any]) -> list[Entry]:
        report = delivery.report
        kind = "test" if report.test_notification else "event" if report.valid else "invalid"
        entries = self.handlers.select(kind, delivery.candidates)
        what = delivery.event or " or ".join(delivery.candidates) or "a body of no event"
        if kind == "invalid":
            first = report.errors[0] if report.errors else None
            detail = f": {first.path} [{first.keyword}] {_short(first.message)}" if first else ""
            more = f" (+{len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
            # A handler of its own reports it; otherwise it must not pass unseen.
            level = logging.DEBUG if entries else logging.WARNING
            self.log.log(level, "%s breaks the contract%s%s", what, detail, more)
        elif not entries and delivery.ambiguous and kind == "event":
            self.log.warning(
                "%s: several events share this shape and no handler is registered for all of "
                "them; give each event its own URL (/quay/<event>) or one handler for all",
                what,
            )
        elif not entries:
            label = "test notification" if kind == "test" else "delivery"
            self.log.debug("%s for %s: no handler registered", label, what)
        return entries

    def _run(self, entry: Entry, delivery: Delivery[Any]) -> bool:
        try:
            if entry.is_async:
                _run_coroutine(entry.func, delivery)
            else:
                entry.func(delivery)
        except Exception:
            self._failed(entry, delivery)
            return False
        return True

    async def _arun(self, entry: Entry, delivery: Delivery[Any]) -> bool:
        try:
            if entry.is_async:
                await entry.func(delivery)  # type: ignore[misc]
            else:
                await asyncio.to_thread(entry.func, delivery)
        except Exception:
            self._failed(entry, delivery)
            return False
        return True

    def _failed(self, entry: Entry, delivery: Delivery[Any]) -> None:
        what = delivery.event or " or ".join(delivery.candidates) or "a body of no event"
        self.log.exception(
            "handler %s failed on %s (dedup key %s, %s); answering %d",
            entry.name,
            what,
            delivery.dedup_key,
            delivery.content_hash,
            self.policy.error_status,
        )

    def _answer(self, delivery: Delivery[Any], entries: list[Entry], failed: list[Entry]) -> Answer:
        report = delivery.report
        body: dict[str, Any] = {
            "event": delivery.event,
            "candidates": list(delivery.candidates),
            "valid": report.valid,
            "test_notification": report.test_notification,
            "handled": len(entries) - len(failed),
            "dedup_key": delivery.dedup_key,
        }
        if delivery.envelope is not None:
            body["envelope"] = delivery.envelope
        if not report.valid:
            body["errors"] = [f.as_dict() for f in report.errors[:5]]
        if failed:
            names = ", ".join(e.name for e in failed)
            body["error"] = f"handler {names} failed"
            return Answer(self.policy.error_status, body)
        return Answer(200 if report.valid else self.policy.invalid_status, body)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _model(payload: Any, event: str | None, report: Any) -> Any:
    """The generated model of a valid body (its test-notification model for a test body)."""
    if not report.valid or event is None:
        return None
    from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS

    models = TEST_NOTIFICATION_MODELS if report.test_notification else MODELS
    model: Any = models[event]
    return model.model_validate(payload)


def _run_coroutine(func: Handler, delivery: Delivery[Any]) -> None:
    """Run an async handler from plain code, in this thread or, under a running loop, another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(func(delivery))  # type: ignore[arg-type]
        return
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, func(delivery)).result()  # type: ignore[arg-type]
