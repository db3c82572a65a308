"""The checks every webhook receiver makes on a request body, and what to answer when one fails.

Shared by `listen` and `toolkit.receive`, so both refuse the same requests with the same status:
a media type that is not JSON (415), a content coding that cannot be undone (415), a body over the
limit before or after decompression (413), a compressed body that does not decompress (400) and a
body that is not JSON (400). Quay itself sends none of these: it always POSTs `json.dumps` output
with `Content-type: application/json` and no content coding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.inputs.encoding import (
    CorruptEncodingError,
    TooLargeError,
    UnsupportedEncodingError,
    codings,
    decompress,
)
from toolkit.inputs.limits import LISTEN_MAX_BODY, size

JSON_TYPES = frozenset({"application/json", "text/json"})


class RequestBodyError(ValueError):
    """A request the receiver refuses before any verdict: `status` is the HTTP answer."""

    def __init__(self, status: int, message: str, *, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.close = close
        """The connection should be closed (the rest of the body is not read)."""


def is_json_type(content_type: str | None) -> bool:
    """Whether a Content-Type names JSON (`application/json`, `application/*+json`)."""
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in JSON_TYPES or (mime.startswith("application/") and mime.endswith("+json"))


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the casing of its name (Quay writes `Content-type`)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def precheck(headers: Mapping[str, str], limit: int = LISTEN_MAX_BODY) -> list[str]:
    """Check the headers before reading the body; the content codings to undo.

    Raises RequestBodyError: 415 for a media type that is not JSON or an unknown content coding,
    413 when Content-Length is over `limit`.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    if not is_json_type(lowered.get("content-type")):
        raise RequestBodyError(415, "Content-Type must be application/json")
    try:
        found = codings(lowered.get("content-encoding"))
    except UnsupportedEncodingError as exc:
        raise RequestBodyError(415, f"unsupported Content-Encoding {exc}", close=True) from None
    length = lowered.get("content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        raise RequestBodyError(413, f"body larger than {size(limit)}", close=True)
    return found


def body_bytes(raw: bytes, applied: list[str], limit: int = LISTEN_MAX_BODY) -> bytes:
    """The body with its content codings undone, never more than `limit` bytes.

    Raises RequestBodyError: 413 over the limit (before or after decompression), 400 for a
    compressed body that does not decompress.
    """
    if len(raw) > limit:
        raise RequestBodyError(413, f"body larger than {size(limit)}", close=True)
    try:
        return decompress(raw, applied, limit)
    except TooLargeError:
        raise RequestBodyError(413, f"body larger than {size(limit)}", close=True) from None
    except CorruptEncodingError as exc:
        raise RequestBodyError(400, f"body does not decompress: {exc}") from None


def json_value(data: bytes) -> Any:
    """The body's JSON value, read as every reader reads it; RequestBodyError 400 otherwise."""
    from toolkit.inputs.decode import DecodeError, decode

    try:
        return decode(data, check_duplicates=False).value
    except DecodeError as exc:
        raise RequestBodyError(400, f"body is not readable JSON: {exc}") from None


@dataclass(frozen=True)
class Body:
    """A request body that passed every check: its bytes (decoded) and JSON value."""

    data: bytes
    payload: Any
    decoded: tuple[str, ...]
    """The content codings that were undone."""


def read(headers: Mapping[str, str], raw: bytes, limit: int = LISTEN_MAX_BODY) -> Body:
    """Every check in order, for a body already read (at most `limit + 1` bytes of it)."""
    applied = precheck(headers, limit)
    data = body_bytes(raw, applied, limit)
    return Body(data, json_value(data), tuple(applied))
