"""Input readers: every capture format becomes a stream of Records.

Formats are recognised by extension and content, or forced with `input_format`:
`json` (one payload or an array), `ndjson` (one per line; capture envelopes too), `har`,
`http` (raw request dumps, chunked/gzip bodies), `envelope` (capture-envelope NDJSON), and
`parquet` / `arrow` (one payload per row, in a body column). Paths may be fsspec URLs
(`s3://`, `gs://`, `az://`, `https://`) and files may be compressed (`.gz`, `.zst` ...): see
`storage`. The readers live in `readers` and are imported on first use, so a module that only
needs, say, `decode` does not pay for all of them (a one-file check starts faster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.inputs.limits import MAX_BODY, SNIFF_BYTES

if TYPE_CHECKING:
    from toolkit.inputs.paths import Selection, expand
    from toolkit.inputs.readers import (
        directory_problem,
        open_problem,
        read,
        read_paths,
        read_stream,
        reason,
        sniff,
    )
    from toolkit.inputs.record import FORMATS, Record

__all__ = [
    "FORMATS",
    "MAX_BODY",
    "SNIFF_BYTES",
    "Record",
    "Selection",
    "directory_problem",
    "expand",
    "open_problem",
    "read",
    "read_paths",
    "read_stream",
    "reason",
    "sniff",
]

_LAZY = {
    "FORMATS": "toolkit.inputs.record",
    "Record": "toolkit.inputs.record",
    "Selection": "toolkit.inputs.paths",
    "expand": "toolkit.inputs.paths",
    "directory_problem": "toolkit.inputs.readers",
    "open_problem": "toolkit.inputs.readers",
    "read": "toolkit.inputs.readers",
    "read_paths": "toolkit.inputs.readers",
    "read_stream": "toolkit.inputs.readers",
    "reason": "toolkit.inputs.readers",
    "sniff": "toolkit.inputs.readers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit.inputs' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
