"""An exemplar payload as the prover sees it: each string and number numbered in document order
(the scanner's leaves), everything else fixed by the skeleton.

A Node is ("o", {key: Node}), ("a", [Node]), ("s" | "i" | "d", leaf, value), ("b", value) or
("n", None). Two lines with one skeleton have the same nodes except for leaf values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Node = tuple[Any, ...]
Op = tuple[Any, ...]
"""("dfa" | "ndfa", leaf, automaton), ("len", leaf, min, max | -1), ("in" | "notin", leaf, kind,
literals), ("imin" | "imax", leaf, bound), ("anyne", ((leaf, kind, literal), ...))."""


def joined(derived: Iterable[list[Op] | None]) -> list[Op] | None:
    """The ops of every derivation in turn (all must hold); None as soon as one is None (the
    derivations are drawn lazily: none after that is made)."""
    ops: list[Op] = []
    for found in derived:
        if found is None:
            return None
        ops.extend(found)
    return ops


def tree(payload: Any) -> tuple[Node, list[Any]]:
    """The payload's nodes and its leaf values (by leaf number)."""
    values: list[Any] = []
    return _node(payload, values), values


def _node(value: Any, values: list[Any]) -> Node:
    kind = type(value)
    if kind is dict:
        return ("o", {k: _node(v, values) for k, v in value.items()})
    if kind is list:
        return ("a", [_node(v, values) for v in value])
    if kind is str or kind is int or kind is float:
        values.append(value)
        return ("s" if kind is str else "i" if kind is int else "d", len(values) - 1, value)
    if kind is bool:
        return ("b", value)
    if value is None:
        return ("n", None)
    raise TypeError(kind)


def skeleton(payload: Any) -> bytes | None:
    """The scanner's skeleton of a parsed payload (None when a key needs escaping): equal to the
    skeleton of the raw line only if no object in it repeats a key."""
    out: list[str] = []
    if not _skel(payload, out):
        return None
    return "".join(out).encode()


def _skel(value: Any, out: list[str]) -> bool:
    kind = type(value)
    if kind is dict:
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            if not k.isascii() or not k.isprintable() or '"' in k or "\\" in k:
                return False
            out.append(f'{"," if i else ""}"{k}":')
            if not _skel(v, out):
                return False
        out.append("}")
    elif kind is list:
        out.append("[")
        for i, v in enumerate(value):
            if i:
                out.append(",")
            if not _skel(v, out):
                return False
        out.append("]")
    else:
        out.append(_KINDS[kind] if value is not True else "t")
    return True


_KINDS: dict[type, str] = {str: "s", int: "i", float: "d", bool: "f", type(None): "n"}


def canonical_int(value: Any) -> str | None:
    """The JSON text of an integer-valued number (not a boolean), else None."""
    if type(value) is int:
        return str(value)
    if type(value) is float and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return None
