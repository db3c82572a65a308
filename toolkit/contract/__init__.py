"""The contract: load the schemas, resolve `$ref`s offline, compile validators, detect events.

Everything else in the toolkit stands on this package; it imports nothing above it.
`from toolkit import contract` gives the compiled contract's functions (`contract.fast(event)`,
`contract.examples(event)`, ...).
"""

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
