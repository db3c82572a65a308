"""NDJSON / JSON Lines: one payload (or one capture envelope) per line, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.fuzzline import fuzz_line
from toolkit.inputs.limits import MAX_BODY, over
from toolkit.inputs.record import Record
from toolkit.inputs.wrapped import unwrap_record


class LineSource(Protocol):
    """Anything with a binary `readline(limit)` (a file, a socket file, a wrapper)."""

    def readline(self, limit: int = -1, /) -> bytes: ...


MAX_LINE = MAX_BODY
"""A longer line is reported and skipped, so memory stays bounded."""


def long_line(source: str, line: int, limit: int) -> Record:
    """The Record for a line over the limit, which was skipped without being held."""
    return Record(source, line=line, format="ndjson", problem=over("the line", limit) + "; skipped")


def ndjson_records(
    stream: LineSource,
    source: str,
    *,
    allow_comments: bool = False,
    envelopes_only: bool = False,
    first_line: int = 1,
    max_line: int = MAX_LINE,
) -> Iterator[Record]:
    """One Record per non-blank line; errors name the line. Reads one line at a time, and a
    line longer than `max_line` bytes is reported and skipped without being held."""
    lineno = first_line - 1
    step = min(max_line, 1 << 20)
    while True:
        raw = stream.readline(max_line + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_line and not raw.endswith(b"\n"):
            while (rest := stream.readline(step)) and not rest.endswith(b"\n"):
                pass
            yield long_line(source, lineno, max_line)
            continue
        record = line_record(
            raw,
            source,
            lineno,
            allow_comments=allow_comments,
            envelopes_only=envelopes_only,
            max_body=max_line,
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
    cut_short: bool | None = None,
    max_body: int = MAX_BODY,
) -> Record | None:
    """The Record for one NDJSON line, or None for a blank line.

    `cut_short`: whether this is a last line without a newline (by default: `raw` does not end
    with one); only then is a truncated value blamed on the end of the file.
    """
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
        if cut_short is None:
            cut_short = not raw.endswith(b"\n")
        if problem.startswith("truncated") and cut_short:
            problem += "; the last line is cut short"
        return Record(source, line=lineno, format="ndjson", problem=problem)
    value = decoded.value
    if isinstance(value, dict) and "received_at" in value:  # perhaps a capture envelope
        from toolkit.inputs.envelopes import envelope_record, is_envelope

        if is_envelope(value):
            return unwrap_record(
                envelope_record(value, source=source, line=lineno, max_body=max_body)
            )
    if envelopes_only:
        return Record(source, line=lineno, format="envelope", problem="not a capture envelope")
    if isinstance(value, dict) and "payload" in value:
        carried = fuzz_line(value)
        if carried is not None:  # `quay-contract fuzz` output: its event is pinned
            payload, event = carried
            return Record(
                source,
                payload,
                line=lineno,
                format="ndjson",
                event=event,
                notes=decoded.notes,
                text=raw,
                prefix=("payload",),
                line_base=lineno,
            )
    return unwrap_record(
        Record(
            source,
            value,
            line=lineno,
            format="ndjson",
            notes=decoded.notes,
            text=raw,
            line_base=lineno,
        )
    )
