"""JSON documents: one payload, an array of payloads, a HAR file, or envelopes."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.inputs.decode import DecodeError, decode
from toolkit.inputs.envelopes import envelope_record, is_envelope
from toolkit.inputs.fuzzline import fuzz_line
from toolkit.inputs.har import har_records, is_har
from toolkit.inputs.limits import MAX_BODY, over
from toolkit.inputs.record import Record

MAX_DOCUMENT = MAX_BODY
"""Larger single documents are refused (NDJSON is streamed whatever its size)."""


def document_records(
    data: bytes,
    source: str,
    *,
    allow_comments: bool = False,
    har_only: bool = False,
    max_body: int = MAX_BODY,
) -> Iterator[Record]:
    """Records of one JSON document; arrays yield one per element, with its index."""
    try:
        decoded = decode(data, allow_comments=allow_comments)
    except DecodeError as exc:
        yield Record(source, format="har" if har_only else "json", problem=str(exc))
        return
    value, notes, text = decoded.value, decoded.notes, decoded.text
    if is_har(value):
        yield from har_records(value, source, allow_comments=allow_comments)
        return
    if har_only:
        yield Record(source, format="har", problem="not a HAR file (no log.entries)")
        return
    if isinstance(value, list):
        if not value:
            yield Record(source, format="json", problem="an empty array: no payloads")
        for index, item in enumerate(value):
            if is_envelope(item):
                yield envelope_record(item, source=source, index=index, max_body=max_body)
            else:
                first = notes if index == 0 else ()
                yield Record(source, item, index=index, notes=first, text=text, prefix=(index,))
        return
    if is_envelope(value):
        yield envelope_record(value, source=source, max_body=max_body)
        return
    carried = fuzz_line(value)
    if carried is not None:  # one line of `quay-contract fuzz` output: its event is pinned
        yield Record(
            source, carried[0], event=carried[1], notes=notes, text=text, prefix=("payload",)
        )
        return
    yield Record(source, value, notes=notes, text=text)


def too_large(size: int | None, source: str, limit: int = MAX_BODY) -> Record:
    """The Record for a document too large to load (`size` in bytes, when known)."""
    what = "the document" if size is None else f"the document ({size / 2**20:,.0f} MiB)"
    return Record(
        source,
        problem=(
            f"{over(what, limit)}; or write one payload per line (NDJSON), which is streamed "
            "whatever the file's size"
        ),
    )
