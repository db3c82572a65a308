"""The contract: load the schemas, resolve `$ref`s offline, compile validators, detect events.

Everything else in the toolkit stands on this package; it imports nothing above it.
`from toolkit import contract` gives the compiled contract's functions (`contract.fast(event)`,
`contract.examples(event)`, ...), imported on first use: importing one of its modules (such as
`toolkit.contract.releases`) costs only that module, not the schemas and their validators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.contract.compiled import (
        TEST_NOTIFICATION,
        examples,
        fast,
        is_test_notification,
        raw,
        resolved,
        rich,
        schema_id,
        test_notification_examples,
        test_notification_schema,
    )
    from toolkit.contract.registry import EVENTS, Schema, UnknownEventError, check_event
    from toolkit.contract.shapes import ANNOTATIONS, shape_groups, shares_shape_with, structure

__all__ = [
    "ANNOTATIONS",
    "EVENTS",
    "TEST_NOTIFICATION",
    "Schema",
    "UnknownEventError",
    "check_event",
    "examples",
    "fast",
    "is_test_notification",
    "raw",
    "resolved",
    "rich",
    "schema_id",
    "shape_groups",
    "shares_shape_with",
    "structure",
    "test_notification_examples",
    "test_notification_schema",
]

_LAZY = {
    **dict.fromkeys(
        (
            "TEST_NOTIFICATION",
            "examples",
            "fast",
            "is_test_notification",
            "raw",
            "resolved",
            "rich",
            "schema_id",
            "test_notification_examples",
            "test_notification_schema",
        ),
        "toolkit.contract.compiled",
    ),
    **dict.fromkeys(
        ("EVENTS", "Schema", "UnknownEventError", "check_event"), "toolkit.contract.registry"
    ),
    **dict.fromkeys(
        ("ANNOTATIONS", "shape_groups", "shares_shape_with", "structure"),
        "toolkit.contract.shapes",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit.contract' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
