"""Derive, from a schema and an exemplar payload, the ops that prove the schema accepts (or
rejects) every payload with the exemplar's skeleton whose leaves pass them.

What the skeleton fixes (keys, kinds, lengths of arrays, booleans, nulls) is decided here, once;
what depends on a leaf's value becomes an op for the scanner. Where a choice depends on values
(`anyOf`, `oneOf`, `if`), the exemplar picks the branch and the ops pin that choice, so the ops
are sufficient for any line, whichever exemplar was seen. Anything not understood gives None
("cannot prove"), never a guess: an unknown keyword, `$ref`, a format other than uri, floats
where an integer or a bound is asked, `uniqueItems` over two or more items, `multipleOf`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from toolkit.prover.automata import Dfa
from toolkit.prover.kinds import fixed_in, literals, type_fit
from toolkit.prover.refute import reasons
from toolkit.prover.tree import Node, Op, canonical_int

Ops = list[Op] | None
IGNORED = frozenset(
    {
        "title",
        "description",
        "examples",
        "default",
        "$comment",
        "$schema",
        "$id",
        "definitions",
        "readOnly",
        "writeOnly",
    }
)


class Deriver:
    """sat/fail for one set of automata (pattern or "format:uri" -> Dfa) and exemplar leaves."""

    def __init__(self, automata: dict[str, int], dfas: Sequence[Dfa], values: list[Any]) -> None:
        self.automata = automata
        self.dfas = dfas
        self.values = values

    # -- what makes a schema accept ------------------------------------------------------------

    def sat(self, schema: Any, node: Node) -> Ops:
        """Ops under which `schema` accepts every payload like the exemplar at `node`."""
        if schema is True:
            return []
        if schema is False or not isinstance(schema, dict):
            return None
        ops: list[Op] = []
        for key, value in schema.items():
            if key in IGNORED or key.startswith("x-") or key in _PAIRED:
                continue
            rule = _SAT.get(key)
            found = None if rule is None else rule(self, schema, value, node)
            if found is None:
                return None
            ops.extend(found)
        if "if" in schema:
            found = self._conditional(schema, node)
            if found is None:
                return None
            ops.extend(found)
        return ops

    def _conditional(self, schema: dict[str, Any], node: Node) -> Ops:
        then = self.holding(self.sat(schema["if"], node))
        if then is not None:
            rest = self.sat(schema.get("then", True), node)
            return None if rest is None else then + rest
        otherwise = self.holding(self.fail(schema["if"], node))
        if otherwise is not None:
            rest = self.sat(schema.get("else", True), node)
            return None if rest is None else otherwise + rest
        return None

    def holding(self, ops: Ops) -> Ops:
        """`ops` if the exemplar passes them, else None."""
        return ops if ops is not None and all(self.check(op) for op in ops) else None

    # -- what makes a schema reject ------------------------------------------------------------

    def fail(self, schema: Any, node: Node) -> Ops:
        """Ops under which `schema` rejects every payload like the exemplar at `node` (the
        exemplar passing them); None when no such reason is found."""
        if schema is False:
            return []
        if not isinstance(schema, dict):
            return None
        for ops in reasons(self, schema, node):
            held = self.holding(ops)
            if held is not None:
                return held
        return None

    # -- ops on leaves -------------------------------------------------------------------------

    def string_op(self, node: Node, op: Op, fixed: Callable[[str], bool]) -> Ops:
        """`op` on a string leaf, or decided now for a fixed string (a key: leaf None)."""
        if node[1] is None:
            return [] if fixed(node[2]) else None
        return [op]

    def dfa(self, key: str) -> int | None:
        return self.automata.get(key)

    def check(self, op: Op) -> bool:
        """Whether the exemplar passes `op` (as the scanner would, for an unescaped line)."""
        name = op[0]
        if name == "anyne":
            return any(not _equal(self.values[leaf], kind, lit) for leaf, kind, lit in op[1])
        if name == "eq":
            a, b = self.values[op[1]], self.values[op[2]]
            return type(a) is type(b) and a == b
        if name in ("solve", "percent", "qbytes"):
            return True  # the scanner checks the exemplar before a program is added
        if name == "distinct":
            seen = [(type(self.values[leaf]), self.values[leaf]) for leaf in op[1]]
            return len(set(seen)) == len(seen)
        value = self.values[op[1]]
        if name in ("dfa", "ndfa"):
            if type(value) is not str:
                return False
            ok = self.dfas[op[2]].accepts(value.encode("utf-8"))
            return ok if name == "dfa" else not ok and value.isascii() and value.isprintable()
        if name == "len":
            return type(value) is str and op[2] <= len(value) and (op[3] < 0 or len(value) <= op[3])
        if name in ("in", "notin"):
            hit = any(_equal(value, op[2], lit) for lit in op[3])
            return hit if name == "in" else not hit
        if name == "imin":
            return type(value) is int and value >= op[2]
        if name == "imax":
            return type(value) is int and value <= op[2]
        return False


def _equal(value: Any, kind: str, literal: str) -> bool:
    if kind == "s":
        return type(value) is str and value == literal
    return canonical_int(value) == literal and type(value) is int


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
    ops: list[Op] = []
    declared = v if isinstance(v, dict) else {}
    extra = s.get("additionalProperties", True)
    for key, child in node[1].items():
        found = d.sat(declared.get(key, extra), child)
        if found is None:
            return None
        ops.extend(found)
    return ops


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
    ops: list[Op] = []
    for key, need in v.items():
        if key not in node[1]:
            continue
        if isinstance(need, list):
            if any(k not in node[1] for k in need):
                return None
            continue
        found = d.sat(need, node)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _items(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if node[0] != "a":
        return []
    ops: list[Op] = []
    extra = s.get("additionalItems", True)
    for i, child in enumerate(node[1]):
        sub = (v[i] if i < len(v) else extra) if isinstance(v, list) else v
        found = d.sat(sub, child)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _unique(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    if v is not True or node[0] != "a" or len(node[1]) < 2:
        return []
    items = node[1]
    if any(item[0] not in ("s", "i") for item in items):
        return None  # objects, arrays, floats, booleans: not compared here
    return [("distinct", tuple(item[1] for item in items))]


def _all_of(d: Deriver, s: dict[str, Any], v: Any, node: Node) -> Ops:
    ops: list[Op] = []
    for sub in v:
        found = d.sat(sub, node)
        if found is None:
            return None
        ops.extend(found)
    return ops


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


_PAIRED = frozenset({"additionalItems", "if", "then", "else"})
"""Read with their partner keyword (items, properties) or together (if/then/else)."""
_SAT: dict[str, Callable[[Deriver, dict[str, Any], Any, Node], Ops]] = {
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
