"""`x-quay-versions` annotations read as predicates on a Quay release.

The schemas write ranges as `>=3.13`, `<=3.3`, or `not sent in 3.4-3.6` (optionally followed by
`; sent again since 3.18`). An annotation this module cannot read is reported as version-dependent
without a range, never guessed.
"""

from __future__ import annotations

import re

from toolkit.templates.releases import Version, parse_version

_BOUND = re.compile(r"(>=|<=|>|<|==)\s*v?(\d+(?:\.\d+)*)")
_GAP = re.compile(r"not sent in (\d+(?:\.\d+)*)\s*-\s*(\d+(?:\.\d+)*)")


def sends(spec: object, version: Version) -> bool | None:
    """Whether a release sends what the annotation `spec` describes (None: unreadable)."""
    if not isinstance(spec, str):
        return None
    text = spec.strip()
    gap = _GAP.match(text)
    if gap:
        low, high = parse_version(gap.group(1)), parse_version(gap.group(2))
        return not (low <= version[: len(low)] and version[: len(high)] <= high)
    bounds = _BOUND.findall(text)
    if not bounds or _BOUND.sub("", text).strip(" ,"):
        return None
    return all(_holds(op, version, parse_version(v)) for op, v in bounds)


def _holds(op: str, version: Version, bound: Version) -> bool:
    mine = version[: len(bound)]
    return {
        ">=": mine >= bound,
        "<=": mine <= bound,
        ">": mine > bound,
        "<": mine < bound,
        "==": mine == bound,
    }[op]
