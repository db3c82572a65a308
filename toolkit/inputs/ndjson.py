"""NDJSON / JSON Lines: one payload (or one capture envelope) per line, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.record import Record


class LineSource(Protocol):
    """Anything with a binary `readline(limit)` (a file, a socket file, a wrapper)."""

    def readline(self, limit: int = -1, /) -> bytes: ...


MAX_LINE = 64 * 1024 * 1024
"""A longer line is reported and skipped, so memory stays bounded."""


def ndjson_records(
    stream: LineSource,
    source: str,
    *,
    allow_comments: bool = False,
    envelopes_only: bool = False,
    first_line: int = 1,
) -> Iterator[Record]:
    """One Record per non-blank line; errors name the line. Reads one line at a time."""
    lineno = first_line - 1
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
            yield Record(
                source,
                line=lineno,
                format="ndjson",
                problem=f"line longer than {MAX_LINE // 2**20} MiB; skipped",
            )
            continue
        record = line_record(
            raw, source, lineno, allow_comments=allow_comments, envelopes_only=envelopes_only
        )
        if record is not None:
            yield record


def line_record(
    raw: bytes,
    source: str,
    lineno: int,
    *,
    allow_comments: bool = False,
    envelopes_only: bool = False,
    check_duplicates: bool = True,
) -> Record | None:
    """The Record for one NDJSON line, or None for a blank line."""
    if not raw.strip():
        return None
    try:
        decoded = decode(
            raw.rstrip(b"\r\n"), allow_comments=allow_comments, check_duplicates=check_duplicates
        )
    except DecodeError as exc:
        problem = (
            str(exc).replace("at line 1 column", "at column").replace("(line 1 column", "(column")
        )
        if problem.startswith("truncated") and not raw.endswith(b"\n"):
            problem += "; the last line is cut short"
        return Record(source, line=lineno, format="ndjson", problem=problem)
    value = decoded.value
    if isinstance(value, dict) and "received_at" in value:  # perhaps a capture envelope
        from toolkit.inputs.envelopes import envelope_record, is_envelope

        if is_envelope(value):
            return envelope_record(value, source=source, line=lineno)
    if envelopes_only:
        return Record(source, line=lineno, format="envelope", problem="not a capture envelope")
    return Record(
        source, value, line=lineno, format="ndjson", notes=decoded.notes, text=raw, line_base=lineno
    )
