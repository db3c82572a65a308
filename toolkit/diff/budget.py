"""How much replay evidence a diff may gather, and what was cut to stay within it.

Evidence is a bonus on top of the rules, so its cost is bounded: a time budget for the whole
replay, a size above which a (sub-)schema is not fuzzed (hypothesis-jsonschema's canonicalisation
is quadratic in the size of an enum), and a cap on the enum values probed per changed location.
Every cut is recorded in words, and the report says that the evidence is partial.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import orjson

DEFAULT_SECONDS = 60.0
DEFAULT_MAX_SCHEMA_BYTES = 256 * 1024
MAX_LITERALS = 64
"""Enum values probed per changed location (spread over the whole enum)."""


@dataclass
class Budget:
    """Limits of one evidence run, and the cuts made so far."""

    seconds: float | None = DEFAULT_SECONDS
    """Time for the whole replay; `None` for no limit."""
    max_schema_bytes: int = DEFAULT_MAX_SCHEMA_BYTES
    max_literals: int = MAX_LITERALS
    started: float = field(default_factory=time.monotonic)
    cuts: list[str] = field(default_factory=list)

    def spent(self) -> bool:
        """Whether the time budget has run out."""
        return self.seconds is not None and time.monotonic() - self.started > self.seconds

    def cut(self, reason: str) -> None:
        """Record that some evidence was not gathered, and why (once per reason)."""
        if reason not in self.cuts:
            self.cuts.append(reason)

    def out_of_time(self, what: str) -> str:
        """The reason for a cut made because the time budget ran out."""
        return f"the {self.seconds:g} s evidence budget (--evidence-budget) ran out {what}"

    def fits(self, schema: Any, where: str) -> bool:
        """Whether `schema` is small enough to fuzz; records a cut when it is not."""
        try:
            size = len(orjson.dumps(schema))
        except TypeError:  # integers beyond 64 bits: small enough to matter little
            return True
        if size <= self.max_schema_bytes:
            return True
        self.cut(
            f"{where}: a schema of {size:,} bytes is over the {self.max_schema_bytes:,}-byte "
            "fuzzing budget (--evidence-max-schema); it was not fuzzed"
        )
        return False

    def spread(self, values: list[Any], where: str) -> list[Any]:
        """At most `max_literals` of `values`, evenly spread; records a cut when it drops any."""
        if len(values) <= self.max_literals:
            return values
        self.cut(f"{where}: {self.max_literals} of {len(values):,} enum values were probed")
        step = (len(values) - 1) / (self.max_literals - 1)
        return [values[round(i * step)] for i in range(self.max_literals)]
