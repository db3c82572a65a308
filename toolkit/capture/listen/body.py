"""Request-body checks, shared with `toolkit.receive` through `toolkit.inputs.request` (the media
type) and `toolkit.inputs.encoding` (content codings undone with the same bound as every reader)."""

from __future__ import annotations

from toolkit.inputs.encoding import (
    CorruptEncodingError,
    TooLargeError,
    UnsupportedEncodingError,
)
from toolkit.inputs.encoding import codings as check_encoding
from toolkit.inputs.encoding import decompress as decode
from toolkit.inputs.request import JSON_TYPES, is_json_type

__all__ = [
    "JSON_TYPES",
    "CorruptEncodingError",
    "TooLargeError",
    "UnsupportedEncodingError",
    "check_encoding",
    "decode",
    "is_json_type",
]
