"""The verdict on one received body, cheap on the event loop.

Valid payloads are settled by the compiled validator and the compiled invariants (microseconds).
Only a failure needs the python-jsonschema error detail, which is computed in a worker thread so
the loop keeps serving.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from toolkit import contract
from toolkit.contract.invariant_check import checker, holds_for
from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.wrapped import Unwrapped, unwrap
from toolkit.validation.report import Report
from toolkit.validation.validator import validate

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


def quick(payload: Any, event: str | None) -> Report | None:
    """The Report when the fast path alone settles it (a valid payload), else `None`."""
    if event is None:
        from toolkit.contract.detect import detect

        found = detect(payload)
        test = found.test_notification
        holds = holds_for(found.candidates, test_notification=test) if found.candidates else None
        if not found.candidates or (holds is not None and not holds(payload)):
            return None
        return Report(found.event, True, test, candidates=found.candidates)
    if contract.fast(event).is_valid(payload):
        test = _is_test(payload, event)
        if not checker(event, test_notification=test).holds(payload):
            return None
        return Report(event, True, test, candidates=(event,))
    return validate(payload, event) if _is_test(payload, event) else None


async def judge(payload: Any, event: str | None) -> Report:
    """The contract's Report (same as `validate`), with failures explained off the event loop."""
    report = quick(payload, event)
    if report is not None:
        return report
    return await asyncio.to_thread(validate, payload, event)


def unwrapped(payload: Any, event: str | None) -> tuple[Any, str | None, Unwrapped | None]:
    """(payload, event to check against, the envelope) for an envelope-template body.

    The event the body names wins over the URL path's; any other body comes back unchanged.
    """
    found = unwrap(payload)
    if found is None:
        return payload, event, None
    return found.payload, found.event if found.known else event, found


def as_dict(report: Report, wrapper: Unwrapped | None = None) -> dict[str, Any]:
    """The envelope's `verdict` object (`unwrapped`: the envelope template's event name)."""
    errors = [f.as_dict() for f in report.errors]
    if wrapper is not None and not wrapper.known:
        errors.insert(0, {"path": "$.event", "keyword": "envelope", "message": wrapper.problem()})
    out: dict[str, Any] = {
        "valid": report.valid and not (wrapper is not None and not wrapper.known),
        "event": report.event,
        "candidates": list(report.candidates),
        "test_notification": report.test_notification,
        "errors": errors,
    }
    if report.closest is not None:
        out["closest"] = report.closest
    if wrapper is not None:
        out["unwrapped"] = wrapper.event
    return out


def unparsable(message: str) -> dict[str, Any]:
    """The verdict on a body that is not JSON at all."""
    error = {"path": "$", "keyword": "json", "message": message}
    return {
        "valid": False,
        "event": None,
        "candidates": [],
        "test_notification": False,
        "errors": [error],
    }


def parse(body: bytes) -> tuple[Any, str | None]:
    """The JSON value of a body, or an error message (not JSON, or deeper than every reader
    reads: the same decoding as `validate`, so a capture is judged alike both times)."""
    try:
        return decode(body, check_duplicates=False).value, None
    except DecodeError as exc:
        return None, f"body is not readable JSON: {exc}"
