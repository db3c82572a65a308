"""Seed programs: what the prover learns, at `regenerate` time, from the contract's own
production payloads, stored in generated/prover_seeds.json so that one document can be proven
at once (toolkit.prover.seeded) without jsonschema-rs and without learning anything.

The exemplars are deterministic: every example of every event, simple variants of each (keys
sorted, as `jq -S` and `json.dumps(sort_keys=True)` write them; arrays of strings one element
shorter or longer), then payloads the producer in toolkit.regenerate gives (it stands above send
and the fuzzer): the bodies of send's conformance corpus, which hold each Quay release's key
order, and the fuzz generator's valid payloads for a fixed seed. A Prover learns from them the
way the NDJSON loop teaches it (learn.Prover.learn: only lines the exact path accepts, and only
programs the scanner itself passes on their exemplar). Only programs whose result needs no
Python invariant check are stored: a seeded scanner answers from the bytes alone.

The file records the schemas' fingerprint (like prover_automata.json, whose automata the
programs use by index) and the raw checksum of the schema files: toolkit.prover.seeded ignores
it when either no longer matches.
"""

from __future__ import annotations

import copy
import struct
from binascii import b2a_base64
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract import compiled
from toolkit.contract.detect_index import fingerprint
from toolkit.contract.registry import EVENTS, load_file, raw_digest, schema_files
from toolkit.contract.releases import Releases
from toolkit.prover.learn import Prover

NAME = "prover_seeds.json"
FILE = "generated/" + NAME
FORMAT = 1
"""The layout of the stored file (toolkit.prover.seeded reads only this one): results are
[candidates, fingerprint bits in hex, each candidate's bits], sets [kind, literals], programs
[skeleton, result, struct code, base64 of the ops packed little-endian]."""


def exemplars(extra: Iterable[Any] = ()) -> list[bytes]:
    """Compact JSON lines to learn from, in a fixed order, without repeats: every example, its
    variants, then `extra` (payloads) and their key-sorted forms."""
    payloads: list[Any] = []
    for event in EVENTS:
        for example in compiled.examples(event):
            payloads.append(example)
            payloads.extend(variants(example))
    for payload in extra:
        payloads.append(payload)
        payloads.append(_sorted(payload))
    seen: dict[bytes, None] = {}
    for payload in payloads:
        seen.setdefault(orjson.dumps(payload), None)
    return list(seen)


def variants(payload: Any) -> Iterator[Any]:
    """Simple variants of a valid payload: its keys sorted at every level, and each array of
    strings one element shorter or longer (its last element again, changed in its last
    character: duplicates may be forbidden). Those the contract rejects teach nothing."""
    yield _sorted(payload)
    for path, items in _string_arrays(payload, ()):
        yield _replaced(payload, path, items[:-1])
        last = items[-1]
        bumped = last[:-1] + ("0" if last[-1:] != "0" else "1") if last else "0"
        yield _replaced(payload, path, [*items, bumped])


def _sorted(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


_Arrays = Iterator[tuple[tuple[Any, ...], list[str]]]


def _string_arrays(value: Any, path: tuple[Any, ...]) -> _Arrays:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _string_arrays(item, (*path, key))
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield path, value
        else:
            for i, item in enumerate(value):
                yield from _string_arrays(item, (*path, i))


def _replaced(payload: Any, path: tuple[Any, ...], new: Any) -> Any:
    out = copy.deepcopy(payload)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return out


def build(
    lines: Iterable[bytes], schemas_fingerprint: str, schema_bytes: str, *, learn: bool = True
) -> dict[str, Any]:
    """The stored form of the programs a fresh Prover learns from `lines` (see the module);
    with `learn` False, the form with no programs."""
    if not learn:
        head = {"format": FORMAT, "fingerprint": schemas_fingerprint, "schema_bytes": schema_bytes}
        return {**head, "results": [], "sets": [], "programs": []}
    prover = Prover()
    for raw in lines:
        obj = orjson.loads(raw)
        if type(obj) is dict and "log" not in obj:  # a HAR file's key: the readers' case
            prover.learn(raw, obj)
    kept = [r for r, result in enumerate(prover.results) if result.holds is None]
    number = {r: i for i, r in enumerate(kept)}
    results = []
    for r in kept:
        candidates, (union, each), _ = prover.results[r]
        results.append([list(candidates), _hex(union), [_hex(e) for e in each]])
    programs = [
        [skel.decode(), number[result], *_ops(ops)]
        for skel, ops, result in prover.programs
        if result in number
    ]
    return {
        "format": FORMAT,
        "fingerprint": schemas_fingerprint,
        "schema_bytes": schema_bytes,
        "results": results,
        "sets": [[kind, [x.decode() for x in items]] for kind, items in prover.sets],
        "programs": programs,
    }


def _ops(packed: bytes) -> tuple[str, str]:
    """A program's ops (int64, little-endian) as (struct code, base64): as int16 ("h") when every
    value fits, which most do (leaf, automaton and set numbers, short lengths)."""
    values = struct.unpack(f"<{len(packed) // 8}q", packed)
    if all(-0x8000 <= v < 0x8000 for v in values):
        packed = struct.pack(f"<{len(values)}h", *values)
        return "h", b2a_base64(packed, newline=False).decode()
    return "q", b2a_base64(packed, newline=False).decode()


def _hex(releases: Releases) -> str:
    """A fingerprint's bits (over toolkit.contract.releases.known()), in hexadecimal: JSON
    numbers this large are not read alike everywhere."""
    return f"{releases.bits:x}"


def produce(root: Path, extra: Iterable[Any] = ()) -> dict[str, str]:
    """regenerate's producer: the seed programs of the checkout's `schemas/` (`extra`: more
    valid payloads to learn from, the fuzz generator's)."""
    folder = root / "schemas"
    schemas = {str(s["$id"]): s for s in map(load_file, schema_files(folder))}
    data = build(exemplars(extra), fingerprint(schemas), raw_digest(folder))
    return {FILE: _text(data)}


def _text(data: dict[str, Any]) -> str:
    """One program, result or set a line: reviewable diffs, a small file."""
    head = {k: v for k, v in data.items() if k not in ("results", "sets", "programs")}
    out = ["{"]
    for key, value in head.items():
        out.append(f"  {orjson.dumps(key).decode()}: {orjson.dumps(value).decode()},")
    for key in ("results", "sets", "programs"):
        items = [orjson.dumps(item).decode() for item in data[key]]
        end = "," if key != "programs" else ""
        if not items:
            out.append(f'  "{key}": []{end}')
            continue
        out.append(f'  "{key}": [')
        out.extend(f"    {item}," for item in items[:-1])
        out.append(f"    {items[-1]}")
        out.append(f"  ]{end}")
    out.append("}")
    return "\n".join(out) + "\n"


def kept(root: Path) -> dict[str, str]:
    """regenerate's producer without the C extension (it learns nothing): the stored file when
    it is current (made from these very schema files), else one with no programs (a run with
    the extension writes the programs; until then a one-file check just takes the exact path)."""
    path = root / FILE
    folder = root / "schemas"
    digest = raw_digest(folder)
    try:
        text = path.read_text(encoding="utf-8")
        data = orjson.loads(text)
        if data.get("format") == FORMAT and data.get("schema_bytes") == digest:
            return {FILE: text}
    except (OSError, orjson.JSONDecodeError, AttributeError):
        pass
    schemas = {str(s["$id"]): s for s in map(load_file, schema_files(folder))}
    return {FILE: _text(build((), fingerprint(schemas), digest, learn=False))}
