"""Request-body checks: media type and bounded decoding of compressed bodies."""

from __future__ import annotations

import zlib

JSON_TYPES = frozenset({"application/json", "text/json"})
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class TooLargeError(ValueError):
    """The (decompressed) body exceeds the limit."""


class UnsupportedEncodingError(ValueError):
    """A content coding the recorder does not decode."""


class CorruptEncodingError(ValueError):
    """A compressed body that does not decompress."""


def is_json_type(content_type: str | None) -> bool:
    """Whether a Content-Type names JSON (`application/json`, `application/*+json`)."""
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in JSON_TYPES or (mime.startswith("application/") and mime.endswith("+json"))


def check_encoding(content_encoding: str | None) -> list[str]:
    """The codings to undo, outermost last; raises UnsupportedEncodingError for unknown ones."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    for coding in codings:
        if coding not in _DECODERS:
            raise UnsupportedEncodingError(coding)
    return codings


def decode(body: bytes, codings: list[str], limit: int) -> bytes:
    """Undo content codings, never producing more than `limit` bytes (a gzip bomb stops early)."""
    for coding in reversed(codings):
        decoder = zlib.decompressobj(_DECODERS[coding])
        try:
            out = decoder.decompress(body, limit + 1)
            if len(out) > limit or decoder.unconsumed_tail:
                raise TooLargeError(f"decompressed body exceeds {limit} bytes")
            out += decoder.flush()
        except zlib.error as exc:
            raise CorruptEncodingError(f"{coding}: {exc}") from exc
        if len(out) > limit:
            raise TooLargeError(f"decompressed body exceeds {limit} bytes")
        if not decoder.eof:
            raise CorruptEncodingError(f"{coding}: truncated stream")
        body = out
    return body
