"""The detection index: what detection needs to know about each shape group, precomputed.

Detection picks candidate events by their top-level keys. Building those key sets means
resolving all 13 schemas (~15 ms, most of a one-file run's own work), so `regenerate` writes them
to `generated/detect_index.json`, and detection reads that file instead. The file records a
fingerprint of the schemas' validating content (annotations such as descriptions and
examples aside); when the schemas no longer match it (edited, not regenerated yet), the index is
computed from the schemas instead, so detection is never stale.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract.registry import EVENTS, Schema, load_all, raw_digest
from toolkit.contract.shapes import top_level

_NAME = "detect_index.json"
FILE = "generated/" + _NAME
"""Where regenerate writes the index, relative to the project root (`generated/` is shipped as
the package's `toolkit/models/`)."""
NOTICE = "DO NOT EDIT — run quay-contract regenerate"

_ANNOTATIONS = frozenset(
    {
        "$comment",
        "default",
        "description",
        "examples",
        "title",
        "x-docs-errata",
        "x-event",
        "x-examples",
        "x-producer",
    }
)
"""Keywords that cannot change which payloads a schema accepts. `x-legacy` does (detection
narrows by it), and `x-quay-versions` does (it narrows the contract per release): both are kept."""


def fingerprint(schemas: Mapping[str, Schema]) -> str:
    """A checksum of every schema's validating content (`$id` → schema), annotations aside."""
    data = orjson.dumps(_core(dict(schemas)), option=orjson.OPT_SORT_KEYS)
    return f"crc32:{zlib.crc32(data):08x}"


@cache
def current() -> str:
    """The fingerprint of the installed schemas (once per process). When their files are byte
    for byte those the regenerated index was built from (`schema_bytes`), it is the index's
    own: nothing is parsed or walked, which a one-file run would feel."""
    data = _read(_installed())
    if data is not None and data.get("schema_bytes") == raw_digest():
        found = data.get("fingerprint")
        if isinstance(found, str):
            return found
    return fingerprint(load_all())


def _installed() -> Path:
    return Path(__file__).parent.parent / "models" / _NAME


@cache
def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _core(node: Any) -> Any:
    """`node` without annotation keywords. A property that happens to be called `description`
    is kept: its value is a schema (an object), never a string or a list."""
    if isinstance(node, dict):
        return {
            k: _core(v) for k, v in node.items() if k not in _ANNOTATIONS or isinstance(v, dict)
        }
    if isinstance(node, list):
        return [_core(v) for v in node]
    return node


def build(
    resolved: Mapping[str, Schema],
    groups: Iterable[tuple[str, ...]],
    schemas: Mapping[str, Schema],
    schema_bytes: str = "",
) -> dict[str, Any]:
    """The index, from every event's resolved schema, the shape groups, the raw schemas and
    the raw_digest of their files."""
    return {
        "comment": NOTICE,
        "fingerprint": fingerprint(schemas),
        "schema_bytes": schema_bytes,
        "groups": [_group(resolved, events) for events in groups],
        "test_markers": {event: _markers(resolved[event]) for event in EVENTS},
    }


def _group(resolved: Mapping[str, Schema], events: tuple[str, ...]) -> dict[str, Any]:
    legacy: dict[str, list[str]] = {}
    for event in events:
        for name, prop in resolved[event].get("properties", {}).items():
            if prop.get("x-legacy"):
                legacy.setdefault(name, []).append(event)
    first = resolved[events[0]]
    return {
        "events": list(events),
        "required": sorted(top_level(first, "required")),
        "declared": sorted(top_level(first, "properties")),
        "legacy": {k: legacy[k] for k in sorted(legacy)},
    }


def _markers(schema: Schema) -> list[list[Any]]:
    """The fixed top-level values of the event's test-notification body, in schema order."""
    node = schema["definitions"]["test_notification"]
    required = set(node.get("required", []))
    return [
        [k, v["const"]]
        for k, v in node.get("properties", {}).items()
        if k in required and "const" in v
    ]


def render(index: dict[str, Any]) -> str:
    """The index as regenerate writes it (stable: sorted keys, two-space indent)."""
    return orjson.dumps(index, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def produce(root: Path) -> dict[str, str]:
    """regenerate's producer: the index of the checkout's `schemas/`."""
    from toolkit.contract.registry import load_file, schema_files
    from toolkit.contract.sources import Sources

    folder = root / "schemas"
    sources = Sources.load(folder)
    schemas = {str(s["$id"]): s for s in map(load_file, schema_files(folder))}
    digest = raw_digest(folder)
    return {FILE: render(build(sources.resolved, sources.groups, schemas, digest))}


def computed() -> dict[str, Any]:
    """The index of the installed schemas, computed now (slow: resolves every schema)."""
    from toolkit.contract import compiled
    from toolkit.contract.registry import load_all
    from toolkit.contract.shapes import shape_groups

    resolved = {event: compiled.resolved(event) for event in EVENTS}
    return build(resolved, shape_groups(), load_all(), raw_digest())


@cache
def index() -> dict[str, Any]:
    """The index: the regenerated file when it matches the schemas, else computed()."""
    return stored(_installed(), load_all(), expected=current()) or computed()


def stored(
    path: Path, schemas: Mapping[str, Schema], *, expected: str | None = None
) -> dict[str, Any] | None:
    """The index written at `path`, if it is there and was built from `schemas` (whose
    fingerprint is `expected`, when the caller knows it)."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    wanted = expected if expected is not None else fingerprint(schemas)
    if not isinstance(data, dict) or data.get("fingerprint") != wanted:
        return None
    return data
