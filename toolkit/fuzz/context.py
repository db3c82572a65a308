"""Per-draw state, and the copy of JSON values that drawing and mutation share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ctx:
    """Per-draw state: the random source and the values of free variables (`x-invariants`),
    seeded with the server every URL of the payload points at."""

    rng: Any
    host: str
    scheme: str
    variables: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.variables.setdefault("host", self.host)
        self.variables.setdefault("scheme", self.scheme)


def copy_json(value: Any) -> Any:
    """A deep copy of a parsed JSON value (dicts and lists rebuilt, scalars shared)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value
