"""Why a schema rejects a payload like the exemplar: the candidate reasons, each a list of ops
(toolkit.prover.derive.Deriver.fail keeps the first the exemplar passes).

A reason the skeleton decides is an empty list (a wrong type, a missing required key, too many
items ...); a value-dependent one is an op (a string outside an enum, a string an exact pattern
automaton rejects). Only exact automata are negated: the uri automaton accepts a subset of what
`format: uri` accepts, so failing it proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from toolkit.prover.automata import Dfa
from toolkit.prover.kinds import fixed_in, literals, type_fit
from toolkit.prover.tree import Node, Op, joined


class Deriver(Protocol):
    """What refuting needs of toolkit.prover.derive.Deriver."""

    dfas: Sequence[Dfa]

    def dfa(self, key: str) -> int | None: ...
    def sat(self, schema: Any, node: Node) -> list[Op] | None: ...
    def fail(self, schema: Any, node: Node) -> list[Op] | None: ...
    def holding(self, ops: list[Op] | None) -> list[Op] | None: ...


def reasons(d: Deriver, schema: dict[str, Any], node: Node) -> Iterator[list[Op] | None]:
    """Candidate reasons for `schema` to reject the payload at `node` (None: not one)."""
    kind = node[0]
    if "type" in schema and type_fit(schema["type"], node) is False:
        yield []
    for key in ("enum", "const"):
        if key in schema:
            yield _outside(schema[key] if key == "enum" else [schema[key]], node)
    if kind == "o":
        yield from _object(d, schema, node)
    if kind == "a":
        yield from _array(d, schema, node)
    if kind == "s" and node[1] is not None and "pattern" in schema:
        index = d.dfa(schema["pattern"])
        if index is not None and d.dfas[index].exact:
            yield [("ndfa", node[1], index)]
    for sub in schema.get("allOf", ()):
        yield d.fail(sub, node)
    if "anyOf" in schema:
        yield joined(d.fail(branch, node) for branch in schema["anyOf"])
    if "not" in schema:
        yield d.holding(d.sat(schema["not"], node))
    if "if" in schema:
        yield from _conditional(d, schema, node)


def _outside(members: list[Any], node: Node) -> list[Op] | None:
    decided = fixed_in(node, members)
    if decided is not None:
        return None if decided else []
    if node[0] in ("o", "a"):
        return None
    found = literals(node, members)
    if found is None:
        return None
    return [("notin", node[1], found[0], found[1])] if found[1] else []


def _object(d: Deriver, schema: dict[str, Any], node: Node) -> Iterator[list[Op] | None]:
    members = node[1]
    if any(k not in members for k in schema.get("required", ())):
        yield []
    if len(members) > schema.get("maxProperties", len(members)):
        yield []
    if len(members) < schema.get("minProperties", 0):
        yield []
    for key, need in (schema.get("dependencies") or {}).items():
        if key in members and isinstance(need, list) and any(k not in members for k in need):
            yield []
    names = schema.get("propertyNames")
    if names is not None:
        for key in members:
            if d.fail(names, ("s", None, key)) == []:
                yield []
    declared = schema.get("properties") or {}
    extra = schema.get("additionalProperties", True)
    if "patternProperties" in schema:
        return
    for key, child in members.items():
        yield d.fail(declared.get(key, extra), child)


def _array(d: Deriver, schema: dict[str, Any], node: Node) -> Iterator[list[Op] | None]:
    items = node[1]
    if len(items) < schema.get("minItems", 0) or len(items) > schema.get("maxItems", len(items)):
        yield []
    each = schema.get("items", True)
    extra = schema.get("additionalItems", True)
    for i, child in enumerate(items):
        sub = (each[i] if i < len(each) else extra) if isinstance(each, list) else each
        yield d.fail(sub, child)


def _conditional(d: Deriver, schema: dict[str, Any], node: Node) -> Iterator[list[Op] | None]:
    then, otherwise = schema.get("then", True), schema.get("else", True)
    held = d.holding(d.sat(schema["if"], node))
    if held is not None:
        against = d.fail(then, node)
        yield None if against is None else held + against
    missed = d.fail(schema["if"], node)
    if missed is not None:
        against = d.fail(otherwise, node)
        yield None if against is None else missed + against
