"""The readers behind `toolkit.inputs`: every capture format becomes a stream of Records.

Formats are recognised by extension and content, or forced with `input_format`:
`json` (one payload or an array), `ndjson` (one per line; capture envelopes too), `har`,
`http` (raw request dumps, chunked/gzip bodies), `envelope` (capture-envelope NDJSON), and
`parquet` / `arrow` (one payload per row, in a body column). Paths may be fsspec URLs
(`s3://`, `gs://`, `az://`, `https://`) and files may be compressed (`.gz`, `.zst` ...): see
`storage`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO

from toolkit.inputs.columnar import BODY_COLUMN, table_format, table_records
from toolkit.inputs.decode import BOM
from toolkit.inputs.limits import MAX_BODY, SNIFF_BYTES
from toolkit.inputs.paths import STDIN, Selection, display, expand
from toolkit.inputs.record import FORMATS, Record
from toolkit.inputs.storage import open_input, plain_name

__all__ = [
    "FORMATS",
    "MAX_BODY",
    "SNIFF_BYTES",
    "Record",
    "Selection",
    "expand",
    "read",
    "read_paths",
    "read_stream",
    "sniff",
]

_EXTENSIONS = {
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".jsonlines": "ndjson",
    ".har": "har",
    ".http": "http",
    ".req": "http",
    ".dump": "http",
}


def sniff(name: str, head: bytes) -> str:
    """The input format of a file, from its extension (a compression suffix aside) and its
    first bytes."""
    name = plain_name(name)
    table = table_format(name)
    if table is not None:
        return table
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "arrow"
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot > name.rfind("/") else ""
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    body = head.removeprefix(BOM).lstrip()
    if body[:1].isupper():
        from toolkit.inputs.httpdump import looks_like_http

        if looks_like_http(body):
            return "http"
    if body.startswith(b"{"):
        end = body.find(b"\n")
        first = body[:end].rstrip()
        if end > 0 and first.endswith(b"}") and body[end:].strip() and _parses(first):
            return "ndjson"
    return "json"


def _parses(line: bytes) -> bool:
    import orjson

    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def read_paths(
    paths: Iterable[str],
    *,
    input_format: str | None = None,
    allow_comments: bool = False,
    max_body: int = MAX_BODY,
    selection: Selection | None = None,
    body_column: str = BODY_COLUMN,
) -> Iterator[Record]:
    """Records from every file the PATH arguments name (see `paths.expand`)."""
    for path in expand(paths, selection):
        yield from read(
            path,
            input_format=input_format,
            allow_comments=allow_comments,
            max_body=max_body,
            body_column=body_column,
        )


def read(
    path: str,
    *,
    input_format: str | None = None,
    allow_comments: bool = False,
    max_body: int = MAX_BODY,
    body_column: str = BODY_COLUMN,
) -> Iterator[Record]:
    """Records from one file, URL (see `storage`) or `-` for stdin. Unreadable input yields a
    Record with a problem; a URL whose filesystem library is missing raises MissingExtra."""
    source = display(path)
    try:
        stream: IO[bytes] = sys.stdin.buffer if path == STDIN else open_input(path)
    except IsADirectoryError:
        yield Record(source, problem=directory_problem(path))
        return
    except OSError as exc:
        yield Record(source, problem=open_problem(path, exc))
        return
    try:
        fmt = input_format or table_format(plain_name(path))
        if fmt in ("parquet", "arrow"):
            yield from table_records(stream, source, fmt, body_column)
            return
        head = stream.read(SNIFF_BYTES)
        fmt = fmt or sniff(path, head)
        if fmt in ("parquet", "arrow"):
            stream.seek(0)
            yield from table_records(stream, source, fmt, body_column)
            return
        yield from read_stream(stream, head, source, path, fmt, allow_comments, max_body=max_body)
    except OSError as exc:  # a compressed file's corrupt data is an OSError too (storage)
        yield Record(source, problem=f"cannot read: {reason(exc)}")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def directory_problem(path: str) -> str:
    """Why a directory gave no input: it cannot be listed, or it holds no input file."""
    try:
        with os.scandir(path):
            pass
    except OSError as exc:
        return f"cannot list this directory: {exc.strerror}"
    return (
        "no input files in this directory (files are read by name: .json, .ndjson, .jsonl, "
        ".har, .http ..., or when they start like JSON or an HTTP request; --include GLOB "
        "reads others)"
    )


def open_problem(path: str, exc: OSError) -> str:
    """Why a path cannot be opened, saying so when it is a glob that matched nothing."""
    import glob

    if isinstance(exc, FileNotFoundError) and glob.has_magic(path):
        return "no file matches this pattern"
    return f"cannot open: {reason(exc)}"


def reason(exc: BaseException) -> str:
    """What an I/O error says, without its class name (object stores' errors carry no
    strerror)."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def read_stream(
    stream: IO[bytes],
    head: bytes,
    source: str,
    path: str,
    fmt: str | None = None,
    allow_comments: bool = False,
    *,
    max_body: int = MAX_BODY,
) -> Iterator[Record]:
    """Records from an open stream whose first bytes (`head`, for sniffing) were already read.

    NDJSON is streamed a line at a time; any other document is read whole, up to `max_body`
    bytes (a larger one is reported without reading the rest).
    """
    from toolkit.inputs.jsondoc import document_records, too_large
    from toolkit.inputs.ndjson import ndjson_records

    fmt = fmt or sniff(path, head)
    if fmt in ("ndjson", "envelope"):
        yield from ndjson_records(
            _Prefixed(head, stream),
            source,
            allow_comments=allow_comments,
            envelopes_only=fmt == "envelope",
            max_line=max_body,
        )
        return
    data = head if len(head) < SNIFF_BYTES else head + stream.read(max_body + 1 - len(head))
    if len(data) > max_body:
        yield too_large(_size(stream), source, max_body)
        return
    from toolkit.inputs.wrapped import unwrap_record

    if fmt == "http":
        records = _http_records(data, source, allow_comments, max_body)
    else:
        har_only = fmt == "har"
        records = document_records(
            data, source, allow_comments=allow_comments, har_only=har_only, max_body=max_body
        )
    for record in records:
        yield unwrap_record(record)


def _size(stream: IO[bytes]) -> int | None:
    """The size of a regular file; None for pipes and other streams (decompressed, remote)."""
    try:
        return os.fstat(stream.fileno()).st_size or None
    except (OSError, ValueError, AttributeError):
        return None


def _http_records(
    data: bytes, source: str, allow_comments: bool, max_body: int
) -> Iterator[Record]:
    from toolkit.inputs.decode import DecodeError, decode
    from toolkit.inputs.httpdump import event_from_path, requests

    found = False
    for index, req in enumerate(requests(data, max_body)):
        found = True
        event = event_from_path(req.target) if req.target else None
        base = Record(source, line=req.line, index=index, format="http", event=event)
        if req.problem:
            yield replace(base, problem=req.problem)
            continue
        try:
            decoded = decode(req.body, allow_comments=allow_comments)
        except DecodeError as exc:
            yield replace(base, problem=f"request body: {exc}")
            continue
        yield replace(
            base,
            payload=decoded.value,
            notes=decoded.notes,
            text=decoded.text,
            line_base=req.body_line,
        )
    if not found:
        yield Record(source, format="http", problem="empty: no HTTP request")


class _Prefixed:
    """A binary stream with bytes already read put back in front (readline only)."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def readline(self, limit: int = -1, /) -> bytes:
        if not self._head:
            return self._stream.readline(limit)
        end = self._head.find(b"\n") + 1
        if end == 0:  # the buffered part ends inside a line
            line, self._head = self._head, b""
            if limit >= 0 and len(line) >= limit:
                self._head = line[limit:]
                return line[:limit]
            return line + self._stream.readline(limit - len(line) if limit >= 0 else -1)
        if 0 <= limit < end:
            end = limit
        line, self._head = self._head[:end], self._head[end:]
        return line
