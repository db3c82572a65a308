"""The fast path's validators: each event's schema less the patterns a stronger one implies.

A value often carries two patterns: a build's `homepage` must match `^https?://\\S+$` (every
http_url), the repository page's pattern and the build page's, and the last implies the other
two (`implied.implies`). Checking the weaker ones again changes no verdict and costs ~15 % of a
validation, so the detection routes (and with them the hot path and one-file runs) validate with
them dropped. The schemas, the models, the rich explanations and `compiled.fast` (whose errors
explain a failure) keep every pattern.

A pattern is dropped from an event's copy of the schema documents only if, wherever the event's
schema reaches it, a strictly stronger pattern applies to the same value unconditionally: the
two are reached from the root through `properties` and `allOf` (and `$ref`) alone. Anything
reached through another keyword (`anyOf`, `if`, `items` ...) counts as a place of its own, where
nothing is dropped. tests/contract/test_lean.py checks every drop and the verdicts.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema_rs
import orjson

from toolkit.contract.compiled import schema_id
from toolkit.contract.implied import implies
from toolkit.contract.registry import Schema, load_all

Node = tuple[str, str]
"""(document `$id`, JSON pointer) of a schema node."""
_PLAIN = ("allOf",)


def dropped(event: str) -> list[tuple[Node, str]]:
    """The patterns dropped from `event`'s fast-path schema: (node, pattern), in a stable order."""
    return _plan(schema_id(event), load_all())


@cache
def lean(event: str) -> Any:
    """`event`'s jsonschema-rs validator (formats asserted, offline) without the implied patterns;
    `compiled.fast` when none is implied."""
    docs = load_all()
    drops = _plan(schema_id(event), docs)
    if not drops:
        from toolkit.contract.compiled import fast

        return fast(event)
    copies: dict[str, Schema] = {}
    for (uri, pointer), _ in drops:
        doc = copies.setdefault(uri, orjson.loads(orjson.dumps(docs[uri])))
        del _at(doc, pointer)["pattern"]
    merged = {**docs, **copies}
    registry = jsonschema_rs.Registry(list(merged.items()))
    root = merged[schema_id(event)]
    return jsonschema_rs.validator_for(root, registry=registry, validate_formats=True, offline=True)


def _plan(root: str, docs: Mapping[str, Schema]) -> list[tuple[Node, str]]:
    reaches: dict[Node, set[Any]] = {}
    patterns: dict[Any, list[tuple[Node, str]]] = {}
    fresh = itertools.count()
    todo: list[tuple[Any, str, str, Any]] = [(docs[root], root, "", ())]
    seen: set[tuple[Node, Any]] = set()
    while todo:
        node, uri, pointer, place = todo.pop()
        if not isinstance(node, dict) or ((uri, pointer), place) in seen:
            continue
        seen.add(((uri, pointer), place))
        reaches.setdefault((uri, pointer), set()).add(place)
        ref = node.get("$ref")
        if isinstance(ref, str):  # draft-07: the keywords beside a $ref are ignored
            target, base, at = _resolve(ref, uri, docs)
            todo.append((target, base, at, place))
            continue
        if isinstance(node.get("pattern"), str):
            patterns.setdefault(place, []).append(((uri, pointer), node["pattern"]))
        for key, value in node.items():
            if key in ("definitions", "examples", "default", "enum", "const"):
                continue  # not applied here: a definition is reached through its $ref
            if key in ("properties", "patternProperties", "dependencies"):
                if isinstance(value, dict):
                    for name, sub in value.items():
                        unconditional = key == "properties"
                        where = (*place, name) if unconditional else (next(fresh),)
                        todo.append((sub, uri, f"{pointer}/{key}/{_escape(name)}", where))
            elif isinstance(value, list) and key in ("allOf", "anyOf", "oneOf", "items"):
                for i, sub in enumerate(value):
                    where = place if key in _PLAIN else (next(fresh),)
                    todo.append((sub, uri, f"{pointer}/{key}/{i}", where))
            elif isinstance(value, dict):
                todo.append((value, uri, f"{pointer}/{key}", (next(fresh),)))
    out = []
    for node, pattern in sorted({p for found in patterns.values() for p in found}):
        if all(_stronger(node, pattern, patterns.get(place, [])) for place in reaches[node]):
            out.append((node, pattern))
    return out


def _stronger(node: Node, pattern: str, here: list[tuple[Node, str]]) -> bool:
    """Another pattern at the same place implies `pattern`, and not the other way round."""
    return any(
        other != node and implies(p, pattern) and not implies(pattern, p) for other, p in here
    )


def _resolve(ref: str, base: str, docs: Mapping[str, Schema]) -> tuple[Any, str, str]:
    uri, fragment = urldefrag(urljoin(base, ref))
    return _at(docs[uri], fragment), uri, fragment


def _at(doc: Any, pointer: str) -> Any:
    node = doc
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
