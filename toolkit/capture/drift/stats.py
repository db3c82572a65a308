"""Per-field observations over many payloads of one event."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from toolkit.contract.jsontypes import json_type

MAX_VALUES = 50
"""Distinct scalar values kept per field (enough for enums, bounded for free text)."""


@dataclass
class Observed:
    """What was seen at one path."""

    present: int = 0
    nulls: int = 0
    types: Counter[str] = field(default_factory=Counter)
    values: Counter[Any] = field(default_factory=Counter)
    overflow: bool = False
    """More than MAX_VALUES distinct values were seen (not an enum in reality)."""


@dataclass
class EventStats:
    """Observations for one event."""

    payloads: int = 0
    fields: dict[str, Observed] = field(default_factory=dict)
    containers: Counter[str] = field(default_factory=Counter)
    """How often each object path was present as an object (the presence-rate denominator)."""

    def add(self, payload: dict[str, Any]) -> None:
        """Fold one payload in."""
        self.payloads += 1
        self._object(payload, "$")

    def _object(self, obj: dict[str, Any], path: str) -> None:
        self.containers[path] += 1
        for key, value in obj.items():
            self._value(value, f"{path}.{key}")

    def _value(self, value: Any, path: str) -> None:
        seen = self.fields.get(path)
        if seen is None:
            seen = self.fields[path] = Observed()
        seen.present += 1
        kind = json_type(value)
        seen.types[kind] += 1
        if value is None:
            seen.nulls += 1
        elif isinstance(value, dict):
            self._object(value, path)
        elif isinstance(value, list):
            for item in value:
                self._value(item, f"{path}[*]")
        elif not seen.overflow:
            if value in seen.values or len(seen.values) < MAX_VALUES:
                seen.values[value] += 1
            else:
                seen.overflow = True
