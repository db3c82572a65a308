"""The NDJSON hot loop: parse, detect, count; build Records and Verdicts only for the rest.

A valid line costs one orjson parse, a tuple of its keys (a cached route to its shape group)
and one compiled validation. Anything else (invalid, unreadable, envelopes, test notifications
worth reporting, strict mode) falls back to the general path in toolkit.verdict.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

import orjson

from toolkit.detect import detect
from toolkit.inputs.decode import may_repeat_keys
from toolkit.inputs.ndjson import MAX_LINE, line_record
from toolkit.verdict import check, reportable

if TYPE_CHECKING:
    from toolkit.runner import Batch, Options


def scan_lines(
    data: bytes, source: str, options: Options, batch: Batch, first_line: int = 1
) -> int:
    """Check every line of `data` into `batch`; returns the number of lines."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    fast = not (options.keep_all or options.strict or options.event or options.allow_comments)
    fast = fast and options.input_format != "envelope"
    passes = batch.passes
    loads = orjson.loads
    lineno = first_line - 1
    for raw in lines:
        lineno += 1
        if fast:
            try:
                obj = loads(raw)
            except orjson.JSONDecodeError:
                pass
            else:
                if type(obj) is dict and "received_at" not in obj:
                    found = detect(obj)
                    if found.candidates and not found.test_notification:
                        passes[(found.candidates, False)] += 1
                        continue
        record = line_record(
            raw,
            source,
            lineno,
            allow_comments=options.allow_comments,
            envelopes_only=options.input_format == "envelope",
        )
        if record is None:
            continue
        verdict = check(record, options.event, strict=options.strict)
        if options.keep_all or reportable(verdict):
            batch.verdicts.append(verdict)
        else:
            passes[(verdict.candidates, verdict.test_notification)] += 1
    return len(lines)


def passes_fast(data: bytes, source: str, options: Options, batch: Batch) -> bool:
    """Take a whole-file JSON payload that plainly passes; False sends it the general way.

    A pass is only counted, or (when every payload is listed) gets the very Verdict the general
    path would give it: one object, no notes, detected, not a test notification.
    """
    if options.strict or options.event or options.allow_comments:
        return False
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    if type(obj) is not dict or "received_at" in obj or "log" in obj:
        return False  # an envelope or a HAR file: the readers handle those
    found = detect(obj)
    if not found.candidates or found.test_notification or may_repeat_keys(data, obj):
        return False
    if options.keep_all:
        from toolkit.verdict import Verdict

        batch.verdicts.append(
            Verdict(source, event=found.event, candidates=found.candidates, valid=True)
        )
    else:
        batch.passes[(found.candidates, False)] += 1
    return True


def scan_stream(
    f: IO[bytes], head: bytes, source: str, options: Options, batch: Batch, chunk: int
) -> None:
    """Stream an NDJSON file through scan_lines, `chunk` bytes (whole lines) at a time."""
    from toolkit.verdict import Verdict

    line = 1
    data = head
    while True:
        data += f.read(max(chunk - len(data), 0))
        if not data:
            return
        if not data.endswith(b"\n"):
            tail = f.readline(MAX_LINE + 1)
            if len(tail) > MAX_LINE:
                batch.verdicts.append(
                    Verdict(source, line, format="ndjson", problem="line longer than 64 MiB")
                )
                return
            data += tail
        line += scan_lines(data, source, options, batch, line)
        data = b""
