"""The event names and schema loading (kept for compatibility: `from toolkit.registry import
EVENTS` still works; the module lives in `toolkit.contract.registry`)."""

from toolkit.contract.registry import (
    EVENTS,
    SUFFIX,
    Schema,
    UnknownEventError,
    check_event,
    event_schema,
    load_all,
    load_file,
    schema_dir,
    schema_files,
)

__all__ = [
    "EVENTS",
    "SUFFIX",
    "Schema",
    "UnknownEventError",
    "check_event",
    "event_schema",
    "load_all",
    "load_file",
    "schema_dir",
    "schema_files",
]
