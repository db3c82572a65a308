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

from collections.abc import Callable, Sequence
from typing import Any

from toolkit.prover.automata import Dfa
from toolkit.prover.keywords import PAIRED, SAT
from toolkit.prover.refute import reasons
from toolkit.prover.tree import Node, Op, canonical_int, joined

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
        read = [(k, v) for k, v in schema.items() if k not in IGNORED and k not in PAIRED]
        ops = joined(self._rule(schema, key, value, node) for key, value in read)
        if ops is None or "if" not in schema:
            return ops
        found = self._conditional(schema, node)
        return None if found is None else ops + found

    def _rule(self, schema: dict[str, Any], key: str, value: Any, node: Node) -> Ops:
        """What keyword `key` of `schema` needs ([] for annotations, None for an unknown one)."""
        if key.startswith("x-"):
            return []
        rule = SAT.get(key)
        return None if rule is None else rule(self, schema, value, node)

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
