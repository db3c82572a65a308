"""Content codings (gzip, deflate) undone with a bound: a compression bomb stops at the limit.

Shared by the offline readers (HTTP dumps, capture envelopes, `validate_body`) and `listen`.
"""

from __future__ import annotations

import zlib

from toolkit.inputs.limits import MAX_BODY

_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
CODINGS = tuple(_WBITS)
"""The content codings that can be undone."""


class TooLargeError(ValueError):
    """The (decompressed) body exceeds the limit."""


class UnsupportedEncodingError(ValueError):
    """A content coding that is not decoded (the message is the coding)."""


class CorruptEncodingError(ValueError):
    """A compressed body that does not decompress."""


def codings(content_encoding: str | None) -> list[str]:
    """The codings to undo, outermost last; raises UnsupportedEncodingError for unknown ones."""
    found = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    found = [c for c in found if c != "identity"]
    for coding in found:
        if coding not in _WBITS:
            raise UnsupportedEncodingError(coding)
    return found


def decompress(body: bytes, applied: list[str], limit: int = MAX_BODY) -> bytes:
    """Undo content codings, never producing more than `limit` bytes.

    `deflate` is zlib-wrapped by the standard; raw deflate, which some clients send, is accepted
    too. Raises TooLargeError, CorruptEncodingError.
    """
    for coding in reversed(applied):
        try:
            body = _inflate(body, _WBITS[coding], limit)
        except CorruptEncodingError:
            if coding != "deflate":
                raise
            body = _inflate(body, -zlib.MAX_WBITS, limit)
    return body


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    decoder = zlib.decompressobj(wbits)
    try:
        out = decoder.decompress(body, limit + 1)
        if len(out) > limit or decoder.unconsumed_tail:
            raise TooLargeError(f"decompressed body exceeds {limit} bytes")
        out += decoder.flush()
    except zlib.error as exc:
        raise CorruptEncodingError(str(exc)) from exc
    if len(out) > limit:
        raise TooLargeError(f"decompressed body exceeds {limit} bytes")
    if not decoder.eof:
        raise CorruptEncodingError("truncated stream")
    return out
