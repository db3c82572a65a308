"""Quay releases, grouped by how they render webhook body templates.

Every release pins jsonpath-rw 1.4.0 and ply 3.11, and the webhook code around the template is the
same in all of them. What differs is the template module and the Python of the image:

- 3.4 and 3.5 (and the 3.6.0 alphas) crash on any expression that matches more than one value.
  The fix landed on 2021-06-08, before the `redhat-3.6` branch was cut, so every 3.6 release has it;
- 3.4 to 3.6 run Python 3.6, which evaluates a dict entry's value before its key and quotes type
  names in some TypeError texts;
- 3.15 and later run Python 3.12, whose RecursionError text for very deep templates is shorter.

Quay 3.3 and older ran the template engine on Python 2 (unordered dicts, `u'…'` reprs), which is
not modelled: `family()` refuses those versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.contract.releases import known

Version = tuple[int, ...]


@dataclass(frozen=True)
class Family:
    """Quay releases that render every template the same way."""

    name: str
    """`3.15+`, `3.7-3.14`, `3.6` or `3.4-3.5`."""
    first: Version
    """The first release of the family."""
    python: str
    """The Python of the Quay image."""
    multi_match_crashes: bool
    """An expression with several matches raises AttributeError instead of giving a list."""
    value_before_key: bool
    """A template object's value is rendered before its key (Python < 3.8)."""
    quoted_type_names: bool
    """`not 'dict'` rather than `not dict` in json.loads's TypeError (Python 3.6)."""
    short_recursion_text: bool
    """A template nested too deeply fails with the bare "maximum recursion depth exceeded"."""

    def __str__(self) -> str:
        return f"Quay {self.name}"


CURRENT = Family("3.15+", (3, 15), "3.12", False, False, False, True)
FAMILIES: tuple[Family, ...] = (
    CURRENT,
    Family("3.7-3.14", (3, 7), "3.8/3.9", False, False, False, False),
    Family("3.6", (3, 6), "3.6", False, True, True, False),
    Family("3.4-3.5", (3, 4), "3.6", True, True, True, False),
)
"""Newest first. `CURRENT` is the default everywhere."""

MULTI_MATCH_FIXED = (3, 6)
"""The first release in which an expression may match several values."""

OLDEST_MODELLED = FAMILIES[-1].first
LATEST = (3, 18)
"""The newest release the contract describes."""
PROBES: tuple[Version, ...] = tuple(
    v for v in (tuple(map(int, r.split("."))) for r in known()) if v >= OLDEST_MODELLED
)
"""Every known release whose template engine is modelled (`schemas/_common/releases.schema.json`):
some fields change within a minor line (`notification_uuid` came with 3.12.1)."""

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+.].*)?")


class UnknownReleaseError(ValueError):
    """A `--quay-version` that is not a version, or one whose template engine is not modelled."""


def parse_version(text: str) -> Version:
    """`3.12`, `3.12.4` or `v3.12.4-rc1` as a tuple of ints."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise UnknownReleaseError(f"{text!r} is not a Quay version such as 3.12 or 3.12.4")
    return tuple(int(part) for part in match.groups() if part is not None)


def family(version: str | Version | None) -> Family:
    """The family of a Quay release (`None`: the current one)."""
    if version is None:
        return CURRENT
    found = parse_version(version) if isinstance(version, str) else version
    for candidate in FAMILIES:
        if found[:2] >= candidate.first:
            return candidate
    shown = ".".join(map(str, found))
    raise UnknownReleaseError(
        f"Quay {shown} rendered templates on Python 2, which is not modelled; "
        f"choose {'.'.join(map(str, OLDEST_MODELLED))} or later"
    )


def by_name(name: str) -> Family:
    """The family called `name` (`3.15+`, `3.7-3.14`, ...)."""
    for candidate in FAMILIES:
        if candidate.name == name:
            return candidate
    raise UnknownReleaseError(
        f"unknown release family {name!r}; expected one of {', '.join(f.name for f in FAMILIES)}"
    )
