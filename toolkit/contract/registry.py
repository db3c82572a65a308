"""Find and load the canonical schemas, from a source checkout or an installed wheel."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract import installed
from toolkit.contract.events import EVENTS as EVENTS
from toolkit.contract.installed import SUFFIX as SUFFIX

Schema = dict[str, Any]


class UnknownEventError(LookupError):
    """An event name that the contract does not define."""

    def __init__(self, name: str) -> None:
        import difflib

        close = difflib.get_close_matches(name, EVENTS, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
        super().__init__(f"unknown event {name!r}; {hint}expected one of: {', '.join(EVENTS)}")
        self.name = name
        self.suggestions = tuple(close)


def schema_dir() -> Path:
    """The folder of `<event>.schema.json` files (a link to `schemas/` in a checkout)."""
    return Path(__file__).resolve().parent.parent / "schemas"


def check_event(name: str) -> str:
    """Return `name` if it is a known event, else raise UnknownEventError."""
    if name not in EVENTS:
        raise UnknownEventError(name)
    return name


def schema_files(root: Path | None = None) -> Iterator[Path]:
    """Every schema file under `root`, shared definitions included, in a stable order."""
    base = root or schema_dir()
    for name in installed.schema_names(str(base)):
        yield base.joinpath(*name.split("/"))


def load_file(path: Path) -> Schema:
    """Parse one schema file."""
    data = orjson.loads(path.read_bytes())
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a schema must be a JSON object")
    return data


@cache
def load_all(root: Path | None = None) -> dict[str, Schema]:
    """Every schema under `root`, keyed by its `$id`."""
    out: dict[str, Schema] = {}
    for path in schema_files(root):
        schema = load_file(path)
        out[str(schema["$id"])] = schema
    return out


def event_schema(event: str, root: Path | None = None) -> Schema:
    """The raw (unresolved) schema of one event."""
    check_event(event)
    return load_file((root or schema_dir()) / f"{event}{SUFFIX}")


def raw_digest(root: Path | None = None) -> str:
    """A checksum of the schema files' names and bytes under `root`: cheap (no parsing), and
    changed by any edit, annotations included (toolkit.contract.installed computes it)."""
    return installed.raw_digest(None if root is None else str(root))
