"""Compute each event's plan: its eras, and what narrowing looks at (see toolkit.contract.plans).

When every annotation is a property reached only through `properties`, `allOf` and alternatives
that cannot hold a non-empty object (`keyed`), narrowing depends on which keys are present
alone, and the fingerprint is computed from the keys (toolkit.contract.fingerprint) instead of
validating each era. When annotations also sit in conditionals decided by keys (`if` only
requires keys) or on alternatives of a scalar (`cached`), each era is validated, once per key
skeleton and values at those scalar sites. `regenerate` writes the plans and the `sent` table to
`generated/versions_index.json`; at run time they are computed only when that table is stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract import tables
from toolkit.contract.detect_index import NOTICE, fingerprint
from toolkit.contract.plans import (
    CACHED,
    KEYED,
    PLAIN,
    VARIANTS,
    Field,
    Path_,
    Plan,
    as_json,
    schema_of,
)
from toolkit.contract.registry import EVENTS, Schema
from toolkit.contract.releases import Releases, known
from toolkit.contract.versions import Annotation, annotation, evaluate

_Found = list[tuple[Annotation, "Field | None", int]]


def plan_of(schema: Schema) -> Plan:
    """The plan of a resolved schema (its `definitions` aside)."""
    found: _Found = []
    paths: set[Path_] = set()
    sites: set[Path_] = set()
    _walk(schema, (), KEYED, found, paths, sites)
    event = annotation(schema)
    top = event.sent if event is not None else Releases.every()
    anns = [a for a, _, _ in found] + ([event] if event is not None else [])
    fields = tuple(f for _, f, _ in found if f is not None)
    mode = min((m for _, _, m in found), default=KEYED)
    return Plan(
        top,
        fields,
        mode == KEYED,
        _eras(anns),
        mode >= CACHED,
        tuple(sorted(paths - {()})),
        tuple(sorted(sites)),
        tuple(sorted({a.expr for a in anns})),
    )


def _walk(
    node: Any, at: Path_, mode: int, out: _Found, paths: set[Path_], sites: set[Path_]
) -> None:
    if not isinstance(node, dict):
        return
    found = node.get("dependencies")
    deps: dict[str, Any] = found if isinstance(found, dict) else {}
    for name, sub in (node.get("properties") or {}).items():
        ann = annotation(sub)
        if ann is not None:
            needs = deps.get(name)
            extra = tuple(needs) if isinstance(needs, list) else ()
            field = Field(at, name, ann.sent, ann.always, extra) if mode == KEYED else None
            out.append((ann, field, mode))
            paths.add(at)
        _walk(sub, (*at, name), mode, out, paths, sites)
    for member in node.get("allOf", []):
        _walk(member, at, mode, out, paths, sites)
    scalar = _scalar(node)
    for key in ("anyOf", "oneOf"):
        members = node.get(key, [])
        for i, member in enumerate(members):
            ann = annotation(member)
            if ann is not None:  # an alternative: the value decides
                out.append((ann, None, min(mode, CACHED) if scalar else PLAIN))
                if scalar:
                    sites.add(at)
            others = [m for j, m in enumerate(members) if j != i]
            inner = mode if all(map(_holds_no_keys, others)) else PLAIN
            _walk(member, at, inner, out, paths, sites)
    if "if" in node:
        # A conditional is decided by the keys present (`if` only requires keys) or, on a
        # scalar, by its value; anything else is decided by values nobody caches.
        decided = CACHED if scalar or _keys_only(node["if"]) else PLAIN
        for key in ("then", "else"):
            ann = annotation(node.get(key))
            if ann is not None:
                out.append((ann, None, min(mode, decided)))
                (sites if scalar else paths).add(at)
            _walk(node.get(key), at, min(mode, decided), out, paths, sites)
    _walk(node.get("not"), at, PLAIN, out, paths, sites)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], (*at, "[]"), PLAIN, out, paths, sites)


def _scalar(node: Schema) -> bool:
    """Whether the schema only admits strings, numbers, booleans or null."""
    types = node.get("type")
    if types is not None:
        return not {"object", "array"} & set([types] if isinstance(types, str) else types)
    values = node.get("enum")
    return isinstance(values, list) and not any(isinstance(v, dict | list) for v in values)


def _keys_only(node: Any) -> bool:
    """Whether a schema tests nothing but which keys are present."""
    return isinstance(node, dict) and all(
        k == "required" or k.startswith("x-") or k == "description" for k in node
    )


def _holds_no_keys(node: Any) -> bool:
    """Whether a schema rejects every non-empty object (so it cannot hold a declared key)."""
    if not isinstance(node, dict):
        return node is False
    if node.get("maxProperties") == 0:
        return True
    types = node.get("type")
    if types is not None and "object" not in ([types] if isinstance(types, str) else types):
        return True
    values = node["enum"] if "enum" in node else [node["const"]] if "const" in node else None
    return values is not None and not any(isinstance(v, dict) and v for v in values)


def _eras(anns: list[Annotation]) -> tuple[Releases, ...]:
    """Maximal runs of releases on which every annotation agrees."""
    out: list[Releases] = []
    run: list[str] = []
    last: tuple[bool, ...] | None = None
    for version in known():
        signature = tuple(version in a.sent for a in anns)
        if signature != last and run:
            out.append(Releases.of(run))
            run = []
        run.append(version)
        last = signature
    out.append(Releases.of(run))
    return tuple(out)


def build(resolved: Mapping[str, Schema], schemas: Mapping[str, Schema]) -> dict[str, Any]:
    """The versions table: the releases, every `sent` expression's ranges, every plan."""
    plans = {
        event: {v: plan_of(schema_of(resolved[event], v)) for v in VARIANTS} for event in EVENTS
    }
    expressions = sorted(
        {x for p in _all(plans) for x in p.expressions} | set(_invariant_ranges(schemas.values()))
    )
    return {
        "comment": NOTICE,
        "fingerprint": fingerprint(schemas),
        "releases": list(known()),
        "sent": {x: evaluate(x).as_ranges() for x in expressions},
        "events": {e: {v: as_json(p) for v, p in by.items()} for e, by in plans.items()},
    }


def _invariant_ranges(nodes: Iterable[Any]) -> Iterator[str]:
    """The `quay-versions` of every `x-invariants` declaration in the schemas."""
    for node in nodes:
        if isinstance(node, dict):
            for declaration in node.get("x-invariants", ()):
                if isinstance(declaration, dict) and "quay-versions" in declaration:
                    yield str(declaration["quay-versions"])
            yield from _invariant_ranges(node.values())
        elif isinstance(node, list):
            yield from _invariant_ranges(node)


def _all(plans: dict[str, dict[str, Plan]]) -> Iterator[Plan]:
    for by in plans.values():
        yield from by.values()


def produce(root: Path) -> dict[str, str]:
    """regenerate's producer: the versions table of the checkout's `schemas/`."""
    from toolkit.contract.registry import load_file, schema_files
    from toolkit.contract.sources import Sources

    folder = root / "schemas"
    sources = Sources.load(folder)
    schemas = {str(s["$id"]): s for s in map(load_file, schema_files(folder))}
    table = build(sources.resolved, schemas)
    text = orjson.dumps(table, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    return {tables.FILE: text + "\n"}
