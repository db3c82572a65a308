"""Fuzzed payloads for replay evidence, aimed at the places a diff changed.

hypothesis-jsonschema cannot generate whole Quay payloads (their `if`/`then`/`else` and `anyOf`
constraints end in `Unsatisfiable` after a minute), so for schemas with examples we fuzz only the
*changed locations*: values drawn from the sub-schema at each changed pointer, plus `null` and
deletion, spliced into each of the version's examples. Schemas without examples are fuzzed whole.
Every payload is later kept only if the version's own validator accepts it.
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from typing import Any

from toolkit.contract.registry import Schema
from toolkit.diff.budget import Budget


def generate(schema: Schema, n: int, seed: int) -> list[Any]:
    """Up to `n` instances of `schema` from hypothesis-jsonschema, reproducible for a seed."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    out: list[Any] = []
    with warnings.catch_warnings():  # e.g. an ECMA-262 pattern that Python's re cannot read
        warnings.simplefilter("ignore")
        strategy = from_schema(schema, custom_formats={"uuid": st.uuids().map(str)})

        @with_seed(seed)
        @settings(
            max_examples=n,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def collect(value: Any) -> None:
            out.append(value)

        collect()
    return out


def targeted(
    schema: Schema,
    bases: list[Any],
    pointers: list[str],
    n: int,
    seed: int,
    *,
    budget: Budget | None = None,
    event: str = "",
) -> list[Any]:
    """Payloads made by splicing fuzzed values (and `null`, and deletion) into `bases`."""
    if not bases or not pointers:
        return []
    budget = budget or Budget(seconds=None)
    per = max(3, n // len(pointers))
    out: list[Any] = []
    for i, pointer in enumerate(pointers):
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        if not parts:
            continue
        if budget.spent():
            budget.cut(budget.out_of_time(f"while fuzzing {event}{pointer}"))
            break
        sub = subschema(schema, parts)
        values: list[Any] = [None, *budget.spread(_literals(sub or {}), f"{event}{pointer}")]
        # Unsatisfiable or unsupported sub-schemas still get null and deletion.
        if budget.fits(sub or {}, f"{event}{pointer}"):
            with contextlib.suppress(Exception):
                values += generate(sub if sub is not None else {}, per, seed + i)
        for value in values:
            for base in bases:
                spliced = splice(base, parts, value)
                if spliced is not None:
                    out.append(spliced)
        for base in bases[:per]:
            removed = splice(base, parts, _DELETE)
            if removed is not None:
                out.append(removed)
    return out


def _literals(node: Schema) -> list[Any]:
    """Every enum value of a sub-schema and of its alternatives (cheap, exhaustive probes)."""
    out = list(node.get("enum", []))
    for key in ("anyOf", "oneOf"):
        for branch in node.get(key, []):
            out += _literals(branch)
    return out


def subschema(node: Schema, parts: list[str]) -> Schema | None:
    """The normalised sub-schema at an instance location (`*`: array items / extra properties)."""
    for part in parts:
        found = _child(node, part)
        if found is None:
            return None
        node = found
    return node


def _child(node: Schema, part: str) -> Schema | None:
    if part == "*":
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                return dict(node[key])
    elif part in node.get("properties", {}):
        return dict(node["properties"][part])
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, []):
            found = _child(branch, part)
            if found is not None:
                return found
    return None


_DELETE = object()


def splice(payload: Any, parts: list[str], value: Any) -> Any | None:
    """A copy of `payload` with `value` at the location (or the key deleted), None if absent."""
    out = copy.deepcopy(payload)
    node = out
    for part in parts[:-1]:
        node = _step(node, part)
        if node is None:
            return None
    last = parts[-1]
    if isinstance(node, list):
        if not node:
            return None
        if value is _DELETE:
            return None
        node[0] = value
    elif isinstance(node, dict):
        key = "x_fuzz_extra" if last == "*" else last
        if value is _DELETE:
            if key not in node:
                return None
            del node[key]
        else:
            node[key] = value
    else:
        return None
    return out


def _step(node: Any, part: str) -> Any:
    if isinstance(node, list):
        return node[0] if node and part == "*" else None
    if isinstance(node, dict):
        return node.get(part)
    return None


def whole(schema: Schema, n: int, seed: int) -> list[Any]:
    """Whole-schema samples; [] when hypothesis cannot generate the schema."""
    try:
        return generate(schema, n, seed)
    except Exception:
        return []
