"""The contract: every event's schema, compiled once, with fast and rich validators.

The fast path is jsonschema-rs (compiled, ECMA-262 regexes, formats asserted). The rich path is
python-jsonschema with an ECMA-262 `pattern` keyword (regress) and format checks, used only to
explain failures. Both resolve `$ref`s inside `schemas/` and never touch the network.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from toolkit.registry import EVENTS, Schema, check_event, load_all

TEST_NOTIFICATION = "#/definitions/test_notification"
ANNOTATIONS = frozenset(
    {"title", "description", "examples", "$comment", "default", "$id", "$schema"}
)


def schema_id(event: str) -> str:
    """The `$id` of an event's schema."""
    check_event(event)
    for uri in load_all():
        if uri.endswith(f"/{event}.schema.json"):
            return uri
    raise LookupError(event)  # pragma: no cover - guarded by tests over EVENTS


def raw(event: str) -> Schema:
    """The event's schema exactly as written."""
    return load_all()[schema_id(event)]


@cache
def _rs_registry() -> Any:
    return jsonschema_rs.Registry(list(load_all().items()))


@cache
def fast(event: str, *, test_notification: bool = False) -> Any:
    """A compiled jsonschema-rs validator for the event (or for its test-notification variant)."""
    uri = schema_id(event)
    schema: Schema = {"$ref": uri + TEST_NOTIFICATION} if test_notification else raw(event)
    return jsonschema_rs.validator_for(
        schema, registry=_rs_registry(), validate_formats=True, offline=True
    )


@cache
def rich(event: str, *, test_notification: bool = False) -> Any:
    """A python-jsonschema validator for detailed errors (ECMA-262 patterns, formats checked)."""
    from toolkit.rich_engine import make_validator

    uri = schema_id(event)
    schema: Schema = {"$ref": uri + TEST_NOTIFICATION} if test_notification else raw(event)
    return make_validator(schema, load_all())


@cache
def resolved(event: str) -> Schema:
    """The event's schema with every `$ref` inlined (for docs, fuzzing and statistics)."""
    from toolkit.resolve import inline

    return inline(raw(event), load_all())


def test_notification_schema(event: str) -> Schema:
    """The inlined schema of the body Quay's "Test Notification" button sends for `event`."""
    node = resolved(event)["definitions"]["test_notification"]
    assert isinstance(node, dict)
    return node


def examples(event: str) -> list[Any]:
    """The event's documented example payloads."""
    return list(raw(event).get("examples", []))


def test_notification_examples(event: str) -> list[Any]:
    """Sample test-notification bodies for the event."""
    return list(raw(event)["definitions"]["test_notification"].get("examples", []))


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


@cache
def shape_groups() -> tuple[tuple[str, ...], ...]:
    """Events whose payloads share one shape (legacy aside); bodies cannot tell them apart."""
    import orjson

    groups: dict[str, list[str]] = {}
    for event in EVENTS:
        key = orjson.dumps(structure(resolved(event)), option=orjson.OPT_SORT_KEYS).decode()
        groups.setdefault(key, []).append(event)
    return tuple(tuple(g) for g in groups.values())


def shares_shape_with(event: str) -> tuple[str, ...]:
    """The other events whose payloads have the same shape as `event`'s."""
    for group in shape_groups():
        if event in group:
            return tuple(e for e in group if e != event)
    return ()
