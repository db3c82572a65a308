"""Writing capture envelopes: one recorded delivery per NDJSON line, secrets redacted.

The format itself (version, schema, reading a body back) is `toolkit.inputs.envelopes`.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from toolkit.inputs.envelopes import REDACTED, VERSION, body_bytes, is_envelope, schema

__all__ = [
    "REDACTED",
    "VERSION",
    "body_bytes",
    "is_envelope",
    "make",
    "redact_headers",
    "redact_path",
    "schema",
]

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"}
)

SECRET_QUERY_KEYS = re.compile(
    r"(?i)^(?:.*token.*|.*secret.*|.*passw(?:or)?d.*|.*api[-_]?key.*|key|auth|authorization|"
    r"sig|signature|code|credentials?|session(?:id)?|jwt)$"
)


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
    decoded: list[str] | None = None,
) -> dict[str, Any]:
    """Build one envelope record; the body is kept as text, or base64 when not UTF-8.

    `decoded`: the content codings already undone on `body` (the headers say what was
    received); recorded as `body_decoded` so that readers do not undo them twice.
    """
    try:
        text: str | None = body.decode("utf-8")
        b64: str | None = None
    except UnicodeDecodeError:
        text, b64 = None, base64.b64encode(body).decode("ascii")
    when = (received_at or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    record = {
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
    if decoded:
        record["body_decoded"] = list(decoded)
    return record
