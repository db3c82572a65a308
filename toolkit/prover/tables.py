"""The prover's automata: every `pattern` of the contract and `format: uri`, compiled by
`regenerate` into generated/prover_automata.json (deterministic, drift-checked).

Like the other regenerated tables it records the schemas' checksum and is ignored when they no
longer match: the automata are then compiled from the installed schemas (slower, never stale).
A pattern outside the compiled subset is listed with no automaton: its fields are never proven.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract.detect_index import current, fingerprint
from toolkit.contract.installed import models_root
from toolkit.contract.registry import Schema, load_all
from toolkit.prover.automata import URI, Dfa, Unsupported, compile_pattern
from toolkit.prover.invariants import where_key
from toolkit.prover.stored import WIDTH, Packed, unpack

NAME = "prover_automata.json"
FILE = "generated/" + NAME
URI_KEY = "format:uri"


def patterns(schemas: Iterable[Schema]) -> list[str]:
    """Every `pattern` keyword's value in `schemas`, and every `where` pattern of their
    `x-invariants` (anchored whole), sorted."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                if key == "x-invariants" and isinstance(value, list):
                    for invariant in value:
                        where = invariant.get("where") if isinstance(invariant, dict) else None
                        found.update(where_key(p) for p in (where or {}).values())
                if key not in ("examples", "default", "const", "enum"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for schema in schemas:
        walk(schema)
    return sorted(found)


def build(schemas: Mapping[str, Schema]) -> dict[str, Any]:
    """The table of `schemas` ($id -> schema)."""
    out: dict[str, Any] = {}
    for key, source, exact in [(p, p, True) for p in patterns(schemas.values())] + [
        (URI_KEY, URI, False)
    ]:
        try:
            dfa = compile_pattern(source, exact=exact)
        except Unsupported as why:
            out[key] = {"unsupported": str(why)}
            continue
        out[key] = {
            "exact": exact,
            "accepting": sorted(dfa.accepting),
            "next": base64.b64encode(_packed(dfa)).decode(),
        }
    return {"fingerprint": fingerprint(schemas), "alphabet": [0x20, 0x7E], "automata": out}


def _packed(dfa: Dfa) -> bytes:
    return b"".join(to.to_bytes(2, "little") for row in dfa.transitions for to in row)


def produce(root: Path) -> dict[str, str]:
    """regenerate's producer: the automata of the checkout's `schemas/`."""
    from toolkit.contract.registry import load_file, schema_files

    schemas = {str(s["$id"]): s for s in map(load_file, schema_files(root / "schemas"))}
    text = orjson.dumps(build(schemas), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return {FILE: text.decode() + "\n"}


@cache
def packed() -> tuple[dict[str, int], tuple[Packed, ...]]:
    """(pattern or URI_KEY -> index, the automata by index) for the installed schemas, as stored:
    what the scanner needs, without building Python automata (a worker's start-up)."""
    data = _stored()
    return unpack(build(load_all()) if data is None else data)


@cache
def automata() -> tuple[dict[str, int], tuple[Dfa, ...]]:
    """(pattern or URI_KEY -> index, the automata by index) as Python automata (learning and
    the tests read them)."""
    index, entries = packed()
    return index, tuple(_unpacked(*entry) for entry in entries)


def _unpacked(raw: bytes, accepting: bytes, exact: bool) -> Dfa:
    flat = memoryview(raw).cast("H").tolist() if _LITTLE else _little(raw)
    rows = tuple(tuple(flat[i : i + WIDTH]) for i in range(0, len(flat), WIDTH))
    return Dfa(rows, frozenset(i for i, a in enumerate(accepting) if a), exact)


_LITTLE = sys.byteorder == "little"


def _little(raw: bytes) -> list[int]:  # pragma: no cover - big-endian machines
    return [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]


def _stored() -> dict[str, Any] | None:
    try:
        data = orjson.loads((Path(models_root()) / NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != current():
        return None
    return data
