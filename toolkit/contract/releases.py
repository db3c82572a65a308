"""The Quay releases the contract knows, and sets of them (`Releases`).

The universe is a schema, `schemas/_common/releases.schema.json` (an `enum` of release numbers,
oldest first). A `Releases` value is a bitset over that list: cheap to intersect, hash and pickle,
and it prints as ranges ("Quay ≥ 3.9", "Quay 3.3 to 3.8.1" with an en dash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

from toolkit.contract.installed import read_json, schema_root

FILE = "_common/releases.schema.json"
DASH = " \u2013 "
"""Between the ends of a range of releases (an en dash, spaced)."""


@cache
def known() -> tuple[str, ...]:
    """Every known release, oldest first (`3.0.0`, …)."""
    return tuple(str(v) for v in read_json(f"{schema_root()}/{FILE}")["enum"])


@cache
def _index() -> dict[str, int]:
    return {version: i for i, version in enumerate(known())}


class UnknownReleaseError(LookupError):
    """A release number the contract does not know (or that is not one)."""

    def __init__(self, text: str) -> None:
        first, last = known()[0], known()[-1]
        super().__init__(
            f"unknown Quay release {text!r}; expected X.Y or X.Y.Z between {first} and {last} "
            f"(the releases listed in schemas/{FILE})"
        )
        self.text = text


class Releases:
    """A set of known Quay releases (bit i = the i-th release of `known()`): an immutable,
    hashable value, shared per set (`_of`), that pickles as its bits."""

    __slots__ = ("bits",)
    bits: int

    def __init__(self, bits: int) -> None:
        object.__setattr__(self, "bits", bits)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Releases is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Releases) and other.bits == self.bits

    def __hash__(self) -> int:
        return hash(self.bits)

    def __repr__(self) -> str:
        return f"Releases(bits={self.bits})"

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return _of, (self.bits,)

    @classmethod
    def every(cls) -> Releases:
        """Every known release."""
        return _of((1 << len(known())) - 1)

    @classmethod
    def from_bits(cls, bits: int) -> Releases:
        """The set whose bit i is the i-th release of `known()` (shared per set)."""
        return _of(bits)

    @classmethod
    def none(cls) -> Releases:
        """No release."""
        return _of(0)

    @classmethod
    def of(cls, versions: Iterable[str]) -> Releases:
        """The set of the given (known) release numbers."""
        index = _index()
        bits = 0
        for version in versions:
            bits |= 1 << index[version]
        return _of(bits)

    @classmethod
    def from_ranges(cls, ranges: Iterable[Iterable[Any]]) -> Releases:
        """The inverse of as_ranges(): `[[first, last or None], ...]`."""
        index = _index()
        top = len(known()) - 1
        bits = 0
        for first, last in ranges:
            stop = top if last is None else index[last]
            bits |= ((1 << (stop + 1)) - 1) ^ ((1 << index[first]) - 1)
        return _of(bits)

    def __or__(self, other: Releases) -> Releases:
        return _of(self.bits | other.bits)

    def __and__(self, other: Releases) -> Releases:
        return _of(self.bits & other.bits)

    def __invert__(self) -> Releases:
        return _of(Releases.every().bits & ~self.bits)

    def __bool__(self) -> bool:
        return bool(self.bits)

    def __len__(self) -> int:
        return self.bits.bit_count()

    def __contains__(self, version: object) -> bool:
        i = _index().get(str(version))
        return i is not None and bool(self.bits >> i & 1)

    def __iter__(self) -> Iterator[str]:
        return (v for i, v in enumerate(known()) if self.bits >> i & 1)

    def issubset(self, other: Releases) -> bool:
        """Whether every release of this set is in `other`."""
        return not self.bits & ~other.bits

    def runs(self) -> list[tuple[str, str]]:
        """Maximal runs of consecutive known releases, as (first, last)."""
        return list(_runs(self.bits))

    def as_ranges(self) -> list[list[str | None]]:
        """`[[first, last], ...]`, `last` None when a run reaches the newest known release."""
        return [list(pair) for pair in _ranges(self.bits)]

    def as_json(self) -> dict[str, Any]:
        """`{"text": str(self), "ranges": self.as_ranges()}`, the shape every report uses."""
        return {"text": _text(self.bits), "ranges": [list(pair) for pair in _ranges(self.bits)]}

    def __str__(self) -> str:
        """`Quay ≥ 3.9`, `Quay 3.3 {DASH} 3.8.1`, `Quay ≤ 3.3.4, ≥ 3.18`, `any release ≥ 3.0`."""
        return _text(self.bits)

    def describe(self) -> str:
        """The docs' words: `3.8.2 and later`, `3.3.4 and earlier`, `not 3.4.0 {DASH} 3.17.4`."""
        if self == Releases.every():
            return "every release"
        if not self:
            return f"no release since {known()[0]}"
        runs = self.runs()
        gaps = (~self).runs()
        versions = known()
        if len(gaps) == 1 and runs[0][0] == versions[0] and runs[-1][1] == versions[-1]:
            return f"not {gaps[0][0]}{DASH}{gaps[0][1]}"
        words = [_words(a, b) for a, b in runs]
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


@lru_cache(maxsize=4096)
def _runs(bits: int) -> tuple[tuple[str, str], ...]:
    """Releases.runs() of a set, computed once per set: every verdict of a run prints its
    fingerprint, and a run has few distinct ones."""
    versions = known()
    out: list[tuple[str, str]] = []
    start = None
    for i in range(len(versions) + 1):
        inside = i < len(versions) and bits >> i & 1
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            out.append((versions[start], versions[i - 1]))
            start = None
    return tuple(out)


@lru_cache(maxsize=4096)
def _ranges(bits: int) -> tuple[tuple[str, str | None], ...]:
    """Releases.as_ranges() of a set, computed once per set."""
    newest = known()[-1]
    return tuple((first, None if last == newest else last) for first, last in _runs(bits))


@lru_cache(maxsize=4096)
def _text(bits: int) -> str:
    """str() of a set, computed once per set."""
    first = _short(known()[0])
    if bits == Releases.every().bits:
        return f"any release ≥ {first}"
    if not bits:
        return f"no release ≥ {first}"
    return "Quay " + ", ".join(_span(a, b, short=True) for a, b in _runs(bits))


def _short(version: str) -> str:
    """`3.9.0` → `3.9`: a run that starts at a minor release names the minor."""
    return version[:-2] if version.endswith(".0") else version


def _span(first: str, last: str, *, short: bool) -> str:
    versions = known()
    start = _short(first) if short else first
    if last == versions[-1]:
        return f"≥ {start}"
    if first == versions[0]:
        return f"≤ {last}"
    return first if first == last else f"{start}{DASH}{last}"


def _words(first: str, last: str) -> str:
    versions = known()
    if last == versions[-1]:
        return f"{first} and later"
    if first == versions[0]:
        return f"{last} and earlier"
    return f"{first} only" if first == last else f"{first}{DASH}{last}"


_INTERNED: dict[int, Releases] = {}


def _of(bits: int) -> Releases:
    """The one shared Releases value for `bits` (passes counted by it pickle once per batch)."""
    found = _INTERNED.get(bits)
    if found is None:
        found = _INTERNED[bits] = Releases(bits)
    return found


_RELEASE = r"v?(\d+)\.(\d+)(?:\.(\d+))?"


def parse_release(text: str) -> Releases:
    """The releases that `--quay-version TEXT` means: `3.8.2` is one release, `3.8` every known
    3.8.x patch release.

    Args:
        text: `X.Y` or `X.Y.Z`.

    Returns:
        The set of known releases it names.

    Raises:
        UnknownReleaseError: Not a release number, or not a known release.
    """
    match = re.fullmatch(_RELEASE, text.strip())
    if match is None:
        raise UnknownReleaseError(text)
    major, minor, patch = match.groups()
    if patch is not None:
        version = f"{int(major)}.{int(minor)}.{int(patch)}"
        if version not in _index():
            raise UnknownReleaseError(text)
        return Releases.of([version])
    prefix = f"{int(major)}.{int(minor)}."
    found = Releases.of(v for v in known() if v.startswith(prefix))
    if not found:
        raise UnknownReleaseError(text)
    return found


def label(text: str) -> str:
    """How findings name a `--quay-version` value: `Quay 3.10`, `Quay 3.8.2`."""
    return "Quay " + text.strip().lstrip("v")
