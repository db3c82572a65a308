"""The shapes a value described by a resolved schema can take, for evaluating JSONPath statically.

A schema node is flattened into alternatives (`Shape`): each is a conjunction of schema nodes with
no `anyOf`, `oneOf` or `if` left, and knows which JSON kinds it allows. `then` and `else` both
count as possible (the condition is not evaluated); `not` narrows nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]

KINDS = frozenset({"object", "array", "string", "integer", "float", "boolean", "null"})
"""JSON kinds as Quay's Python sees them: an integral number is an int, any other a float."""
_TYPES = {
    "object": {"object"},
    "array": {"array"},
    "string": {"string"},
    "integer": {"integer"},
    "number": {"integer", "float"},
    "boolean": {"boolean"},
    "null": {"null"},
}
MAX_SHAPES = 64
"""Alternatives kept per value; schemas combining more are cut off (the rest is not checked)."""
MANY = 1 << 30
"""An unbounded count."""


def kind_of(value: Any) -> str:
    """The kind of a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _node_kinds(node: Schema) -> frozenset[str]:
    kinds = set(KINDS)
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        kinds &= {k for t in types for k in _TYPES.get(t, ())}
    if "const" in node:
        kinds &= {kind_of(node["const"])}
    if isinstance(node.get("enum"), list):
        kinds &= {kind_of(v) for v in node["enum"]}
    return frozenset(kinds)


@dataclass(frozen=True)
class Shape:
    """One alternative: schema nodes that all apply, and the kinds they allow together."""

    nodes: tuple[Schema, ...]
    kinds: frozenset[str]

    def declared(self) -> list[str]:
        """Property names any node declares, in order of first declaration."""
        if self.empty_object():
            return []
        names: dict[str, None] = {}
        for node in self.nodes:
            names.update(dict.fromkeys(node.get("properties", {})))
        return list(names)

    def member(self, name: str) -> list[Schema]:
        """The schema nodes of property `name` (empty when it is not declared)."""
        if self.empty_object():
            return []
        return [n["properties"][name] for n in self.nodes if name in n.get("properties", {})]

    def requires(self, name: str) -> bool:
        """Whether an object of this shape always has `name`."""
        return any(name in node.get("required", ()) for node in self.nodes)

    def empty_object(self) -> bool:
        """An object of this shape has no members at all (`maxProperties: 0`)."""
        return any(node.get("maxProperties") == 0 for node in self.nodes)

    def items(self) -> list[Schema]:
        """The schema nodes of array items."""
        return [n["items"] for n in self.nodes if isinstance(n.get("items"), dict)]

    def length(self) -> tuple[int, int]:
        """(min, max) array length (`MANY` when unbounded)."""
        low = max((int(n.get("minItems", 0)) for n in self.nodes), default=0)
        high = min((int(n["maxItems"]) for n in self.nodes if "maxItems" in n), default=MANY)
        for node in self.nodes:
            if isinstance(node.get("const"), list):
                low = high = len(node["const"])
        return low, high

    def constant(self) -> tuple[bool, Any]:
        """(True, value) when every value of this shape is one constant."""
        for node in self.nodes:
            if "const" in node:
                return True, node["const"]
            if isinstance(node.get("enum"), list) and len(node["enum"]) == 1:
                return True, node["enum"][0]
        return False, None

    def annotations(self, keyword: str) -> list[Any]:
        """The values of an annotation keyword (`x-quay-versions`, `x-legacy`) on any node."""
        return [node[keyword] for node in self.nodes if keyword in node]


_CACHE: dict[tuple[int, ...], tuple[tuple[Schema, ...], tuple[Shape, ...]]] = {}
_CACHE_SIZE = 16384


def shapes(nodes: Iterable[Schema]) -> tuple[Shape, ...]:
    """The alternatives of a value all of whose `nodes` apply (memoised per node identity: the
    nodes are the resolved schemas' own, kept alive by the cache so an id is never reused)."""
    nodes = tuple(nodes)
    key = tuple(map(id, nodes))
    hit = _CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], nodes, strict=True)):
        return hit[1]
    found = _expand(nodes)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (nodes, found)
    return found


def _expand(nodes: tuple[Schema, ...]) -> tuple[Shape, ...]:
    pending: list[tuple[list[Schema], list[Schema]]] = [([], list(nodes))]
    done: list[Shape] = []
    while pending and len(done) < MAX_SHAPES:
        taken, todo = pending.pop()
        if not todo:
            kinds = frozenset(KINDS.intersection(*(_node_kinds(n) for n in taken)))
            if kinds:
                done.append(Shape(tuple(taken), kinds))
            continue
        node, rest = todo[0], todo[1:]
        if not isinstance(node, dict):
            pending.append((taken, rest))
            continue
        rest = [*node.get("allOf", []), *rest]
        branches: list[Sequence[Schema]] = [[]]
        for keyword in ("anyOf", "oneOf"):
            if isinstance(node.get(keyword), list):
                branches = [[*b, alt] for b in branches for alt in node[keyword]]
        if "then" in node or "else" in node:
            conditional = [[node["then"]] if "then" in node else [], [node.get("else", {})]]
            branches = [[*b, *c] for b in branches for c in conditional]
        for branch in reversed(branches):
            pending.append(([*taken, node], [*branch, *rest]))
    return tuple(done)


def union_kinds(all_shapes: Iterable[Shape]) -> frozenset[str]:
    """Every kind any of the shapes allows."""
    out: set[str] = set()
    for shape in all_shapes:
        out |= shape.kinds
    return frozenset(out)
