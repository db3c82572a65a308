"""Bring an inlined, annotation-free schema to a canonical form before two versions are compared.

Two schemas that differ only in how they are put together (a `$ref` moved into shared
definitions, `allOf` wrappers, `const` vs a one-value `enum`, `true` vs `{}`) normalise to the same
form. Every step preserves the set of instances the schema accepts.
"""

from __future__ import annotations

from typing import Any

from toolkit.contract.jsontypes import json_type
from toolkit.contract.registry import Schema

SUBSCHEMA: tuple[str, ...] = ("additionalProperties", "propertyNames", "items", "additionalItems")
SUBSCHEMA += ("contains", "not", "if", "then", "else")
SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
LOWER = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
UPPER = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
# Keywords that depend on each other: an allOf item merges them as one group or not at all.
GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"properties", "patternProperties", "additionalProperties"}),
    frozenset({"items", "additionalItems"}),
    frozenset({"if", "then", "else"}),
)
NEVER: Schema = {"not": {}}


def normalize(node: Any) -> Schema:
    """The canonical form of one schema node (a dict; `true` is `{}`, `false` is `{"not": {}}`)."""
    if node is True:
        return {}
    if node is False:
        return dict(NEVER)
    if not isinstance(node, dict):
        return {}
    out: Schema = {}
    for key, value in node.items():
        if key == "items" and isinstance(value, list):
            out[key] = [normalize(sub) for sub in value]
        elif key in SUBSCHEMA:
            out[key] = normalize(value)
        elif key in SCHEMA_MAPS:
            out[key] = {name: normalize(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS:
            out[key] = [normalize(sub) for sub in value]
        elif key == "dependencies":
            out[key] = {
                name: sorted(dep) if isinstance(dep, list) else normalize(dep)
                for name, dep in value.items()
            }
        elif key == "required":
            out[key] = sorted(set(value))
        elif key == "type":
            types = [value] if isinstance(value, str) else list(value)
            out[key] = sorted(set(types))
        else:
            out[key] = value
    if "const" in out:
        const = out.pop("const")
        out["enum"] = [v for v in out.get("enum", [const]) if v == const]
    for key in ("properties", "patternProperties", "dependencies"):
        if out.get(key) == {}:
            del out[key]
    if out.get("required") == []:
        del out["required"]
    if "allOf" in out:
        _merge_all_of(out)
    if out.get("anyOf") is not None and len(out["anyOf"]) == 1 and set(out) == {"anyOf"}:
        return dict(out["anyOf"][0])
    return out


def _merge_all_of(node: Schema) -> None:
    """Fold `allOf` items into `node` where that keeps the meaning; the rest stays in `allOf`."""
    rest: list[Schema] = []
    for item in node.pop("allOf"):
        leftover = {}
        for group in _groups(item):
            part = {k: item[k] for k in group}
            if not _merge_into(node, part):
                leftover.update(part)
        if leftover and leftover != {}:
            rest.append(leftover)
    if rest:
        node["allOf"] = rest


def _groups(item: Schema) -> list[frozenset[str]]:
    out: list[frozenset[str]] = []
    seen: set[str] = set()
    for key in item:
        if key in seen:
            continue
        group = next((g for g in GROUPS if key in g), frozenset({key}))
        present = frozenset(k for k in group if k in item)
        seen |= present
        out.append(present)
    return out


def _merge_into(node: Schema, part: Schema) -> bool:
    """Merge `part` (one keyword group) into `node`; False when that would change the meaning."""
    keys = set(part)
    if keys & {"properties", "patternProperties", "additionalProperties"}:
        return _merge_properties(node, part)
    if not (keys & set(node)):
        node.update(part)
        return True
    if all(node.get(k) == v for k, v in part.items()):
        return True
    if len(keys) != 1:
        return False
    (key,) = keys
    value, mine = part[key], node[key]
    if key == "required":
        node[key] = sorted(set(mine) | set(value))
    elif key == "type":
        both = _intersect_types(mine, value)
        if not both:
            return False
        node[key] = both
    elif key == "enum":
        node[key] = [v for v in mine if v in value]
    elif key in LOWER:
        node[key] = max(mine, value)
    elif key in UPPER:
        node[key] = min(mine, value)
    else:
        return False
    return True


def _merge_properties(node: Schema, part: Schema) -> bool:
    keyed = {"patternProperties", "additionalProperties"}
    if keyed & (set(node) | set(part)):
        if any(k in node for k in ("properties", *keyed)):
            return False
        node.update(part)
        return True
    props = dict(node.get("properties", {}))
    for name, sub in part.get("properties", {}).items():
        props[name] = normalize({"allOf": [props[name], sub]}) if name in props else sub
    node["properties"] = props
    return True


def _intersect_types(a: list[str], b: list[str]) -> list[str]:
    out = set(a) & set(b)
    if "integer" in a and "number" in b:
        out.add("integer")
    if "integer" in b and "number" in a:
        out.add("integer")
    return sorted(out)


def branches(node: Schema) -> list[Schema]:
    """The alternatives of a schema: `anyOf` items, and one branch per JSON type of `type`."""
    if set(node) == {"anyOf"}:
        return [b for sub in node["anyOf"] for b in branches(sub)]
    types = node.get("type")
    if not types or len(types) < 2:
        return [node]
    out = []
    generic = {k: v for k, v in node.items() if k not in TYPE_KEYWORDS and k != "type"}
    for t in types:
        own = {k: v for k, v in node.items() if TYPE_KEYWORDS.get(k) == _family(t)}
        out.append({**generic, "type": [t], **own})
    return out


def _family(json_type: str) -> str:
    return "number" if json_type == "integer" else json_type


TYPE_KEYWORDS: dict[str, str] = {
    **dict.fromkeys(("minLength", "maxLength", "pattern", "format"), "string"),
    **dict.fromkeys(
        ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"), "number"
    ),
    **dict.fromkeys(
        ("items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"), "array"
    ),
    **dict.fromkeys(
        (
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "dependencies",
            "minProperties",
            "maxProperties",
        ),
        "object",
    ),
}
"""The JSON type each type-specific keyword constrains (it ignores instances of other types)."""


def types_of(node: Schema) -> frozenset[str] | None:
    """The JSON types a branch can accept, or None for "any type"."""
    types: set[str] | None = set(node["type"]) if "type" in node else None
    if "enum" in node:
        found = {json_type(v) for v in node["enum"]}
        if types is None:
            types = found
        else:
            types = {t for t in found if t in types or (t == "integer" and "number" in types)}
    return frozenset(types) if types is not None else None
