"""Which Quay releases could have sent a payload, its invariants included.

The version fingerprint (toolkit.contract.fingerprint) reads the schema; the invariants narrow
it further. An invariant holds in the releases of its `quay-versions` (every release when it has
none), so a payload that breaks it can only come from a release outside them: its fingerprint
loses the invariant's releases. When nothing is left the event rules the payload out, and its
broken invariants are findings: those that hold in a release the schema leaves (all of them
when the schema leaves none), so a relation between fields that one release never sends is not
reported on top of that field's own finding.

Every invariant declared today with a range relates a field sent only in that range
(`trigger_manual`, the analyzer's `vulnerabilities`): breaking it leaves no release, and the
payload is invalid exactly as for an invariant without a range.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from toolkit.contract.fingerprint import fingerprint
from toolkit.contract.invariant_check import Violation, checker
from toolkit.contract.releases import Releases


class Judged(NamedTuple):
    """One event's verdict on a payload its schema accepts."""

    releases: Releases | None
    """The releases of the event that could have sent it; None when its invariants rule it
    out."""
    broken: tuple[Violation, ...] = ()
    """When ruled out: the violations to report."""
    holds: bool = True
    """Whether every invariant holds (so the fingerprint is the schema's)."""


def judge(payload: Any, event: str, test_notification: bool = False) -> Judged:
    """`payload` (accepted by `event`'s schema) as `event`: its fingerprint less the releases of
    every invariant it breaks."""
    return judge_all(payload, (event,), test_notification)[0]


def judge_all(
    payload: Any, events: tuple[str, ...], test_notification: bool = False
) -> list[Judged]:
    """judge() for each of `events`; events that share their invariants (those of one shared
    shape do) have them checked once."""
    found: dict[int, tuple[Violation, ...] | None] = {}
    out = []
    for event in events:
        schema = fingerprint(payload, (event,), test_notification)
        check = checker(event, test_notification=test_notification)
        key = id(check)
        if key not in found:
            found[key] = check.violations(payload) or None
        broken = found[key]
        if broken is None:
            out.append(Judged(schema))
            continue
        left = schema
        for violation in broken:
            left &= ~violation.releases
        if left:
            out.append(Judged(left, holds=False))
        else:
            out.append(Judged(None, relevant(broken, schema), holds=False))
    return out


def relevant(broken: tuple[Violation, ...], scope: Releases) -> tuple[Violation, ...]:
    """The violations that hold in a release of `scope`; all of them when `scope` is empty."""
    if not scope:
        return broken
    return tuple(v for v in broken if v.releases & scope)
