"""Gather the contract's schema files into one flat set of named components.

Both exports embed the schemas in their own document, under `components.schemas`, so they work
offline and in tools that resolve only local references. Every schema file becomes one component
named by its `title` (the model name: `BuildSuccess`), and every definition, at any depth, becomes
a component of its own (`BuildSuccessTestNotification`; `QuayTypes_uuid` where a definition has
no title). Every `$ref` then points at a component, `#/components/schemas/<name>`: nested
definitions are gone, which code generators need (openapi-typescript turns a nested `$defs` into
a required property of the generated type).

A file that holds only definitions (`_common/types.schema.json`) gets no component of its own. A
`$ref` to anything other than a file or a definition (`#/properties/x`) gets a component of its
own too, a copy of its target, so the references stay by value as in the source. Nested `$id` and
`$schema` are dropped: the document's dialect governs, and a base URI would break the local
references. Everything else, `x-` keywords included, is copied as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from toolkit.contract.registry import Schema
from toolkit.exports.dialect import subschemas

PREFIX = "#/components/schemas/"
_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ExportError(ValueError):
    """The schemas cannot be laid out as components (a name clash, a dangling `$ref`)."""


CONTAINER_KEYS = frozenset({"$id", "$schema", "$comment", "title", "description", "definitions"})
"""A file with nothing else is only a bag of definitions: it gets no component of its own unless
a `$ref` points at it."""


@dataclass
class _Target:
    key: str
    node: Any
    base: str
    container: bool = False


@dataclass
class Components:
    """The named components of a set of schema documents, and where each came from."""

    documents: Mapping[str, Schema]
    """`$id` → schema document, in the order their components are laid out."""
    names: dict[str, str] = field(default_factory=dict)
    """Absolute `uri#pointer` of a source location → component name."""
    _targets: list[_Target] = field(default_factory=list)
    _referenced: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, documents: Mapping[str, Schema]) -> Components:
        """Name every document and every definition in `documents` (keyed by `$id`)."""
        components = cls(documents)
        for uri, document in documents.items():
            stem = uri.rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".schema")
            components._add(uri, "", document, str(document.get("title") or stem))
        return components

    def name(self, uri: str, pointer: str = "") -> str:
        """The component that holds the schema at `uri#pointer`."""
        return self.names[f"{uri}#{pointer}"]

    def schemas(self, convert: Callable[[Any], Any] | None = None) -> dict[str, Any]:
        """Every component, its references rewritten, optionally passed through `convert`."""
        out: dict[str, Any] = {}
        done = 0
        while done < len(self._targets):  # rewriting may add copies of `$ref` targets
            target = self._targets[done]
            done += 1
            schema = self._rewrite(target.node, target.base, top=True)
            out[target.key] = convert(schema) if convert else schema
        for target in self._targets:
            if target.container and target.key not in self._referenced:
                del out[target.key]
        return out

    def _add(self, uri: str, pointer: str, node: Any, key: str, *, copy: bool = False) -> None:
        key = _NAME.sub("_", key)
        if key in {t.key for t in self._targets}:
            clash = next(loc for loc, name in self.names.items() if name == key)
            raise ExportError(f"{uri}#{pointer} and {clash} both become component {key!r}")
        self.names[f"{uri}#{pointer}"] = key
        container = not pointer and isinstance(node, dict) and set(node) <= CONTAINER_KEYS
        self._targets.append(_Target(key, node, uri, container))
        if not copy:  # a copy's definitions were named with the document that holds them
            self._definitions(uri, pointer, node, key)

    def _definitions(self, uri: str, pointer: str, node: Any, key: str) -> None:
        """Name the definitions anywhere inside `node` (a schema at `uri#pointer`)."""
        if not isinstance(node, dict):
            return
        for tokens, sub in subschemas(node):
            where = pointer + "".join("/" + _escape(t) for t in tokens)
            if tokens[0] == "definitions":
                title = sub.get("title") if isinstance(sub, dict) else None
                self._add(uri, where, sub, str(title or f"{key}_{tokens[1]}"))
            else:
                self._definitions(uri, where, sub, key)

    def _rewrite(self, node: Any, base: str, *, top: bool = False) -> Any:
        if not isinstance(node, dict):
            return node
        if "$id" in node and not top:
            base = urljoin(base, str(node["$id"]))
        inner = {tokens: self._rewrite(sub, base) for tokens, sub in subschemas(node)}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$id", "$schema", "definitions"):
                continue
            if key == "$ref":
                out[key] = PREFIX + self._resolve(str(value), base)
            elif any(tokens[0] == key for tokens in inner):
                out[key] = _rebuild(value, key, inner)
            else:
                out[key] = value
        return out

    def _resolve(self, ref: str, base: str) -> str:
        uri, fragment = urldefrag(urljoin(base, ref))
        pointer = unquote(fragment)
        found = self.names.get(f"{uri}#{pointer}")
        if found:
            self._referenced.add(found)
            return found
        document = self.documents.get(uri)
        if document is None:
            raise ExportError(f"$ref {ref!r} (from {base}) is not one of the exported schemas")
        node: Any = document
        for token in filter(None, pointer.split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                node = node.get(token) if isinstance(node, dict) else None
            if node is None:
                raise ExportError(f"$ref {ref!r} (from {base}) points to nothing")
        owner = self.name(uri)
        path = "_".join(filter(None, pointer.split("/")))
        self._add(uri, pointer, node, f"{owner}_{path}", copy=True)
        self._referenced.add(self.name(uri, pointer))
        return self.name(uri, pointer)


def _rebuild(value: Any, key: str, inner: dict[tuple[str, ...], Any]) -> Any:
    """The value of keyword `key` with its subschemas replaced by their rewritten forms."""
    if (key,) in inner:
        return inner[(key,)]
    if isinstance(value, list):
        return [inner.get((key, str(i)), item) for i, item in enumerate(value)]
    return {name: inner.get((key, name), item) for name, item in value.items()}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
