"""Flatten a resolved schema into field tables: one table per object, one row per property.

The docs generator renders these tables; they are plain data. A property's facts are gathered
from every subschema that applies to it (`allOf` members always; `anyOf`/`oneOf` branches as
alternatives), so an inherited base property and the event's refinement of it make one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from toolkit.contract.registry import Schema
from toolkit.contract.versions import annotation
from toolkit.docsite.citations import Erratum, erratum
from toolkit.docsite.releases import field_versions

LIMITS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "minProperties",
    "maxProperties",
)
"""Keywords shown beside format and enum, in this order."""

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}


@dataclass(frozen=True)
class Field:
    """One property of an object, as a docs reader needs it."""

    name: str
    path: str
    """Dotted path from the payload root, `[]` marking array items: `trigger_metadata.commit`."""
    types: tuple[str, ...]
    """Alternative JSON types, `null` excluded: `("string",)`, `("array of string",)`."""
    required: bool
    nullable: bool
    constraints: tuple[tuple[str, Any], ...]
    """(keyword, value) pairs: `format`, `enum`, `const` and the LIMITS keywords."""
    patterns: tuple[str, ...]
    """ECMA-262 patterns; several when alternatives (or array items) differ."""
    versions: str | None
    """Which Quay releases send it, in words (with the annotation's note), if not all do."""
    legacy: bool
    description: str
    errata: tuple[Erratum, ...]
    nested: str | None
    """Path of the table describing this field's object (or its items' object), if any."""


@dataclass(frozen=True)
class Table:
    """The properties of one object in the payload."""

    path: str
    """Dotted path of the object; `""` for the payload itself."""
    title: str | None
    description: str
    fields: tuple[Field, ...]


def parts(node: Any) -> list[Schema]:
    """`node` and, recursively, its `allOf` members: the subschemas that all apply."""
    if not isinstance(node, dict):
        return []
    out = [node]
    for member in node.get("allOf", []):
        out.extend(parts(member))
    return out


def branches(node: Schema) -> list[Schema]:
    """The `anyOf`/`oneOf` alternatives of `node` and of its `allOf` members."""
    return [b for p in parts(node) for key in ("anyOf", "oneOf") for b in p.get(key, [])]


def _types(node: Schema) -> tuple[list[str], bool]:
    """A node's alternative type names (arrays spelled out) and whether it admits null."""
    declared: list[str] = []
    for part in parts(node):
        if "const" in part:
            declared = [_const_type(part["const"])]
        elif "type" in part and not declared:
            value = part["type"]
            declared = list(value) if isinstance(value, list) else [value]
        elif "enum" in part and not declared:
            declared = sorted({_JSON_TYPES.get(type(v), "null") for v in part["enum"]})
    nullable = "null" in declared
    names = [t for t in declared if t != "null"]
    alternatives: list[str] = []
    for branch in branches(node):
        sub, sub_null = _types(branch)
        nullable |= sub_null
        alternatives += [t for t in sub if t not in alternatives]
    if not names or (alternatives and not set(alternatives) <= set(names)):
        names = alternatives or names
    if "array" in names:
        items = [i for p in parts(node) if isinstance(i := p.get("items"), dict)]
        item_types = _types(items[0])[0] if items else []
        of = " or ".join(item_types) or "any"
        names = [f"array of {of}" if t == "array" else t for t in names]
    return names, nullable


def _const_type(data: Any) -> str:
    if isinstance(data, list):
        items = sorted({_const_type(item) for item in data})
        return f"array of {' or '.join(items) or 'any'}"
    return _JSON_TYPES.get(type(data), "object" if isinstance(data, dict) else "null")


def _patterns(node: Schema) -> list[str]:
    own = node.get("pattern")
    found = [own] if own else [p["pattern"] for p in parts(node)[1:] if "pattern" in p][:1]
    for branch in branches(node):
        found += [p for p in _patterns(branch) if p not in found]
    for part in parts(node):
        if isinstance(part.get("items"), dict):
            found += [p for p in _patterns(part["items"]) if p not in found]
    return found


def _constraints(node: Schema) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    seen: set[str] = set()
    candidates = parts(node) + branches(node)
    items = [p["items"] for p in parts(node) if isinstance(p.get("items"), dict)]
    for key in ("const", "enum", "format"):
        for part in candidates + [i for item in items for i in parts(item) + branches(item)]:
            if key in part and key not in seen:
                seen.add(key)
                out.append((key, part[key]))
    for key in LIMITS:
        for part in parts(node):
            if key in part and key not in seen:
                seen.add(key)
                out.append((key, part[key]))
    return out


def _object_nodes(node: Schema) -> list[Schema]:
    """Subschemas describing the object a field holds (its own, its alternatives', its items')."""
    candidates = [node, *branches(node)]
    found = [c for c in candidates if any("properties" in p for p in parts(c))]
    for part in parts(node):
        if isinstance(part.get("items"), dict):
            found += _object_nodes(part["items"])
    return found


def _properties(nodes: list[Schema]) -> tuple[dict[str, list[Schema]], set[str]]:
    """Each property's subschemas across `nodes` (base members first) and the required names."""
    props: dict[str, list[Schema]] = {}
    required: set[str] = set()
    for node in nodes:
        for part in reversed(parts(node)):
            for name, sub in part.get("properties", {}).items():
                props.setdefault(name, []).append(sub)
            required.update(part.get("required", []))
    return props, required


def _field(name: str, path: str, subs: list[Schema], required: bool) -> Field:
    merged: Schema = {"allOf": subs}
    types, nullable = _types(merged)
    flat = [p for s in subs for p in parts(s)]
    is_array = any(p.get("type") == "array" or "items" in p for p in flat)
    nested = f"{path}[]" if is_array else path
    description = next((s["description"] for s in reversed(subs) if "description" in s), "")
    return Field(
        name=name,
        path=path,
        types=tuple(types),
        required=required,
        nullable=nullable,
        constraints=tuple(_constraints(merged)),
        patterns=tuple(_patterns(subs[-1]) or _patterns(merged)),
        versions=field_versions(next(filter(None, map(annotation, flat)), None)),
        legacy=any(p.get("x-legacy") for p in flat),
        description=description,
        errata=tuple(dict.fromkeys(erratum(e) for p in flat for e in p.get("x-docs-errata", []))),
        nested=nested if _object_nodes(merged) else None,
    )


def tables(schema: Schema, path: str = "") -> list[Table]:
    """The object at `path` and every object nested in it, depth first."""
    return list(_tables([schema], path, schema.get("title"), schema.get("description", "")))


def _tables(nodes: list[Schema], path: str, title: Any, description: str) -> Iterator[Table]:
    props, required = _properties(nodes)
    for name in sorted(required - props.keys()):
        props[name] = [{"description": "Required; the schema does not constrain its value."}]
    fields = []
    for name, subs in props.items():
        child = f"{path}.{name}" if path else name
        fields.append(_field(name, child, subs, name in required))
    yield Table(path, str(title) if title else None, description, tuple(fields))
    for field in fields:
        if field.nested is None:
            continue
        subs = props[field.name]
        objects = [n for s in subs for n in _object_nodes(s)]
        titles = [n["title"] for n in objects if "title" in n]
        yield from _tables(objects, field.nested, titles[0] if titles else None, field.description)


def declared_paths(schema: Schema) -> list[str]:
    """Every field path the schema declares, nested ones included."""
    return [f.path for t in tables(schema) for f in t.fields]
