"""The capture envelope: one recorded webhook delivery per NDJSON line (schema in formats/)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

import orjson

VERSION = 1
REDACTED = "[REDACTED]"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"}
)

SECRET_QUERY_KEYS = re.compile(
    r"(?i)^(?:.*token.*|.*secret.*|.*passw(?:or)?d.*|.*api[-_]?key.*|key|auth|authorization|"
    r"sig|signature|code|credentials?|session(?:id)?|jwt)$"
)


def schema() -> dict[str, Any]:
    """The envelope's JSON Schema."""
    from importlib import resources

    text = resources.files("toolkit").joinpath("formats/capture-envelope.schema.json").read_bytes()
    data = orjson.loads(text)
    assert isinstance(data, dict)
    return data


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Replace the values of secret-bearing headers."""
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def redact_path(path: str) -> str:
    """Replace the values of secret-looking query parameters (`?token=...`, `api_key=...`)."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    parts = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        if eq and SECRET_QUERY_KEYS.match(unquote_plus(name)):
            item = f"{name}={REDACTED}"
        parts.append(item)
    return f"{base}?{'&'.join(parts)}"


def make(
    *,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    remote: str | None = None,
    event: str | None = None,
    verdict: dict[str, Any] | None = None,
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """Build one envelope record; the body is kept as text, or base64 when not UTF-8."""
    try:
        text: str | None = body.decode("utf-8")
        b64: str | None = None
    except UnicodeDecodeError:
        text, b64 = None, base64.b64encode(body).decode("ascii")
    when = (received_at or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    return {
        "v": VERSION,
        "received_at": when,
        "remote": remote,
        "method": method,
        "path": redact_path(path),
        "headers": redact_headers(headers),
        "event": event,
        "body": text,
        "body_base64": b64,
        "verdict": verdict,
    }


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
