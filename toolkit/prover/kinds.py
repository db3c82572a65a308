"""What the skeleton decides about a node: whether its kind fits a `type`, whether a fixed value
(a boolean, null, a key) is in an enum, and the JSON texts a leaf could equal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.prover.tree import Node, canonical_int

_TYPES: dict[str, frozenset[str]] = {
    "object": frozenset("o"),
    "array": frozenset("a"),
    "string": frozenset("s"),
    "integer": frozenset("i"),
    "number": frozenset("id"),
    "boolean": frozenset("b"),
    "null": frozenset("n"),
}


def literals(node: Node, members: Sequence[Any]) -> tuple[str, tuple[str, ...]] | None:
    """The kind and the JSON texts of the `members` a leaf could equal (None for a float)."""
    kind = node[0]
    if kind == "s":
        return "s", tuple(m for m in members if type(m) is str)
    if kind == "i":
        found = (canonical_int(m) for m in members if type(m) is not bool)
        return "i", tuple(m for m in found if m is not None)
    return None


def fixed_in(node: Node, members: Sequence[Any]) -> bool | None:
    """Whether a skeleton-fixed value (boolean, null, or a key) is one of `members`; None when
    it is not fixed."""
    if node[0] == "b":
        return any(type(m) is bool and m is node[1] for m in members)
    if node[0] == "n":
        return any(m is None for m in members)
    if node[0] == "s" and node[1] is None:
        return node[2] in [m for m in members if type(m) is str]
    return None


def type_fit(types: Any, node: Node) -> bool | None:
    """Whether the node's kind is one of `types`; None when its value decides (a float)."""
    names = types if isinstance(types, list) else [types]
    kinds = frozenset().union(*(_TYPES.get(n, frozenset()) for n in names))
    if node[0] in kinds:
        return True
    if node[0] == "d" and "integer" in names:
        return None
    return False
