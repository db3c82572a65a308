"""Writing capture envelopes: one recorded delivery per NDJSON line, secrets redacted.

The format itself (version, schema, reading a body back) is `toolkit.inputs.envelopes`.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from toolkit.inputs.envelopes import REDACTED, VERSION, body_bytes, is_envelope, schema

__all__ = [
    "REDACTED",
    "VERSION",
    "body_bytes",
    "is_envelope",
    "is_secret_name",
    "make",
    "redact_headers",
    "redact_path",
    "redact_urls",
    "schema",
]

# Which names carry secrets. Built from well-kept sources: Sentry's SDK denylist (sentry_sdk/
# scrubber.py DEFAULT_DENYLIST, taken from Sentry Relay's default rules), the headers urllib3
# drops on a redirect (Retry.DEFAULT_REMOVE_HEADERS_ON_REDIRECT), OAuth 2.0 (RFC 6749, RFC 7521,
# OpenID Connect), signed URLs (AWS SigV4/SigV2, Google Cloud Storage, Azure SAS, CloudFront),
# webhook signature headers (GitHub, GitLab, Slack, Stripe, Twilio, Shopify) and the OWASP
# Logging Cheat Sheet. tests/data/redaction/names.json is the table that tests hold this to.
SECRET_STEMS = re.compile(
    r"passw|passphrase|pwd|secret|token|bearer|jwt|credential|signature|hmac|cookie|session|"
    r"sessid|csrf|xsrf|assertion|verifier|authoriz|authent|auth(?!or)|apikey|privatekey|"
    r"accesskey|secretkey|signingkey|accountkey|subscriptionkey|functionskey"
)
"""Matched anywhere in a name, lowercased with separators removed (`X-Api-Key` -> `xapikey`)."""
SECRET_NAMES = frozenset({"key", "sig", "code", "pass", "otp", "sid", "connect.sid", "symfony"})
"""Names too short or too common to match inside others (`key`, but not `Idempotency-Key`)."""
_SEPARATORS = re.compile(r"[^a-z0-9]")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]+@")
"""`scheme://user:password@`: the userinfo of a URL anywhere in a string (RFC 3986 3.2.1)."""


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a header or query-parameter name (case-insensitive) carries a secret value."""
    lowered = name.strip().lower()
    return lowered in SECRET_NAMES or bool(SECRET_STEMS.search(_SEPARATORS.sub("", lowered)))


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Replace the values of secret-bearing headers, and secrets in URLs in the others."""
    return {k: (REDACTED if is_secret_name(k) else redact_urls(v)) for k, v in headers.items()}


def redact_urls(text: str) -> str:
    """`text` with the userinfo (user and password) of every URL in it replaced.

    A URL-shaped value (a Referer, a Location) also loses its secret query values.
    """
    if "://" not in text:  # the common case, and a cheap test: no URL, nothing to redact
        return text
    text = _USERINFO.sub(_userinfo, text)
    if "?" in text and not any(c.isspace() for c in text):
        return redact_path(text)
    return text


def _userinfo(match: re.Match[str]) -> str:
    return f"{match.group(1)}{REDACTED}@"


def redact_path(path: str) -> str:
    """Redact a request path or URL: secret query values (`?token=`), userinfo, nested URLs."""
    base, sep, query = path.partition("?")
    if "://" in base:
        base = _USERINFO.sub(_userinfo, base)
    if not sep:
        return base
    parts = []
    for item in query.split("&"):
        name, eq, value = item.partition("=")
        if eq and is_secret_name(unquote_plus(name)):
            item = f"{name}={REDACTED}"
        elif eq and _USERINFO.search(value):
            item = f"{name}={_USERINFO.sub(_userinfo, value)}"
        elif eq and _USERINFO.search(unquote_plus(value)):
            item = f"{name}={REDACTED}"  # an encoded URL with a userinfo: the whole value
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
