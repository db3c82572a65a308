"""Strict mode: properties the contract does not declare (drift), and legacy fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit import contract
from toolkit.validation.report import Finding

UNDECLARED = "x-undeclared"
LEGACY = "x-legacy"


def strict_findings(
    payload: Any, events: tuple[str, ...], *, test_notification: bool = False
) -> tuple[Finding, ...]:
    """Undeclared and legacy properties of `payload` under the union of `events`' schemas.

    Objects are matched with every branch of `allOf`/`anyOf`/`oneOf`/`if`/`then`/`else`, so a
    property counts as declared if any branch declares it. A test notification is judged by its
    own variant (`definitions.test_notification`) as well: Quay's Test button sends a fixed
    body, so what the variant or the event declares is no drift, and its legacy fields (the
    build events' `image_id`) are no finding.
    """
    schemas = [contract.resolved(e) for e in events]
    if test_notification:
        schemas += [contract.test_notification_schema(e) for e in events]
    return tuple(_walk(payload, schemas, (), legacy=not test_notification))


def _walk(
    value: Any, schemas: list[Any], pointer: tuple[str | int, ...], *, legacy: bool = True
) -> Iterator[Finding]:
    if isinstance(value, dict):
        props: dict[str, list[Any]] = {}
        open_ended = False
        for node in _branches(schemas):
            for name, sub in node.get("properties", {}).items():
                props.setdefault(name, []).append(sub)
            if node.get("patternProperties") or isinstance(node.get("additionalProperties"), dict):
                open_ended = True
        if not props and not open_ended:
            return  # a free-form object (e.g. custom-git metadata): nothing is declared
        for key, item in value.items():
            where = (*pointer, key)
            subs = props.get(key)
            if subs is None:
                if not open_ended:
                    yield Finding(
                        _path(where),
                        UNDECLARED,
                        f"{key!r} is not declared by the contract (drift: Quay sends more than "
                        "the schema knows, or the payload is not Quay's)",
                        where,
                        rule=UNDECLARED,
                    )
                continue
            old = next((s for s in subs if s.get("x-legacy")), None) if legacy else None
            if old is not None:
                versions = old.get("x-quay-versions")
                since = f" (sent by Quay {versions})" if versions else ""
                yield Finding(
                    _path(where),
                    LEGACY,
                    f"{key!r} is a legacy field{since}; do not rely on it",
                    where,
                    rule=LEGACY,
                )
            yield from _walk(item, subs, where, legacy=legacy)
    elif isinstance(value, list):
        items = [s["items"] for s in _branches(schemas) if isinstance(s.get("items"), dict)]
        if items:
            for i, item in enumerate(value):
                yield from _walk(item, items, (*pointer, i), legacy=legacy)


def _branches(schemas: list[Any]) -> Iterator[dict[str, Any]]:
    stack = [s for s in schemas if isinstance(s, dict)]
    while stack:
        node = stack.pop()
        yield node
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend(n for n in node.get(key, []) if isinstance(n, dict))
        for key in ("if", "then", "else"):
            if isinstance(node.get(key), dict):
                stack.append(node[key])


def _path(pointer: tuple[str | int, ...]) -> str:
    out = "$"
    for step in pointer:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += f".{step}"
        else:
            out += "[" + repr(step) + "]"
    return out
