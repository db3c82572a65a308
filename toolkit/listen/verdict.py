"""The verdict on one received body, cheap on the event loop.

Valid payloads are settled by the compiled validator (microseconds). Only a failure needs the
python-jsonschema error detail, which is computed in a worker thread so the loop keeps serving.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from toolkit import contract
from toolkit.validator import Report, validate


def quick_valid(payload: Any, event: str | None) -> bool:
    """Whether the payload is valid, by the fast path only (no error detail)."""
    if event is None:
        from toolkit.detect import detect

        return bool(detect(payload).candidates)
    return bool(
        contract.fast(event).is_valid(payload)
        or contract.fast(event, test_notification=True).is_valid(payload)
    )


async def judge(payload: Any, event: str | None) -> Report:
    """The contract's Report, with failures explained off the event loop."""
    if quick_valid(payload, event):
        return validate(payload, event)
    return await asyncio.to_thread(validate, payload, event)


def as_dict(report: Report) -> dict[str, Any]:
    """The envelope's `verdict` object."""
    out: dict[str, Any] = {
        "valid": report.valid,
        "event": report.event,
        "candidates": list(report.candidates),
        "test_notification": report.test_notification,
        "errors": [f.as_dict() for f in report.errors],
    }
    if report.closest is not None:
        out["closest"] = report.closest
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
    """The JSON value of a body, or an error message."""
    try:
        return orjson.loads(body), None
    except orjson.JSONDecodeError as exc:
        return None, f"body is not valid JSON: {exc}"
