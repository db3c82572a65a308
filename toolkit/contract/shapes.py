"""Shapes: a schema's validating core, and the events whose payloads share one shape.

Several Quay events send identical bodies (the build events after queueing, the three mirror
events, the two quota events); only the webhook URL tells them apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import orjson

from toolkit.contract.registry import EVENTS, Schema

ANNOTATIONS = frozenset(
    {"title", "description", "examples", "$comment", "default", "$id", "$schema"}
)


def structure(node: Any, *, drop_legacy: bool = True) -> Any:
    """A schema with annotations (and optionally legacy properties) removed: its validating core.

    Keys of `properties` are property names, not keywords: a property called `description` stays.
    """
    if isinstance(node, list):
        return [structure(n, drop_legacy=drop_legacy) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ANNOTATIONS or key.startswith("x-") or key == "definitions":
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {
                name: structure(sub, drop_legacy=drop_legacy)
                for name, sub in value.items()
                if not (drop_legacy and isinstance(sub, dict) and sub.get("x-legacy"))
            }
            continue
        out[key] = structure(value, drop_legacy=drop_legacy)
    return out


def group_by_shape(resolved: Mapping[str, Schema]) -> tuple[tuple[str, ...], ...]:
    """Events (in EVENTS order) grouped by the shape of their resolved schemas, legacy aside."""
    groups: dict[bytes, list[str]] = {}
    for event in EVENTS:
        key = orjson.dumps(structure(resolved[event]), option=orjson.OPT_SORT_KEYS)
        groups.setdefault(key, []).append(event)
    return tuple(tuple(g) for g in groups.values())


@cache
def shape_groups() -> tuple[tuple[str, ...], ...]:
    """Events whose payloads share one shape (legacy aside); bodies cannot tell them apart."""
    from toolkit.contract.compiled import resolved

    return group_by_shape({event: resolved(event) for event in EVENTS})


def shares_shape_with(event: str) -> tuple[str, ...]:
    """The other events whose payloads have the same shape as `event`'s."""
    for group in shape_groups():
        if event in group:
            return tuple(e for e in group if e != event)
    return ()


def top_level(schema: Schema, key: str) -> set[str]:
    """Top-level `required` names or `properties` keys, those of `allOf` members included."""
    out: set[str] = set()
    nodes = [schema]
    while nodes:
        node = nodes.pop()
        value = node.get(key, [])
        out.update(value if isinstance(value, list) else value.keys())
        nodes.extend(node.get("allOf", []))
    return out
