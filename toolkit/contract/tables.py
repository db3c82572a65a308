"""The versions table that `regenerate` writes, read without resolving or parsing anything.

Evaluating `x-quay-versions` ranges needs `packaging` (~20 ms to import) and the eras of an
event need its resolved schema; `generated/versions_index.json` holds both, computed once. Like
the detection index, it records a checksum of the schemas' validating content and is ignored when
the schemas no longer match it, so nothing is ever stale: it is only slower.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract.detect_index import current

NAME = "versions_index.json"
FILE = "generated/" + NAME
"""Where regenerate writes the table, relative to the project root (shipped as
`toolkit/models/`)."""


@cache
def stored() -> dict[str, Any] | None:
    """The regenerated table, if it is there and was built from the installed schemas."""
    return read(Path(__file__).parent.parent / "models" / NAME)


def read(path: Path) -> dict[str, Any] | None:
    """The table at `path`, if it matches the installed schemas."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != current():
        return None
    return data


def sent_ranges() -> dict[str, Any] | None:
    """`sent` expression → its release ranges, from the table."""
    data = stored()
    return None if data is None else data.get("sent")
