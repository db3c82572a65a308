"""Parquet and Arrow files: one payload per row, its JSON text in a body column.

A capture archive kept as a table has one row per delivery: the body (text or bytes) in one
column (`body` unless named otherwise), and perhaps the capture envelope's other columns. A
table with the envelope's columns (`v`, `received_at`, `body` or `body_base64`, `headers`,
`path`, `event`) is read exactly as envelope NDJSON; otherwise an `event` or `path` column, when
present, pins the event as a capture's URL would. Rows are read in batches, so memory stays
flat whatever the file's size. Needs pyarrow (the `parquet` extra).

Every reader imports this module for `table_format`; what reading a table needs is imported
when a table is read, so checking a JSON file costs no import of the envelope and HTTP readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from toolkit.inputs.record import Record
from toolkit.inputs.storage import MissingExtra

BODY_COLUMN = "body"
TABLE_EXTENSIONS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".arrows": "arrow",
    ".ipc": "arrow",
}
ENVELOPE_COLUMNS = ("v", "received_at", "remote", "method", "path", "headers", "event")
ENVELOPE_BODIES = ("body", "body_base64")
ROWS_PER_BATCH = 8192


def table_format(name: str) -> str | None:
    """`parquet` or `arrow` when a file name says so, else None."""
    dot = name.rfind(".")
    if dot <= name.rfind("/"):
        return None
    return TABLE_EXTENSIONS.get(name[dot:].lower())


def table_records(
    stream: IO[bytes], source: str, fmt: str, body_column: str = BODY_COLUMN
) -> Iterator[Record]:
    """One Record per row of a Parquet or Arrow file (`index` = the row, from 0)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingExtra("Parquet and Arrow files", "parquet") from None
    try:
        columns, batches = _open_table(stream, fmt)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError and others for bad files
        yield Record(source, format=fmt, problem=f"not a readable {fmt} file: {exc}")
        return
    envelope = {"v", "received_at"} <= set(columns) and any(b in columns for b in ENVELOPE_BODIES)
    if envelope:
        wanted = [c for c in (*ENVELOPE_COLUMNS, *ENVELOPE_BODIES) if c in columns]
    elif body_column in columns:
        wanted = [c for c in (body_column, "event", "path") if c in columns]
    else:
        yield Record(
            source,
            format=fmt,
            problem=f"no column {body_column!r} holding the body (columns: "
            f"{', '.join(columns)}); name it with --body-column",
        )
        return
    row = 0
    try:
        for batch in batches(wanted):
            for values in batch.to_pylist():
                if envelope:
                    yield _envelope_row(values, source, row)
                else:
                    yield _body_row(values, body_column, source, row, fmt)
                row += 1
    except Exception as exc:  # a corrupt page halfway through
        yield Record(source, index=row, format=fmt, problem=f"cannot read row {row}: {exc}")


def _open_table(stream: IO[bytes], fmt: str) -> tuple[list[str], Any]:
    """The column names, and a function giving record batches of the wanted columns."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(stream)
        names = list(parquet.schema_arrow.names)
        return names, lambda wanted: parquet.iter_batches(ROWS_PER_BATCH, columns=wanted)
    import pyarrow as pa

    head = stream.read(6)
    stream.seek(0)
    reader = pa.ipc.open_file(stream) if head == b"ARROW1" else pa.ipc.open_stream(stream)
    names = list(reader.schema.names)

    def batches(wanted: list[str]) -> Iterator[Any]:
        if isinstance(reader, pa.ipc.RecordBatchFileReader):
            parts: Any = (reader.get_batch(i) for i in range(reader.num_record_batches))
        else:
            parts = reader
        for part in parts:
            yield part.select(wanted)

    return names, batches


def _envelope_row(values: dict[str, Any], source: str, row: int) -> Record:
    from toolkit.inputs.envelopes import envelope_record, is_envelope
    from toolkit.inputs.wrapped import unwrap_record

    headers = values.get("headers")
    if isinstance(headers, list):  # an Arrow map column reads as (key, value) pairs
        values["headers"] = dict(headers)
    if not is_envelope(values):
        return Record(source, index=row, format="envelope", problem="not a capture envelope")
    return unwrap_record(envelope_record(values, source=source, index=row))


def _body_row(values: dict[str, Any], column: str, source: str, row: int, fmt: str) -> Record:
    return body_record(
        values[column],
        source=source,
        index=row,
        event=values.get("event"),
        path=values.get("path"),
        column=column,
        fmt=fmt,
    )


def body_record(
    body: str | bytes | None,
    *,
    source: str,
    index: int | None = None,
    event: str | None = None,
    path: str | None = None,
    column: str = BODY_COLUMN,
    fmt: str = "parquet",
) -> Record:
    """The Record of one stored body (JSON text as str or bytes), as a table row is read: an
    `event` naming a Quay event, or a URL `path` such as `/quay/build_success`, pins the event;
    a capture envelope or an envelope-template body is unwrapped. For engines that hold bodies
    already (a Spark or Arrow batch): pass the Records to `validation.work.check_records`."""
    from toolkit.contract.registry import EVENTS
    from toolkit.inputs.decode import DecodeError, decode
    from toolkit.inputs.envelopes import envelope_record, is_envelope
    from toolkit.inputs.httpdump import event_from_path
    from toolkit.inputs.wrapped import unwrap_record

    if not (isinstance(event, str) and event in EVENTS):
        event = event_from_path(str(path or ""))
    row = index
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes):
        kind = "null" if body is None else type(body).__name__
        return Record(
            source, index=row, format=fmt, event=event, problem=f"column {column!r} is {kind}"
        )
    try:
        decoded = decode(body)
    except DecodeError as exc:
        return Record(source, index=row, format=fmt, event=event, problem=str(exc))
    value = decoded.value
    if is_envelope(value):
        return unwrap_record(envelope_record(value, source=source, index=row))
    record = Record(
        source, value, index=row, format=fmt, event=event, notes=decoded.notes, text=decoded.text
    )
    return unwrap_record(record)  # an envelope-template body: its `data`, pinned
