"""Inline every `$ref` of a schema, keeping the referring site's annotations."""

from __future__ import annotations

from typing import Any

from referencing import Registry, Resource
from referencing._core import Resolver
from referencing.jsonschema import DRAFT7

from toolkit.registry import Schema

_DROP = ("$id", "$schema")


def build_registry(schemas: dict[str, Schema]) -> Registry[Any]:
    """A `referencing` registry holding every schema under its `$id`; nothing is fetched."""
    resources = [
        (uri, Resource.from_contents(s, default_specification=DRAFT7)) for uri, s in schemas.items()
    ]
    return Registry().with_resources(resources)


def inline(schema: Schema, registry: Registry[Any]) -> Schema:
    """Return `schema` with each `$ref` replaced by its target.

    Keywords beside a `$ref` (only annotations in draft-07) override the target's, so a property's
    own `description` wins over the shared definition's. Nested `$id`/`$schema` are dropped.
    """
    resolver = registry.resolver(base_uri=str(schema.get("$id", "")))
    out = _walk(schema, resolver)
    assert isinstance(out, dict)
    for key in _DROP:
        if key in schema:
            out[key] = schema[key]
    return out


def _walk(node: Any, resolver: Resolver[Any]) -> Any:
    if isinstance(node, list):
        return [_walk(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        target = _walk(resolved.contents, resolved.resolver)
        siblings = {k: _walk(v, resolver) for k, v in node.items() if k != "$ref"}
        return {k: v for k, v in target.items() if k not in _DROP} | siblings
    if "$id" in node:
        resolver = resolver.in_subresource(
            Resource.from_contents(node, default_specification=DRAFT7)
        )
    return {k: _walk(v, resolver) for k, v in node.items() if k not in _DROP}
