"""Where the installed schemas and regenerated tables are, and a checksum of the schema files,
with the standard library's os, zlib and json alone (no pathlib, no orjson): what a one-file
check reads before anything else (toolkit.prover.seeded, the release list)."""

from __future__ import annotations

import os
import zlib
from functools import cache
from typing import Any

SUFFIX = ".schema.json"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def schema_root() -> str:
    """The folder of `<event>.schema.json` files (a link to `schemas/` in a checkout)."""
    return os.path.join(_PACKAGE, "schemas")


def models_root() -> str:
    """The folder of the regenerated files (`generated/`, shipped as `toolkit/models/`)."""
    return os.path.join(_PACKAGE, "models")


def schema_names(root: str | None = None) -> list[str]:
    """Every schema file under `root`, shared definitions included, as `/`-separated paths
    relative to it, in the order of their parts (registry.schema_files lists them as Paths)."""
    base = root or schema_root()
    found: list[tuple[str, ...]] = []
    for folder, _, files in os.walk(base, followlinks=True):
        rel = os.path.relpath(folder, base)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        found.extend((*parts, name) for name in files if name.endswith(SUFFIX))
    return ["/".join(parts) for parts in sorted(found)]


def raw_digest(root: str | None = None) -> str:
    """A checksum of the schema files' names and bytes under `root`: cheap (no parsing), and
    changed by any edit, annotations included. The installed schemas' is read once a process
    (the seed programs and the detection index both check it), like the tables it guards."""
    return _installed_digest() if root is None else _digest(root)


@cache
def _installed_digest() -> str:
    return _digest(schema_root())


def _digest(base: str) -> str:
    crc = 0
    for name in schema_names(base):
        crc = zlib.crc32(name.encode(), crc)
        with open(os.path.join(base, *name.split("/")), "rb") as f:
            crc = zlib.crc32(f.read(), crc)
    return f"crc32:{crc:08x}"


def read_json(path: str) -> Any:
    """A small JSON file's value (stdlib json: cheaper to import than orjson for one read)."""
    import json

    with open(path, "rb") as f:
        return json.loads(f.read())
