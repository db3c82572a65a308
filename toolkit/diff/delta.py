"""The noun of the diff rules: one directed difference between two schema nodes.

A change *widens* when the new schema accepts instances the old one rejected, *narrows* when it
rejects instances the old one accepted, does *both*, or is *unknown* when inclusion cannot be
decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from toolkit.contract.registry import Schema

WIDEN, NARROW, BOTH, UNKNOWN = "widen", "narrow", "both", "unknown"
FLIP = {WIDEN: NARROW, NARROW: WIDEN, BOTH: BOTH, UNKNOWN: UNKNOWN}


@dataclass(frozen=True)
class Delta:
    """One semantic difference between two schema nodes."""

    rule: str
    pointer: str
    keyword: str
    old: Any
    new: Any
    direction: str


class Compare(Protocol):
    """The recursive comparison (`rules.compare`), handed to the keyword groups that recurse."""

    def __call__(self, old: Schema, new: Schema, ptr: str = "", kw: str = "") -> list[Delta]: ...


def join(kw: str, key: str) -> str:
    """A keyword path one step deeper."""
    return f"{kw}/{key}" if kw else key
