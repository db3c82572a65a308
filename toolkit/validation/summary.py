"""Fold Batches into totals and a per-event table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from toolkit.contract.releases import Releases

if TYPE_CHECKING:  # annotations only: a one-file run never imports Batch or Verdict
    from toolkit.validation.batch import Batch, PassKey
    from toolkit.validation.verdict import Verdict


@dataclass
class Row:
    """One line of the per-event table: an event, or a set sharing one shape."""

    label: tuple[str, ...]
    valid: int = 0
    test_notifications: int = 0
    invalid: int = 0


@dataclass(frozen=True)
class ReleaseRow:
    """Payloads that share one fingerprint: the Quay releases that could have sent them."""

    releases: Releases
    payloads: int
    test_notifications: int


@dataclass
class Summary:
    """Totals over every payload checked."""

    total: int = 0
    valid: int = 0
    invalid: int = 0
    unreadable: int = 0
    test_notifications: int = 0
    """Valid payloads that are Quay test-notification bodies (counted in `valid` too)."""
    notes: int = 0
    rows: dict[tuple[str, ...], Row] = field(default_factory=dict)
    fingerprints: Counter[tuple[Releases, bool]] = field(default_factory=Counter)
    """Payloads per (fingerprint, test notification); those the default contract rejects have
    none."""

    def add(self, batch: Batch) -> None:
        """Count a batch: its tallied passes and its verdicts."""
        self.add_passes(batch.passes)
        for verdict in batch.verdicts:
            self.add_verdict(verdict)

    def add_passes(self, passes: Mapping[PassKey, int]) -> None:
        """Count tallied passes: payloads per (candidates, test notification, fingerprint)."""
        for (candidates, test, releases), n in passes.items():
            self._count(candidates, test, True, n)
            if releases is not None:
                self.fingerprints[(releases, test)] += n

    def add_verdict(self, verdict: Verdict) -> None:
        """Count one verdict."""
        self.notes += bool(verdict.notes)
        if verdict.status == "error":
            self.total += 1
            self.unreadable += 1
            return
        if verdict.valid or not (verdict.event or verdict.closest):
            label = verdict.candidates or ((verdict.event,) if verdict.event else ())
        else:
            label = (verdict.event or verdict.closest or "?",)
        self._count(label, verdict.test_notification, verdict.valid, 1)
        if verdict.releases is not None:
            self.fingerprints[(verdict.releases, verdict.test_notification)] += 1

    def _count(self, label: tuple[str, ...], test: bool, valid: bool, n: int) -> None:
        self.total += n
        row = self.rows.get(label)
        if row is None:
            row = self.rows[label] = Row(label)
        if not valid:
            self.invalid += n
            row.invalid += n
            return
        self.valid += n
        if test:
            self.test_notifications += n
            row.test_notifications += n
        else:
            row.valid += n

    @property
    def status(self) -> Literal["pass", "fail", "error"]:
        """`fail` if anything is invalid; else `error` if anything was unreadable; else `pass`."""
        if self.invalid:
            return "fail"
        return "error" if self.unreadable else "pass"

    def release_rows(self) -> list[ReleaseRow]:
        """Payloads per fingerprint, oldest releases first (then the widest range)."""
        merged: dict[Releases, list[int]] = {}
        for (releases, test), n in self.fingerprints.items():
            merged.setdefault(releases, [0, 0])[test] += n
        order = sorted(merged, key=lambda r: (_lowest(r), -r.bits))
        return [ReleaseRow(r, sum(merged[r]), merged[r][1]) for r in order]

    @property
    def common(self) -> Releases | None:
        """The releases that could have sent every production payload with a fingerprint (one
        release for the whole run); None when there is none."""
        found = [r for (r, test) in self.fingerprints if not test]
        if not found:
            return None
        out = found[0]
        for r in found[1:]:
            out &= r
        return out

    def ordered_rows(self) -> list[Row]:
        """Rows in the contract's event order; a row naming no event (nothing fits) last."""
        from toolkit.contract.events import EVENTS

        order = {e: i for i, e in enumerate(EVENTS)}
        return sorted(
            self.rows.values(),
            key=lambda r: (order.get(r.label[0], 99) if r.label else 100, r.label),
        )


def _lowest(releases: Releases) -> int:
    """The index of the oldest release in the set (sets with none sort last)."""
    bits = releases.bits
    return (bits & -bits).bit_length() if bits else 1 << 20
