"""Every event's schema, compiled once, with fast and rich validators.

The fast path is jsonschema-rs (compiled, ECMA-262 regexes, formats asserted). The rich path is
python-jsonschema with an ECMA-262 `pattern` keyword (regress) and format checks, used only to
explain failures. Both resolve `$ref`s inside `schemas/` and never touch the network.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema_rs

from toolkit.contract.registry import Schema, check_event, load_all

TEST_NOTIFICATION = "#/definitions/test_notification"


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


def is_test_notification(payload: Any, event: str) -> bool:
    """Whether `payload` is the body Quay's Test button sends for `event`.

    Decided by the variant alone: some test bodies also honour the production contract
    (repo_push, the mirror and quota events), and are still test notifications.
    """
    return bool(fast(event, test_notification=True).is_valid(payload))


@cache
def rich(event: str, *, test_notification: bool = False) -> Any:
    """A python-jsonschema validator for detailed errors (ECMA-262 patterns, formats checked)."""
    from toolkit.contract.rich_engine import make_validator

    uri = schema_id(event)
    schema: Schema = {"$ref": uri + TEST_NOTIFICATION} if test_notification else raw(event)
    return make_validator(schema, load_all())


@cache
def resolved(event: str) -> Schema:
    """The event's schema with every `$ref` inlined (for docs, fuzzing and statistics)."""
    from toolkit.contract.resolve import inline

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
