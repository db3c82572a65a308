"""Inline every `$ref` of a schema, keeping the referring site's annotations.

The contract's `$ref`s are relative URIs with JSON-pointer fragments between the schemas in
`schemas/`, so inlining needs only `urljoin` and a pointer walk; `referencing` (slow to import)
is loaded only for the rich validator's registry.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin

from toolkit.contract.registry import Schema

if TYPE_CHECKING:
    from referencing import Registry

_DROP = ("$id", "$schema")
_join = cache(urljoin)
"""urljoin, memoised: the same few (base, ref) pairs recur across every schema."""


class UnresolvableRefError(LookupError):
    """A `$ref` that points outside the contract or to nothing."""

    def __init__(self, ref: str, base: str, reason: str = "is not a contract schema") -> None:
        super().__init__(f"$ref {ref!r} (from {base}) {reason}")
        self.ref = ref
        self.base = base


def build_registry(schemas: dict[str, Schema]) -> Registry[Any]:
    """A `referencing` registry holding every schema under its `$id`; nothing is fetched."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = [
        (uri, Resource.from_contents(s, default_specification=DRAFT7)) for uri, s in schemas.items()
    ]
    return Registry().with_resources(resources)


def inline(schema: Schema, schemas: dict[str, Schema] | Registry[Any]) -> Schema:
    """Return `schema` with each `$ref` replaced by its target (looked up among `schemas`).

    `schemas` maps `$id` to schema; a `referencing` Registry (from build_registry) also works.

    Keywords beside a `$ref` (only annotations in draft-07) override the target's, so a property's
    own `description` wins over the shared definition's. Nested `$id`/`$schema` are dropped.
    """
    if not isinstance(schemas, dict):
        schemas = _Contents(schemas)
    out = _walk(schema, str(schema.get("$id", "")), schemas, ())
    assert isinstance(out, dict)
    for key in _DROP:
        if key in schema:
            out[key] = schema[key]
    return out


class _Contents(dict[str, Schema]):
    """A registry seen as {uri: contents}."""

    def __init__(self, registry: Registry[Any]) -> None:
        super().__init__()
        self._registry = registry

    def get(self, uri: str, default: Any = None) -> Any:
        try:
            return self._registry.contents(uri)
        except LookupError:
            return default


def lookup(ref: str, base: str, schemas: dict[str, Schema]) -> tuple[Any, str]:
    """The node a `$ref` points at (from a node whose base URI is `base`), and its base URI."""
    return _lookup(ref, base, schemas)


def _lookup(ref: str, base: str, schemas: dict[str, Schema]) -> tuple[Any, str]:
    uri, fragment = urldefrag(_join(base, ref))
    document = schemas.get(uri)
    if document is None:
        raise UnresolvableRefError(ref, base)
    node: Any = document
    for token in filter(None, fragment.split("/")):
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(token)] if isinstance(node, list) else node[token]
        except (KeyError, IndexError, ValueError):
            raise UnresolvableRefError(ref, base, "points to nothing") from None
    return node, uri


def _walk(node: Any, base: str, schemas: dict[str, Schema], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_walk(item, base, schemas, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = str(node["$ref"])
        key = _join(base, ref)
        if key in seen:
            raise UnresolvableRefError(ref, base, "is recursive; it cannot be inlined")
        target_node, target_base = _lookup(ref, base, schemas)
        target = _walk(target_node, target_base, schemas, (*seen, key))
        siblings = {k: _walk(v, base, schemas, seen) for k, v in node.items() if k != "$ref"}
        return {k: v for k, v in target.items() if k not in _DROP} | siblings
    if "$id" in node:
        base = _join(base, str(node["$id"]))
    return {k: _walk(v, base, schemas, seen) for k, v in node.items() if k not in _DROP}
