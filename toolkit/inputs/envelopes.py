"""Capture envelopes (toolkit/formats/capture-envelope.schema.json) to Records."""

from __future__ import annotations

import binascii
from dataclasses import replace
from typing import Any

from toolkit.envelope import VERSION, body_bytes, is_envelope
from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.httpdump import BodyError, decode_body, event_from_path
from toolkit.inputs.record import Record
from toolkit.registry import EVENTS

__all__ = ["envelope_record", "is_envelope"]


def envelope_record(
    obj: dict[str, Any], *, source: str, line: int | None = None, index: int | None = None
) -> Record:
    """The delivery an envelope recorded, as a Record whose event is the one it was sent as."""
    base = Record(source, line=line, index=index, format="envelope")
    version = obj.get("v")
    if version != VERSION:
        known = f"this reader knows version {VERSION}"
        return replace(base, problem=f"capture envelope version {version!r} is unknown; {known}")
    event = obj.get("event")
    notes: tuple[str, ...] = ()
    if isinstance(event, str) and event not in EVENTS:
        notes = (f"envelope names an unknown event {event!r}; the event is detected instead",)
        event = None
    if not isinstance(event, str):
        event = event_from_path(str(obj.get("path") or ""))
    headers = obj.get("headers") or {}
    try:
        raw = body_bytes(obj)
        body = decode_body(raw, headers if isinstance(headers, dict) else {})
        decoded = decode(body)
    except (binascii.Error, ValueError) as exc:
        return replace(base, event=event, problem=f"envelope body: {exc}")
    except (DecodeError, BodyError) as exc:
        return replace(base, event=event, problem=f"envelope body: {exc}")
    return replace(base, payload=decoded.value, event=event, notes=notes + decoded.notes)
