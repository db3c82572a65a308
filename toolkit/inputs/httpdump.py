"""Raw HTTP request dumps, as `nc -l` or a request bin saves them: request line, headers, body.

Bodies may be chunked (`Transfer-Encoding: chunked`) and compressed (`Content-Encoding: gzip`
or `deflate`). A file may hold several requests one after another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from toolkit.contract.registry import EVENTS
from toolkit.inputs import encoding
from toolkit.inputs.limits import MAX_BODY, over

REQUEST_LINE = re.compile(rb"[A-Z]{3,10} \S+ HTTP/\d(?:\.\d)?\r?\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")


class BodyError(ValueError):
    """A request whose body cannot be recovered (bad chunking, bad gzip, short body)."""


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request found in a dump."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    line: int
    """1-based line of the request line."""
    body_line: int
    """1-based line on which the body starts."""
    problem: str | None = None


def looks_like_http(head: bytes) -> bool:
    """Whether bytes start with an HTTP request line."""
    return REQUEST_LINE.match(head.lstrip(b"\r\n")) is not None


def requests(data: bytes, limit: int = MAX_BODY) -> Iterator[Request]:
    """Every request in a dump, in order; a request that cannot be read carries a problem.

    A body (de-chunked, then decompressed) larger than `limit` bytes is a problem too.
    """
    pos = 0
    while True:
        while data.startswith((b"\r\n", b"\n"), pos):
            pos += 1 if data[pos : pos + 1] == b"\n" else 2
        if pos >= len(data):
            return
        line = data.count(b"\n", 0, pos) + 1
        match = REQUEST_LINE.match(data, pos)
        end = _HEAD_END.search(data, pos)
        if match is None or end is None:
            what = "no HTTP request line" if match is None else "headers never end"
            yield Request(
                "", "", {}, b"", line, line, f"not an HTTP request: {what} at line {line}"
            )
            return
        method, target = match.group().split()[:2]
        headers = _headers(data[match.end() : end.start()])
        body_start = end.end()
        body_line = data.count(b"\n", 0, body_start) + 1
        try:
            body, pos = _body(data, body_start, headers, limit)
            body = decode_body(body, headers, limit)
        except BodyError as exc:
            yield Request(method.decode(), target.decode(), headers, b"", line, body_line, str(exc))
            return
        yield Request(method.decode(), target.decode("latin-1"), headers, body, line, body_line)


def _headers(block: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in block.splitlines():
        name, sep, value = raw.decode("latin-1").partition(":")
        if sep:
            out[name.strip()] = value.strip()
    return out


def _get(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def _body(data: bytes, start: int, headers: Mapping[str, str], limit: int) -> tuple[bytes, int]:
    if "chunked" in _get(headers, "transfer-encoding").lower():
        return _dechunk(data, start, limit)
    length = _get(headers, "content-length")
    if length:
        if not length.isdigit():
            raise BodyError(f"bad Content-Length {length!r}")
        n = int(length)
        body = data[start : start + n]
        if len(body) < n:
            raise BodyError(f"truncated body: Content-Length is {n}, only {len(body)} bytes follow")
        return body, start + n
    nxt = REQUEST_LINE.search(data, start)
    end = nxt.start() if nxt else len(data)
    return data[start:end].rstrip(b"\r\n"), end


def _dechunk(data: bytes, pos: int, limit: int) -> tuple[bytes, int]:
    """A chunked body (RFC 9112 7.1): each chunk a hex size line, the data and CRLF; a 0 ends it.

    Every malformed body is a BodyError: a size that is not hex digits (`-5`, `0x10`, `1_0`),
    a chunk shorter than its size, a missing final chunk. Each chunk moves forward.
    """
    parts: list[bytes] = []
    total = 0
    while True:
        eol = data.find(b"\n", pos)
        if eol < 0:
            raise BodyError("truncated chunked body: missing the final 0-size chunk")
        size_text = data[pos:eol].split(b";")[0].strip()
        if _CHUNK_SIZE.fullmatch(size_text) is None:
            raise BodyError(f"bad chunk size {size_text[:20]!r} in chunked body")
        size = int(size_text, 16)
        total += size
        if total > limit:
            raise BodyError(over("the chunked body", limit))
        pos = eol + 1
        if size == 0:
            while True:  # trailers, up to an empty line
                eol = data.find(b"\n", pos)
                if eol < 0 or not data[pos:eol].strip():
                    return b"".join(parts), len(data) if eol < 0 else eol + 1
                pos = eol + 1
        chunk = data[pos : pos + size]
        if len(chunk) < size:
            raise BodyError(f"truncated chunked body: a {size}-byte chunk has {len(chunk)}")
        parts.append(chunk)
        pos += size
        pos += 2 if data.startswith(b"\r\n", pos) else 1 if data.startswith(b"\n", pos) else 0


def decode_body(body: bytes, headers: Mapping[str, str], limit: int = MAX_BODY) -> bytes:
    """Undo `Content-Encoding` (gzip, deflate), producing at most `limit` bytes; other codings,
    corrupt data and bodies over the limit are BodyErrors."""
    header = _get(headers, "content-encoding")
    try:
        applied = encoding.codings(header)
        if not applied and len(body) > limit:
            raise encoding.TooLargeError(header)
        return encoding.decompress(body, applied, limit)
    except encoding.UnsupportedEncodingError as exc:
        raise BodyError(
            f"Content-Encoding {str(exc)!r} is not supported (gzip, deflate are)"
        ) from None
    except encoding.TooLargeError:
        raise BodyError(
            over("the body" + (" after decompression" if header else ""), limit)
        ) from None
    except encoding.CorruptEncodingError as exc:
        raise BodyError(f"Content-Encoding {header.strip()}: cannot decompress ({exc})") from None


def event_from_path(target: str) -> str | None:
    """The event a webhook URL names, e.g. `/quay/build_success` -> `build_success`.

    Any string is accepted: a URL that does not parse (`http://[::1/quay/...`) is read as a path.
    """
    try:
        path = urlsplit(target).path
    except ValueError:
        path = target.split("?", 1)[0].split("#", 1)[0]
    for segment in reversed(path.strip("/").split("/")):
        if segment in EVENTS:
            return segment
    return None
