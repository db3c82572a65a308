"""An Issue: one disagreement between captures and the contract, and how bad each kind is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GROUP = " | "
"""Joins the events of one shared shape when a payload without an event URL fits several."""
Severity = Literal["error", "warning"]
KINDS: dict[str, Severity] = {
    "missing-required": "error",
    "null-not-allowed": "error",
    "enum-outside-schema": "error",
    "type-mismatch": "error",
    "invariant-broken": "error",
    "undeclared-field": "warning",
    "optional-always-present": "warning",
    "version-unsent": "error",
    "version-mismatch": "error",
}
"""Issue kinds and their severity: errors are drift that breaks the contract (exit 1)."""


@dataclass(frozen=True)
class Issue:
    """One disagreement between the captures and the schema."""

    event: str
    path: str
    kind: str
    count: int
    """How many captures show it."""
    of: int
    """Out of how many where the field could appear."""
    detail: str

    @property
    def severity(self) -> Severity:
        """`error` when the contract is broken by real traffic, else `warning`."""
        return KINDS[self.kind]
