"""Lines that `quay-contract fuzz` writes (toolkit/formats/fuzz-line.schema.json): read as the
payload they carry, with the event they name pinned, so `fuzz ... | validate -` needs no `jq`."""

from __future__ import annotations

from typing import Any

from toolkit.contract.registry import EVENTS

KEYS = frozenset({"event", "payload", "violates"})


def fuzz_line(value: Any) -> tuple[Any, str] | None:
    """(payload, event) of a fuzz line; None for anything else (a payload, an envelope)."""
    if (
        isinstance(value, dict)
        and "payload" in value
        and value.get("event") in EVENTS
        and KEYS.issuperset(value)
    ):
        return value["payload"], value["event"]
    return None
