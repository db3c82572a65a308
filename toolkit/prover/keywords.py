"""The keywords' rules for toolkit.prover.derive: each gives the ops under which its keyword
accepts the payload at a node (None: it cannot be proven), deciding on the skeleton what it can."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from toolkit.prover.automata import Dfa
from toolkit.prover.kinds import fixed_in, literals, type_fit
from toolkit.prover.tree import Node, Op, joined

Ops = list[Op] | None


class Deriver(Protocol):
    """What the rules need of toolkit.prover.derive.Deriver."""

    dfas: Sequence[Dfa]

    def dfa(self, key: str) -> int | None: ...
    def sat(self, schema: Any, node: Node) -> Ops: ...
    def fail(self, schema: Any, node: Node) -> Ops: ...
    def holding(self, ops: Ops) -> Ops: ...
    def string_op(self, node: Node, op: Op, fixed: Callable[[str], bool]) -> Ops: ...


def _enum(d: Deriver, members: Sequence[Any], node: Node) -> Ops:
    decided = fixed_in(node, members)
    if decided is not None:
        return [] if decided else None
    if node[0] in ("o", "a"):
        return None
    found = literals(node, members)
    if found is None or not found[1]:
        return None
    return [("in", node[1], found[0], found[1])]


def _type(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    return [] if type_fit(v, node) else None


def _properties(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "o":
        return []
    declared = v if isinstance(v, dict) else {}
    extra = s.get("additionalProperties", True)
    return joined(d.sat(declared.get(key, extra), child) for key, child in node[1].items())


def _additional(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    return _properties(d, s, {}, node) if "properties" not in s else []


def _required(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    return None if node[0] == "o" and any(k not in node[1] for k in v) else []


def _property_names(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "o":
        return []
    for key in node[1]:
        if d.sat(v, ("s", None, key)) != []:
            return None
    return []


def _count(low: bool, kind: str) -> Callable[[Deriver, dict[str, Any], Any, Node], Ops]:
    def rule(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
        if node[0] != kind:
            return []
        n = len(node[1])
        return [] if (n >= v if low else n <= v) else None

    return rule


def _dependencies(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "o":
        return []
    present = [(key, need) for key, need in v.items() if key in node[1]]
    if any(isinstance(need, list) and any(k not in node[1] for k in need) for _, need in present):
        return None
    return joined(d.sat(need, node) for _, need in present if not isinstance(need, list))


def _items(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "a":
        return []
    extra = s.get("additionalItems", True)
    if not isinstance(v, list):
        return joined(d.sat(v, child) for child in node[1])
    return joined(d.sat(v[i] if i < len(v) else extra, child) for i, child in enumerate(node[1]))


def _unique(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if v is not True or node[0] != "a" or len(node[1]) < 2:
        return []
    items = node[1]
    if any(item[0] not in ("s", "i") for item in items):
        return None  # objects, arrays, floats, booleans: not compared here
    return [("distinct", tuple(item[1] for item in items))]


def _all_of(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    return joined(d.sat(sub, node) for sub in v)


def _any_of(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    for sub in v:
        found = d.holding(d.sat(sub, node))
        if found is not None:
            return found
    return None


def _one_of(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    for i, sub in enumerate(v):
        found = d.holding(d.sat(sub, node))
        if found is None:
            continue
        for j, other in enumerate(v):
            if j != i:
                against = d.fail(other, node)
                if against is None:
                    return None
                found = found + against
        return found
    return None


def _not(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    return d.fail(v, node)


def _pattern(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "s":
        return []
    index = d.dfa(v)
    if index is None:
        return None
    dfa = d.dfas[index]
    return d.string_op(node, ("dfa", node[1], index), lambda t: dfa.accepts(t.encode()))


def _format(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "s":
        return []
    return None if v != "uri" else _pattern(d, s, "format:uri", node)


def _length(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "s":
        return []
    low = s.get("minLength", 0)
    high = s.get("maxLength", -1)
    return d.string_op(
        node, ("len", node[1], low, high), lambda t: low <= len(t) and (high < 0 or len(t) <= high)
    )


def _bound(low: bool, exclusive: bool) -> Callable[[Deriver, dict[str, Any], Any, Node], Ops]:
    def rule(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
        if node[0] not in ("i", "d"):
            return []
        if node[0] == "d" or type(v) not in (int, float) or not math.isfinite(v):
            return None
        if low:
            edge = math.floor(v) + 1 if exclusive else math.ceil(v)
        else:
            edge = math.ceil(v) - 1 if exclusive else math.floor(v)
        if abs(edge) >= 10**18:
            return None
        return [("imin" if low else "imax", node[1], int(edge))]

    return rule


PAIRED = frozenset({"additionalItems", "if", "then", "else"})
"""Read with their partner keyword (items, properties) or together (if/then/else)."""
SAT: dict[str, Callable[[Deriver, dict[str, Any], Any, Node], Ops]] = {
    "type": _type,
    "enum": lambda d, s, v, node: _enum(d, v, node),
    "const": lambda d, s, v, node: _enum(d, [v], node),
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "propertyNames": _property_names,
    "minProperties": _count(True, "o"),
    "maxProperties": _count(False, "o"),
    "minItems": _count(True, "a"),
    "maxItems": _count(False, "a"),
    "dependencies": _dependencies,
    "items": _items,
    "uniqueItems": _unique,
    "allOf": _all_of,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "not": _not,
    "pattern": _pattern,
    "format": _format,
    "minLength": _length,
    "maxLength": lambda d, s, v, node: [] if "minLength" in s else _length(d, s, v, node),
    "minimum": _bound(True, False),
    "maximum": _bound(False, False),
    "exclusiveMinimum": _bound(True, True),
    "exclusiveMaximum": _bound(False, True),
}
