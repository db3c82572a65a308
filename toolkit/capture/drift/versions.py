"""Drift against one Quay release: captures it could not have sent, and events it never sends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from toolkit.capture.drift.issues import Issue
from toolkit.capture.drift.stats import EventStats
from toolkit.contract.fingerprint import plan
from toolkit.contract.releases import Releases


def event_unsent(
    label: str, events: Iterable[str], stats: EventStats, target: Releases
) -> list[Issue]:
    """An issue when none of `events` (one label) is sent by the releases of `target`."""
    if any(plan(e).range & target for e in events):
        return []
    detail = f"{target} does not send {label}"
    return [Issue(label, "$", "version-unsent", stats.payloads, stats.payloads, detail)]


def mismatch(
    event: str, stats: EventStats, prints: Counter[Releases], target: Releases
) -> list[Issue]:
    """Captures whose fingerprint excludes every release of `target`: not from that release."""
    other = {r: n for r, n in prints.items() if not r & target}
    if not other:
        return []
    fits = "; ".join(f"{n} fit {r}" for r, n in other.items())
    count = sum(other.values())
    detail = f"could not have come from the given Quay release ({fits})"
    return [Issue(event, "$", "version-mismatch", count, stats.payloads, detail)]
