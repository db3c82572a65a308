"""Record: one payload with its provenance, the only thing input readers yield."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FORMATS = ("json", "ndjson", "har", "http", "envelope", "parquet", "arrow")
"""Input formats a reader exists for (`--input-format`)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One payload (or one thing that should have been a payload) and where it came from."""

    source: str
    """The file path, or `<stdin>`."""
    payload: Any = None
    """The parsed JSON body; `None` when `problem` says why it could not be read."""
    line: int | None = None
    """1-based line: of the NDJSON line, or where the JSON value starts."""
    index: int | None = None
    """0-based entry: of a JSON array, of a HAR file's entries, of requests in an HTTP dump."""
    format: str = "json"
    """Which reader produced it (one of FORMATS)."""
    event: str | None = None
    """The event the capture says it was delivered as (envelope `event`, URL `/quay/<event>`)."""
    problem: str | None = None
    """Why this record could not be checked at all (unreadable, not JSON, ...)."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that do not stop checking (a stripped BOM, duplicate keys)."""
    text: bytes | None = None
    """The JSON text holding the payload, kept so findings can name their line:column."""
    prefix: tuple[str | int, ...] = ()
    """Where the payload sits inside `text` (e.g. `(3,)` for an array's fourth element)."""
    line_base: int = 1
    """The line of `source` on which `text` starts."""
    wrapper_event: str | None = None
    """Set when the body was an envelope-template body (`{"event": ..., "data": ...}`) and
    `payload` is its `data`: the event name the body gave (toolkit.inputs.wrapped)."""

    @property
    def where(self) -> str:
        """`file:line`, `file[entry 3]`, or just `file`."""
        return location(self.source, self.line, self.index)


def location(source: str, line: int | None, index: int | None) -> str:
    """`file:line`, `file[entry]`, or just `file`: how every report names a payload's place."""
    out = source
    if line is not None:
        out += f":{line}"
    if index is not None:
        out += f"[{index}]"
    return out
