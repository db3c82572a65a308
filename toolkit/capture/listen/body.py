"""Request-body checks: the media type. Content codings are undone by `toolkit.inputs.encoding`,
with the same bound as every other reader."""

from __future__ import annotations

from toolkit.inputs.encoding import (
    CorruptEncodingError,
    TooLargeError,
    UnsupportedEncodingError,
)
from toolkit.inputs.encoding import codings as check_encoding
from toolkit.inputs.encoding import decompress as decode

__all__ = [
    "JSON_TYPES",
    "CorruptEncodingError",
    "TooLargeError",
    "UnsupportedEncodingError",
    "check_encoding",
    "decode",
    "is_json_type",
]

JSON_TYPES = frozenset({"application/json", "text/json"})


def is_json_type(content_type: str | None) -> bool:
    """Whether a Content-Type names JSON (`application/json`, `application/*+json`)."""
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in JSON_TYPES or (mime.startswith("application/") and mime.endswith("+json"))
