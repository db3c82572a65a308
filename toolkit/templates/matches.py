"""The nouns of evaluating JSONPath over a schema: values that may match, crashes, misses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit.templates.shapes import MANY, Shape, union_kinds


@dataclass(frozen=True)
class Absence:
    """Why a value may be missing from a payload."""

    path: str
    """The JSON path of the member that may be missing, or of the value that decides it."""
    reason: str
    """In words: `optional`, `when trigger_metadata is {}`, `when the array is empty`, ..."""


@dataclass(frozen=True)
class Value:
    """Values of one schema location that an expression can match."""

    shapes: tuple[Shape, ...]
    path: str
    low: int
    """At least this many concrete values match (0: possibly none)."""
    high: int
    absences: tuple[Absence, ...] = ()
    """Why `low` is 0."""
    parent: Value | None = None
    annotated: tuple[tuple[str, Any], ...] = ()
    """(path, x-quay-versions) of every member on the way that only some releases send."""
    declared: bool = True
    """False for members no schema declares (what `*` may meet from a newer Quay)."""

    @property
    def kinds(self) -> frozenset[str]:
        """The JSON kinds this value can have."""
        return union_kinds(self.shapes)


@dataclass(frozen=True)
class Crash:
    """A step that raises for some payloads: Quay's delivery fails with this exception."""

    type: str
    message: str
    path: str
    when: str
    certain: bool
    """Raised for every payload, not only some."""


@dataclass(frozen=True)
class Miss:
    """A name looked up where no payload of the event has it."""

    name: str
    at: str
    known: tuple[str, ...]
    """The names that do exist there."""


@dataclass
class Outcome:
    """What an expression gives over every payload of one schema."""

    values: list[Value] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    string_index: list[str] = field(default_factory=list)
    """Paths of strings indexed with `[n]` (one character)."""
    unsupported: str | None = None
    """A construct not modelled (`where`); no conclusions are drawn then."""

    @property
    def low(self) -> int:
        """At least this many matches for every payload."""
        return min(sum(v.low for v in self.values), MANY)

    @property
    def high(self) -> int:
        """At most this many matches."""
        return min(sum(v.high for v in self.values), MANY)

    @property
    def kinds(self) -> frozenset[str]:
        """Kinds of the matched values that the contract declares."""
        return union_kinds(s for v in self.declared for s in v.shapes)

    @property
    def declared(self) -> list[Value]:
        """The matched values the contract declares (not what `*` may meet beyond it)."""
        return [v for v in self.values if v.declared]

    @property
    def any_kinds(self) -> frozenset[str]:
        """Kinds of every value that may match, undeclared members included."""
        return union_kinds(s for v in self.values for s in v.shapes)
