"""The verdict on one received body, cheap on the event loop.

Valid payloads are settled by the compiled validator and the compiled invariants (microseconds).
Only a failure needs the error detail, which is computed in a worker thread so the loop keeps
serving.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import cache
from typing import Any

from toolkit import contract
from toolkit.contract.fingerprint import fingerprint
from toolkit.contract.invariant_check import holds_for
from toolkit.contract.releases import parse_release
from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.wrapped import Unwrapped, pinned
from toolkit.validation.report import Report
from toolkit.validation.validator import validate
from toolkit.validation.versioned import still_valid

_MISSING = object()


@cache
def _test_markers(event: str) -> tuple[tuple[str, Any], ...]:
    """The fixed top-level values every test-notification body of `event` carries."""
    node = contract.test_notification_schema(event)
    required = set(node.get("required", []))
    return tuple(
        (k, v["const"])
        for k, v in node.get("properties", {}).items()
        if k in required and isinstance(v, dict) and "const" in v
    )


def _is_test(payload: Any, event: str) -> bool:
    """A test-notification body: cheap constant pre-filter, then the compiled validator."""
    if not isinstance(payload, dict):
        return False
    if not all(payload.get(k, _MISSING) == v for k, v in _test_markers(event)):
        return False
    return bool(contract.fast(event, test_notification=True).is_valid(payload))


def quick(payload: Any, event: str | None, quay_version: str | None = None) -> Report | None:
    """The Report when the fast path alone settles it (a valid payload), else `None`."""
    if event is None:
        from toolkit.contract.detect import detect

        found = detect(payload)
        if not found.candidates:
            return None
        report = Report(found.event, True, found.test_notification, candidates=found.candidates)
    elif contract.fast(event).is_valid(payload):
        report = Report(event, True, _is_test(payload, event), candidates=(event,))
    elif _is_test(payload, event):
        report = Report(event, True, True, candidates=(event,))
    else:
        return None
    holds = holds_for(report.candidates, test_notification=report.test_notification)
    if holds is not None and not holds(payload):
        return None  # an invariant is broken: validate() says which candidates it rules out
    releases = fingerprint(payload, report.candidates, report.test_notification)
    report = replace(report, releases=releases)
    if quay_version is None:
        return report
    return still_valid(report, payload, parse_release(quay_version))  # None: explain off the loop


async def judge(payload: Any, event: str | None, quay_version: str | None = None) -> Report:
    """The contract's Report (same as `validate`), with failures explained off the event loop."""
    report = quick(payload, event, quay_version)
    if report is not None:
        return report
    return await asyncio.to_thread(validate, payload, event, quay_version=quay_version)


def unwrapped(payload: Any, event: str | None) -> tuple[Any, str | None, Unwrapped | None]:
    """(payload, event to check against, the envelope) for an envelope-template body.

    The event the body names wins over the URL path's; any other body comes back unchanged.
    """
    return pinned(payload, event)


def as_dict(
    report: Report, wrapper: Unwrapped | None = None, quay_version: str | None = None
) -> dict[str, Any]:
    """The envelope's `verdict` object (`unwrapped`: the envelope template's event name;
    `quay_version`: the release it was checked against)."""
    errors = [f.as_dict() for f in report.errors]
    if wrapper is not None and not wrapper.known:
        problem = {"path": "$.event", "keyword": "envelope", "message": wrapper.problem()}
        errors.insert(0, {**problem, "rule": None, "paths": []})
    out: dict[str, Any] = {
        "valid": report.valid and not (wrapper is not None and not wrapper.known),
        "event": report.event,
        "candidates": list(report.candidates),
        "test_notification": report.test_notification,
        "errors": errors,
        "releases": None if report.releases is None else report.releases.as_json(),
    }
    if quay_version is not None:
        out["quay_version"] = quay_version
    if report.closest is not None:
        out["closest"] = report.closest
    if wrapper is not None:
        out["unwrapped"] = wrapper.event
    return out


def unparsable(message: str) -> dict[str, Any]:
    """The verdict on a body that is not JSON at all."""
    error: dict[str, Any] = {"path": "$", "keyword": "json", "message": message}
    error |= {"rule": None, "paths": []}
    return {
        "valid": False,
        "event": None,
        "candidates": [],
        "test_notification": False,
        "errors": [error],
        "releases": None,
    }


def parse(body: bytes) -> tuple[Any, str | None]:
    """The JSON value of a body, or an error message (not JSON, or deeper than every reader
    reads: the same decoding as `validate`, so a capture is judged alike both times)."""
    try:
        return decode(body, check_duplicates=False).value, None
    except DecodeError as exc:
        return None, f"body is not readable JSON: {exc}"
