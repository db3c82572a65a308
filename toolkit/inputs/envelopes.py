"""The capture envelope format (toolkit/formats/capture-envelope.schema.json), read into Records.

One recorded webhook delivery per NDJSON line; `toolkit.capture.envelope` writes them.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from typing import Any

import orjson

from toolkit.contract.registry import EVENTS
from toolkit.inputs.decode import decode
from toolkit.inputs.httpdump import BodyError, decode_body, event_from_path
from toolkit.inputs.limits import MAX_BODY, over
from toolkit.inputs.record import Record

__all__ = ["REDACTED", "VERSION", "body_bytes", "envelope_record", "is_envelope", "schema"]

VERSION = 1
REDACTED = "[REDACTED]"
"""What a recorded secret was replaced with."""


def schema() -> dict[str, Any]:
    """The envelope's JSON Schema."""
    from importlib import resources

    text = resources.files("toolkit").joinpath("formats/capture-envelope.schema.json").read_bytes()
    data = orjson.loads(text)
    assert isinstance(data, dict)
    return data


def body_bytes(record: dict[str, Any]) -> bytes:
    """The raw body an envelope holds."""
    if record.get("body") is not None:
        return str(record["body"]).encode("utf-8")
    if record.get("body_base64") is not None:
        return base64.b64decode(str(record["body_base64"]))
    return b""


def is_envelope(obj: Any) -> bool:
    """Whether a parsed JSON value looks like a capture envelope rather than a payload."""
    return (
        isinstance(obj, dict)
        and "v" in obj
        and "received_at" in obj
        and ("body" in obj or "body_base64" in obj)
    )


def envelope_record(
    obj: dict[str, Any],
    *,
    source: str,
    line: int | None = None,
    index: int | None = None,
    max_body: int = MAX_BODY,
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
    try:
        decoded = decode(stored_body(obj, max_body))
    except (binascii.Error, ValueError) as exc:  # DecodeError and BodyError are ValueErrors
        return replace(base, event=event, problem=f"envelope body: {exc}")
    return replace(base, payload=decoded.value, event=event, notes=notes + decoded.notes)


def stored_body(obj: dict[str, Any], max_body: int = MAX_BODY) -> bytes:
    """The body as it was delivered, content codings undone; raises BodyError, binascii.Error.

    `body_decoded` lists the codings the writer undid before storing the body; the headers keep
    what was received. An envelope without it may come from `listen` 0.1.0, which stored the
    decoded body but kept `Content-Encoding`: a body that does not decode is then read as is.
    """
    raw = body_bytes(obj)
    headers = obj.get("headers")
    if isinstance(obj.get("body_decoded"), list) or not isinstance(headers, dict):
        headers = {}
    try:
        return decode_body(raw, headers, max_body)
    except BodyError:
        if len(raw) > max_body:
            raise BodyError(over("the body", max_body)) from None
        if raw.lstrip()[:1] in (b"{", b"["):
            return raw  # written by listen 0.1.0: already decoded
        raise
