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
    """(the fingerprint, None when the contract rejects the capture; the invariants it breaks
    that `validate` reports: those that rule out the first event, or every broken one when the
    schema rejects it; with `target`, those that hold in one of its releases)."""
    if not contract.fast(events[0]).is_valid(payload):
        violations = check(payload, events[0])
    else:
        verdicts = [judge(payload, e) for e in events]
        kept = [v.releases for v in verdicts if v.releases is not None]
        if kept:
            union = Releases.none()
            for releases in kept:
                union |= releases
            return union, ()
        violations = verdicts[0].broken
    if target is not None:
        violations = tuple(v for v in violations if v.releases & target)
    return None, violations


def invariant_issues(event: str, broken: Counter[tuple[str, str]], of: int) -> list[Issue]:
    """One issue per invariant and field it was broken at: Quay's relations between fields."""
    said = {inv.id: sentence(inv) for inv in for_event(event.split(GROUP)[0])}
    return [
        Issue(event, path, "invariant-broken", n, of, f"[{rule}] {said.get(rule, '')}")
        for (rule, path), n in sorted(broken.items())
    ]
