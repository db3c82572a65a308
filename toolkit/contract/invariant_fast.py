"""Invariant checkers specialised for the hot path: payloads an event's schema accepts, with a
known set of top-level keys (one per shape, as the NDJSON loop routes them).

What the schema and the keys already settle is not tested again: an invariant that names an
absent top-level field never applies and is left out (so is one whose field the schema types so
that it cannot apply); a present field is read without a default, and a type guard that the
schema guarantees is dropped (a string the schema types as one is used as it is). What remains
is exactly the general checker's answer on those payloads: tests/contract/test_invariants.py
holds the two to the same answers. A shape no invariant can apply to gets no checker at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from toolkit.contract import compiled
from toolkit.contract.invariant_check import Compiled, checker
from toolkit.contract.invariant_codegen import compile_holds
from toolkit.contract.invariant_filters import FILTERS
from toolkit.contract.invariant_templates import Path, Template
from toolkit.contract.invariant_text import (
    ANY,
    NEVER,
    NUMBER,
    STRING,
    SURE,
    SURE_STRING,
    SURE_TEXT,
    TEXT,
)
from toolkit.contract.invariants import Refs
from toolkit.contract.registry import Schema, load_all

Types = frozenset[type]
_JSON: dict[str, Types] = {
    "string": frozenset({str}),
    "integer": frozenset({int, float}),  # 1.0 is an integer in JSON Schema
    "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
    "null": frozenset({type(None)}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
}
_ACCEPTS: dict[str, Types] = {
    TEXT: frozenset({str, int, float}),
    STRING: frozenset({str}),
    NUMBER: frozenset({int, float}),
}
_SURE = {TEXT: SURE_TEXT, STRING: SURE_STRING, NUMBER: SURE}


class View:
    """A compiled invariant as the specialised generator sees it: its needs with what is known
    (an invariant_codegen.Spec)."""

    __slots__ = ("at", "dicts", "equal", "exact", "fields", "index", "needs", "of", "when")

    def __init__(
        self, of: Compiled, needs: tuple[str, ...], exact: frozenset[Path], dicts: frozenset[str]
    ) -> None:
        self.of = of
        self.at: Path = of.at
        self.fields: tuple[Path, ...] = of.fields
        self.needs = needs
        self.exact = exact
        self.dicts = dicts
        self.when: tuple[tuple[int, Any], ...] = of.when
        self.equal: tuple[tuple[Path, Template], ...] = of.equal
        self.index: dict[Path, int] = of.index

    def matches(self, name: str, text: str) -> bool:
        return self.of.matches(name, text)

    def known(self, name: str) -> set[str]:
        return self.of.known(name)

    def generic(self, values: list[Any]) -> bool:
        return self.of.generic(values)


def view(spec: Compiled, keys: frozenset[str], types: Mapping[Path, Types]) -> View | None:
    """`spec` for payloads with exactly the top-level `keys` whose fields have the `types` the
    schema allows (by path from the root); None when it cannot apply to them."""
    if spec.at and spec.at[0] not in keys:
        return None
    needs = list(spec.needs)
    for j, (path, need) in enumerate(zip(spec.fields, spec.needs, strict=True)):
        if spec.at:
            continue  # a nested object's fields may be absent: tested as generated
        if path[0] not in keys or need == NEVER:
            return None
        allowed = types.get(path) if len(path) == 1 else None
        if allowed is None:
            continue
        if need == ANY:
            needs[j] = SURE
            continue
        accepted = _ACCEPTS.get(need)
        if accepted is None:  # pragma: no cover - every need is one of these
            continue
        if not allowed & accepted:
            return None  # the schema never lets it apply
        if allowed <= accepted:
            needs[j] = SURE_STRING if allowed == _ACCEPTS[STRING] else _SURE[need]
    dicts = frozenset(k for k in keys if types.get((k,)) == _JSON["object"])
    return View(spec, tuple(needs), _exact(spec, types), dicts)


def _exact(spec: Compiled, types: Mapping[Path, Types]) -> frozenset[Path]:
    """The fields compared whole whose comparison Python's `!=` decides as JSON does: no array
    or object on either side, and no boolean beside a number (`True == 1` in Python only).
    (A missing field is ruled out before the comparison.)"""
    out = set()
    for path, template in spec.equal:
        whole = template.whole
        if whole is None:
            continue
        left = types.get((*spec.at, *path))
        right = (
            _JSON[FILTERS[whole.filter].returns]
            if whole.filter
            else types.get((*spec.at, *whole.path))
        )
        if left is None or right is None:
            continue
        both = left | right
        if not both & {dict, list} and not (bool in both and both & {int, float}):
            out.add(path)
    return frozenset(out)


def field_types(
    schema: Schema, schemas: dict[str, Schema] | None = None, base: str = ""
) -> dict[Path, Types]:
    """Field path -> the Python types a payload valid for `schema` can hold there, when present,
    for the fields whose `type` says so: through `properties` and `allOf` (a field an `anyOf`
    branch or a conditional declares is left out), a field's own type also through
    `anyOf`/`oneOf` when every branch says. `schema` is resolved, or, with `schemas` and its
    `base` URI, has its `$ref`s followed as they are met (as invariants.collect does)."""
    out: dict[Path, Types] = {}
    _collect(schema, (), out, Refs(schemas, base) if schemas is not None else None)
    return out


def _collect(node: Any, at: Path, out: dict[Path, Types], refs: Refs | None) -> None:
    for name, sub, inner in _properties(node, refs):
        path = (*at, name)
        found = _types(sub, inner)
        if found is not None:
            out[path] = out[path] & found if path in out else found
        _collect(sub, path, out, inner)


def _follow(node: Any, refs: Refs | None) -> tuple[Any, Refs | None]:
    if refs is None or not isinstance(node, dict):
        return node, refs
    return refs.follow(node)


def _properties(node: Any, refs: Refs | None) -> Iterable[tuple[str, Any, Refs | None]]:
    node, refs = _follow(node, refs)
    if not isinstance(node, dict):
        return
    for name, sub in (node.get("properties") or {}).items():
        yield name, sub, refs
    for member in node.get("allOf", ()):
        yield from _properties(member, refs)


def _types(node: Any, refs: Refs | None) -> Types | None:
    node, refs = _follow(node, refs)
    if not isinstance(node, dict):
        return None
    found: Types | None = None
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        found = frozenset().union(*(_JSON.get(k, frozenset()) for k in kinds))
    for member in node.get("allOf", ()):
        inner = _types(member, refs)
        if inner is not None:
            found = inner if found is None else found & inner
    for key in ("anyOf", "oneOf"):
        branches = [_types(b, refs) for b in node.get(key, ())]
        if branches and all(b is not None for b in branches):
            union = frozenset().union(*(b for b in branches if b is not None))
            found = union if found is None else found & union
    return found


@lru_cache(maxsize=4096)
def holds_valid(
    candidates: tuple[str, ...], shape: tuple[str, ...]
) -> Callable[[Any], bool] | None:
    """For production payloads with exactly the top-level keys `shape` that the candidates'
    schema accepts: true when no candidate is ruled out by an invariant (as
    invariant_check.holds_for says). None when no invariant can apply to them."""
    keys = frozenset(shape)
    every = {}  # events with the same invariants and field types share one function
    for event in candidates:
        specs = checker(event).compiled
        named = {(*s.at, *f)[:n] for s in specs for f in s.fields for n in (1, len(s.at) + len(f))}
        types = tuple((k, v) for k, v in _types_of(event) if k in named)
        fn = _specialised(specs, keys, types)
        if fn is not None:
            every[id(fn)] = fn
    if not every:
        return None
    if len(every) == 1:
        return next(iter(every.values()))
    fns = tuple(every.values())
    return lambda payload: all(fn(payload) for fn in fns)


@lru_cache(maxsize=4096)
def _specialised(
    specs: tuple[Compiled, ...], keys: frozenset[str], types: tuple[tuple[Path, Types], ...]
) -> Callable[[Any], bool] | None:
    known = dict(types)
    views = [v for v in (view(s, keys, known) for s in specs) if v is not None]
    return compile_holds(views, present=keys) if views else None


@lru_cache(maxsize=64)
def _types_of(event: str) -> tuple[tuple[Path, Types], ...]:
    found = field_types(compiled.raw(event), load_all(), compiled.schema_id(event))
    return tuple(sorted(found.items(), key=lambda kv: tuple(map(str, kv[0]))))
