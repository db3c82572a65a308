"""Library helpers for receiving code: validate raw request bodies, parse into models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.validation.report import Finding, Report
from toolkit.validation.validator import validate

if TYPE_CHECKING:
    from toolkit.inputs.wrapped import Unwrapped


class ContractError(ValueError):
    """A payload that could not be turned into a model; `report` says why."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


class UnreadableBodyError(ContractError):
    """A request body that is not a JSON value (empty, not UTF-8, truncated, ...)."""


class AmbiguousEventError(ContractError):
    """Several events share the payload's shape; pass `event=` (from the webhook URL)."""


def load_body(body: bytes | str, *, content_encoding: str | None = None) -> Any:
    """Parse a raw webhook request body (gzip/deflate undone), or raise UnreadableBodyError."""
    from toolkit.inputs.decode import DecodeError, decode
    from toolkit.inputs.httpdump import BodyError, decode_body

    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        if content_encoding:
            data = decode_body(data, {"Content-Encoding": content_encoding})
        return decode(data, check_duplicates=False).value
    except (DecodeError, BodyError) as exc:
        raise UnreadableBodyError(f"request body: {exc}") from None


def validate_body(
    body: bytes | str,
    event: str | None = None,
    *,
    content_encoding: str | None = None,
    quay_version: str | None = None,
) -> Report:
    """`validate()` for a raw request body (bytes or text, as the web framework gives it).

    A body sent through the envelope template (`{"event": <name>, "data": "${$}"}`) is unwrapped:
    `data` is validated, as the event it names unless `event` is given, and the Report's
    `wrapper_event` says so. Raises UnreadableBodyError when the body is not JSON at all: that is
    not a verdict. `quay_version` narrows the contract to what that Quay release sends (see
    `validate`).

    Args:
        body: The raw request body.
        event: The event the webhook URL is for, or `None` to detect it.
        content_encoding: The request's `Content-Encoding` (`gzip`, `deflate`), if any.
        quay_version: `X.Y` or `X.Y.Z`, as for `validate`.

    Returns:
        The Report on the payload (on `data` for an envelope-template body).

    Raises:
        UnreadableBodyError: The body is not JSON (or does not decompress).
        UnknownEventError: `event` is not one of the 13 events.
        UnknownReleaseError: `quay_version` is not a known Quay release.
    """
    from toolkit.inputs.wrapped import unwrap

    value = load_body(body, content_encoding=content_encoding)
    found = unwrap(value)
    if found is None:
        return validate(value, event, quay_version=quay_version)
    named = event or (found.event if found.known else None)
    report = validate(found.payload, named, quay_version=quay_version)
    return enveloped(report, found)


def enveloped(report: Report, found: Unwrapped) -> Report:
    """The Report on an envelope-template body's data, as the body's Report: it names the
    envelope (`wrapper_event`), and an event name that is no Quay event is a finding."""
    from dataclasses import replace

    if not found.known:
        problem = Finding("$.event", "envelope", found.problem(), ("event",))
        report = replace(report, valid=False, errors=(problem, *report.errors))
    return replace(report, wrapper_event=found.event)


def parse(payload: Any, event: str | None = None, *, quay_version: str | None = None) -> Any:
    """The generated pydantic model instance for a valid payload (a dict, bytes or str).

    Test-notification bodies become the event's `...TestNotification` model; an envelope-template
    body (bytes or str) gives the model of its data. Raises
    ContractError listing every violation, AmbiguousEventError when the shape fits several
    events and `event` is not given, UnreadableBodyError for bodies that are not JSON.
    With `quay_version`, a payload that release would not send is a ContractError too.

    Args:
        payload: A decoded payload, or a raw body as bytes or str.
        event: The event the webhook URL is for, or `None` to detect it.
        quay_version: `X.Y` or `X.Y.Z`, as for `validate`.

    Returns:
        An instance of the event's model from `toolkit.models` (its `...TestNotification`
        model for a test-notification body).

    Raises:
        ContractError: The payload breaks the contract; `.report` holds the Report.
        AmbiguousEventError: Several events fit and `event` was not given.
        UnreadableBodyError: A raw body that is not JSON.
    """
    from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS

    if isinstance(payload, bytes | str):
        from toolkit.inputs.wrapped import unwrap

        payload = load_body(payload)
        found = unwrap(payload)
        if found is not None:  # an envelope-template body: its data is the event
            payload = found.payload
            event = event or (found.event if found.known else None)
    report = validate(payload, event, quay_version=quay_version)
    if not report.valid:
        what = (
            f"payload violates the {report.event} contract"
            if report.event
            else f"payload fits no event (closest: {report.closest})"
        )
        raise ContractError(f"{what}:\n" + _listing(report.errors), report)
    chosen = event or report.event
    if chosen is None:
        raise AmbiguousEventError(
            "the payload fits several events that share one shape ("
            + ", ".join(report.candidates)
            + "); pass event= (the webhook URL that received it tells which)",
            report,
        )
    models = TEST_NOTIFICATION_MODELS if report.test_notification else MODELS
    model: Any = models[chosen]
    return model.model_validate(payload)


def _listing(errors: tuple[Finding, ...]) -> str:
    return "\n".join(f"  {f.path} [{f.label}] {f.message}" for f in errors)
