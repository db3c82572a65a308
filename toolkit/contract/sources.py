"""The schemas of one checkout, resolved, as the docs generator reads them.

The docs are built from the checkout's `schemas/` folder (not from the installed package), so
`regenerate` in a copy of the tree sees that copy's edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.contract.registry import EVENTS, SUFFIX, Schema, load_file, schema_files
from toolkit.contract.resolve import build_registry, inline
from toolkit.contract.shapes import group_by_shape, top_level


@dataclass(frozen=True)
class Sources:
    """Every event's raw and resolved schema, and which events share a payload shape."""

    raw: dict[str, Schema]
    resolved: dict[str, Schema]
    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, schemas: Path) -> Sources:
        """Read and resolve every schema under `schemas` (no network)."""
        by_id = {}
        for path in schema_files(schemas):
            schema = load_file(path)
            by_id[str(schema["$id"])] = schema
        registry = build_registry(by_id)
        raw = {e: load_file(schemas / f"{e}{SUFFIX}") for e in EVENTS}
        resolved = {e: inline(raw[e], registry) for e in EVENTS}
        return cls(raw, resolved, group_by_shape(resolved))

    def group(self, event: str) -> tuple[str, ...]:
        """The events sharing `event`'s shape, `event` included, in EVENTS order."""
        return next(g for g in self.groups if event in g)

    def test_notification(self, event: str) -> Schema:
        """The resolved schema of the event's test-notification body."""
        node = self.resolved[event]["definitions"]["test_notification"]
        assert isinstance(node, dict)
        return node

    def top_keys(self, event: str, keyword: str) -> set[str]:
        """Top-level `required` names or `properties` keys, `allOf` members included."""
        return top_level(self.resolved[event], keyword)

    def legacy_owners(self, event: str) -> dict[str, tuple[str, ...]]:
        """Legacy top-level keys of `event`'s shape group → the events that sent them."""
        owners: dict[str, list[str]] = {}
        for member in self.group(event):
            for name, prop in self.resolved[member].get("properties", {}).items():
                if prop.get("x-legacy"):
                    owners.setdefault(name, []).append(member)
        return {k: tuple(v) for k, v in owners.items()}

    def identifying_keys(self, event: str) -> list[str]:
        """Required top-level keys no event of another shape declares."""
        others: set[str] = set()
        for group in self.groups:
            if event not in group:
                for member in group:
                    others |= self.top_keys(member, "properties")
        return sorted(self.top_keys(event, "required") - others)

    def test_markers(self, event: str) -> list[tuple[str, Any]]:
        """The fixed top-level values that mark the event's test-notification body."""
        node = self.test_notification(event)
        required = set(node.get("required", []))
        return [
            (k, v["const"])
            for k, v in node.get("properties", {}).items()
            if k in required and "const" in v
        ]
