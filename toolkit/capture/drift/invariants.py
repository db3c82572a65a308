"""Drift in the relations between fields: the invariants that captures break."""

from __future__ import annotations

from collections import Counter
from typing import Any

from toolkit import contract
from toolkit.capture.drift.issues import GROUP, Issue
from toolkit.contract.invariant_check import Violation, check
from toolkit.contract.invariant_words import sentence
from toolkit.contract.invariants import for_event
from toolkit.contract.releases import Releases
from toolkit.contract.senders import judge


def judged(
    payload: Any, events: tuple[str, ...], target: Releases | None
) -> tuple[Releases | None, tuple[Violation, ...]]:
    """(the fingerprint, None when the contract rejects the capture; the broken invariants that
    `validate` reports). Without `target`: those that rule out every event (all of the first
    event's when its schema rejects the capture). With `target`: the first event's that hold in
    one of its releases."""
    releases: Releases | None = None
    violations: tuple[Violation, ...] = ()
    if contract.fast(events[0]).is_valid(payload):
        verdicts = [judge(payload, e) for e in events]
        for verdict in verdicts:
            if verdict.releases is not None:
                releases = verdict.releases if releases is None else releases | verdict.releases
        if releases is None:
            violations = verdicts[0].broken
        elif target is not None and not verdicts[0].holds:
            violations = check(payload, events[0])
    else:
        violations = check(payload, events[0])
    if target is not None:
        violations = tuple(v for v in violations if v.releases & target)
    return releases, violations


def invariant_issues(event: str, broken: Counter[tuple[str, str]], of: int) -> list[Issue]:
    """One issue per invariant and field it was broken at: Quay's relations between fields."""
    said = {inv.id: sentence(inv) for inv in for_event(event.split(GROUP)[0])}
    return [
        Issue(event, path, "invariant-broken", n, of, f"[{rule}] {said.get(rule, '')}")
        for (rule, path), n in sorted(broken.items())
    ]
