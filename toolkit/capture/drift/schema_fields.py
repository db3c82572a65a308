"""What an event's schema declares per field path: required, types, nullable, enum values.

Paths use JSONPath with `[*]` for array items (`$.trigger_metadata.commit_info.author.username`,
`$.updated_tags[*]`). Combinators are folded conservatively: `allOf` members add constraints,
`anyOf`/`oneOf` branches widen types and properties, and a field counts as required only when
every branch requires it. `if`/`then`/`else` only narrow, so they add declared properties and
nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit import contract
from toolkit.contract.fingerprint import narrowed
from toolkit.contract.jsontypes import json_type
from toolkit.contract.releases import Releases
from toolkit.contract.versions import RULE, UNSENT

JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


@dataclass
class FieldSpec:
    """The schema's view of one path."""

    path: str
    required: bool = False
    types: set[str] = field(default_factory=set)
    """Declared JSON types; empty means any."""
    enum: set[Any] | None = None
    """Allowed values when every branch restricts them (`enum`/`const`), else `None`."""
    legacy: bool = False
    unsent: bool = False
    """The given Quay release never sends it (the schema was narrowed to one)."""

    @property
    def nullable(self) -> bool:
        """Whether `null` is allowed."""
        return (
            not self.types or "null" in self.types or (self.enum is not None and None in self.enum)
        )


def schema_fields(event: str, target: Releases | None = None) -> dict[str, FieldSpec]:
    """Every declared field path of `event`'s production schema (narrowed to the releases of
    `target`, when given: fields they always send are required, those they never send
    `unsent`)."""
    out: dict[str, FieldSpec] = {}
    schema = contract.resolved(event) if target is None else narrowed(event, target)
    _walk(schema, "$", out)
    return out


def _branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The node and its allOf members, flattened (they all apply at once)."""
    out = [node]
    for member in node.get("allOf", []):
        if isinstance(member, dict):
            out.extend(_branches(member))
    return out


def _types(node: dict[str, Any]) -> set[str]:
    """Declared types of a node, widened over anyOf/oneOf; empty when unconstrained."""
    found: set[str] = set()
    constrained = False
    for part in _branches(node):
        if "type" in part:
            value = part["type"]
            found |= set(value if isinstance(value, list) else [value])
            constrained = True
        if "const" in part:
            found.add(json_type(part["const"]))
            constrained = True
        if "enum" in part:
            found |= {json_type(v) for v in part["enum"]}
            constrained = True
        for key in ("anyOf", "oneOf"):
            if key in part:
                alt = [_types(b) for b in part[key] if isinstance(b, dict)]
                if all(alt):
                    found |= set().union(*alt)
                    constrained = True
    return found if constrained else set()


def _enum(node: dict[str, Any]) -> set[Any] | None:
    """Allowed values, when restricted on every path through the node."""
    for part in _branches(node):
        if "enum" in part:
            return {_hashable(v) for v in part["enum"]}
        if "const" in part:
            return {_hashable(part["const"])}
        for key in ("anyOf", "oneOf"):
            if key in part:
                alts = [_enum(b) if isinstance(b, dict) else None for b in part[key]]
                merged: set[Any] = set()
                for branch, values in zip(part[key], alts, strict=True):
                    if values is None:
                        if _types(branch) == {"null"}:
                            merged.add(None)
                            continue
                        return None
                    merged |= values
                return merged
    return None


def _properties(node: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """Property name → every subschema declaring it, and the names required on all paths."""
    props: dict[str, list[dict[str, Any]]] = {}
    required: set[str] = set()
    for part in _branches(node):
        for name, sub in part.get("properties", {}).items():
            props.setdefault(name, []).append(sub)
        required |= set(part.get("required", []))
        for key in ("anyOf", "oneOf"):
            branches = [b for b in part.get(key, []) if isinstance(b, dict)]
            if not branches:
                continue
            alt_required = []
            for branch in branches:
                sub_props, sub_required = _properties(branch)
                for name, subs in sub_props.items():
                    props.setdefault(name, []).extend(subs)
                alt_required.append(sub_required)
            required |= set.intersection(*alt_required)
        for key in ("then", "else"):
            if isinstance(part.get(key), dict):
                for name in part[key].get("properties", {}):
                    props.setdefault(name, [])
    return props, required


def _walk(node: dict[str, Any], path: str, out: dict[str, FieldSpec]) -> None:
    props, required = _properties(node)
    for name, subs in props.items():
        child = f"{path}.{name}"
        spec = out.setdefault(child, FieldSpec(child))
        spec.required = spec.required or name in required
        defining = [s for s in subs if isinstance(s, dict)]
        if any(s.get(RULE) == UNSENT for s in defining):
            spec.unsent = True
            continue
        if not defining:
            continue
        spec.legacy = spec.legacy or any(s.get("x-legacy") for s in defining)
        merged: dict[str, Any] = {"allOf": defining}
        spec.types |= _types(merged)
        spec.enum = _enum(merged)
        _walk(merged, child, out)
    for part in _branches(node):
        items = part.get("items")
        if isinstance(items, dict):
            child = f"{path}[*]"
            spec = out.setdefault(child, FieldSpec(child, required=False))
            spec.types |= _types(items)
            spec.enum = _enum(items)
            _walk(items, child, out)


def _hashable(value: Any) -> Any:
    return value if not isinstance(value, list | dict) else repr(value)
