"""The cross-field invariants (`x-invariants`) compiled into ops, as
toolkit.contract.invariant_check.Compiled evaluates them (the reference).

Whether an invariant applies is the skeleton's business (its object and fields present, with
usable types) except for `when` constants on strings and numbers, which become `in`/`notin` ops
pinned to the exemplar's answer. An applying invariant becomes an `eq` op per whole-value
comparison of two leaves and one `solve` op for its text templates: literal text, field texts
(strings, integers, `first7` of a string) and free variables with their `where` automata, solved
by the scanner with every split tried, as the reference does. Anything else (other filters,
floats in text, objects compared whole) gives None: the invariant is left to Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.contract.invariant_check import ANY, NEVER, TEXT, Compiled
from toolkit.contract.invariant_templates import Path, Ref, Var
from toolkit.contract.jsontypes import same
from toolkit.prover.tree import Node, Op, canonical_int

Ops = list[Op] | None
_USABLE = {TEXT: "sid", "string": "s", "number": "id"}


def where_key(pattern: str) -> str:
    """The automaton key of a `where` pattern (matched whole, as the reference does)."""
    return f"^(?:{pattern})$"


def compile_invariants(
    compiled: Sequence[Compiled], root: Node, values: list[Any], automata: dict[str, int]
) -> Ops:
    """Ops under which every invariant of `compiled` holds (or does not apply) on every payload
    with the exemplar's skeleton; None when one cannot be compiled."""
    ops: list[Op] = []
    for c in compiled:
        found = _one(c, root, values, automata)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _walk(node: Node | None, path: Path) -> Node | None:
    for step in path:
        if node is None:
            return None
        if type(step) is int:
            node = node[1][step] if node[0] == "a" and 0 <= step < len(node[1]) else None
        else:
            node = node[1].get(step) if node[0] == "o" else None
    return node


def _one(c: Compiled, root: Node, values: list[Any], automata: dict[str, int]) -> Ops:
    at = _walk(root, c.at) if c.at else root
    if at is None or at[0] != "o":
        return []  # the declaring object is not there: it does not apply
    fields = [_walk(at, path) for path in c.fields]
    for node, need in zip(fields, c.needs, strict=True):
        if node is None or need == NEVER:
            return []
        if need != ANY and node[0] not in _USABLE.get(need, ""):
            return [] if need in _USABLE else None
    ops: list[Op] = []
    for i, constant in c.when:
        found = _when(fields[i], constant, values)
        if found is None:
            return None
        applies, op = found
        if op is not None:
            ops.append(op)
        if not applies:
            return ops  # pinned: it does not apply to any line these ops prove
    pairs: list[tuple[int, tuple[tuple[str, Any, int], ...]]] = []
    for path, template in c.equal:
        target = fields[c.index[path]]
        assert target is not None
        whole = template.whole
        if whole is not None:
            source = fields[c.index[whole.path]]
            assert source is not None
            if whole.filter == "first7" and target[0] == "s" and source[0] == "s":
                pairs.append((target[1], (("prefix", source[1], 7),)))
                continue
            if whole.filter:
                found_eq = _filtered(whole, target, fields, c)
            else:
                found_eq = _equal(target, source)
            if found_eq is None:
                return None
            ops.extend(found_eq)
            continue
        if target[0] != "s":
            return None
        chunks = []
        for segment in template.segments:
            chunk = _chunk(segment, fields, c)
            if chunk is None:
                return None
            chunks.append(chunk)
        pairs.append((target[1], tuple(chunks)))
    if pairs:
        names = tuple(dict.fromkeys(name for _, pair in pairs for k, name, _ in pair if k == "var"))
        where = dict(c.invariant.where)
        keys = [automata.get(where_key(where[name])) for name in names]
        if any(k is None for k in keys):
            return None
        ops.append(("solve", tuple(keys), names, tuple(pairs)))
    return ops


def _when(node: Node | None, constant: Any, values: list[Any]) -> tuple[bool, Op | None] | None:
    """(whether it applies, the op pinning that) for one `when` field."""
    assert node is not None
    kind = node[0]
    if kind in ("b", "n"):
        return same(node[1], constant), None
    if kind == "s":
        if type(constant) is not str:
            return False, None
        hit = values[node[1]] == constant
        return hit, ("in" if hit else "notin", node[1], "s", (constant,))
    if kind == "i":
        text = None if type(constant) is bool else canonical_int(constant)
        if text is None:
            return (False, None) if type(constant) is not float else None
        hit = same(values[node[1]], constant)
        return hit, ("in" if hit else "notin", node[1], "i", (text,))
    return None


def _equal(target: Node, source: Node) -> Ops:
    """Ops under which the two values are equal as JSON (`same`)."""
    if target[0] in ("b", "n") and source[0] in ("b", "n"):
        return [] if same(target[1], source[1]) else None
    if target[0] == source[0] and target[0] in ("s", "i"):
        return [("eq", target[1], source[1])]
    if target[0] == source[0] == "a" and len(target[1]) == len(source[1]):
        pairs = list(zip(target[1], source[1], strict=True))
    elif target[0] == source[0] == "o" and target[1].keys() == source[1].keys():
        pairs = [(node, source[1][key]) for key, node in target[1].items()]
    else:
        return None
    ops: list[Op] = []
    for a, b in pairs:
        found = _equal(a, b)
        if found is None:
            return None
        ops.extend(found)
    return ops


def _filtered(whole: Ref, target: Node, fields: list[Node | None], c: Compiled) -> Ops:
    """A whole-value comparison with a number filter: percent_of or quay_bytes of integers."""
    source = fields[c.index[whole.path]]
    assert source is not None
    if whole.filter == "percent_of" and whole.arg is not None:
        total = fields[c.index[whole.arg]]
        assert total is not None
        if target[0] == source[0] == total[0] == "i":
            return [("percent", target[1], source[1], total[1])]
    if whole.filter == "quay_bytes" and target[0] == "s" and source[0] == "i":
        return [("qbytes", target[1], source[1])]
    return None


def _chunk(segment: Any, fields: list[Node | None], c: Compiled) -> tuple[str, Any, int] | None:
    if isinstance(segment, str):
        return ("lit", segment, 0)
    if isinstance(segment, Var):
        return ("var", segment.name, 0)
    assert isinstance(segment, Ref)
    node = fields[c.index[segment.path]]
    assert node is not None
    if segment.filter is None and node[0] in ("s", "i"):
        return ("leaf", node[1], 0)
    if segment.filter == "first7" and node[0] == "s":
        return ("prefix", node[1], 7)
    return None
