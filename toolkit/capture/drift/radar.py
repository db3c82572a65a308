"""Fold captures into per-event field statistics and compare them with the contract."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from toolkit import contract
from toolkit.capture.drift.invariants import invariant_issues, judged
from toolkit.capture.drift.issues import GROUP, Issue
from toolkit.capture.drift.schema_fields import FieldSpec, schema_fields
from toolkit.capture.drift.stats import EventStats, Observed
from toolkit.capture.drift.versions import event_unsent, mismatch
from toolkit.contract.fingerprint import plan
from toolkit.contract.registry import EVENTS
from toolkit.contract.releases import Releases, parse_release


@dataclass(frozen=True)
class FieldStat:
    """Observed and declared facts about one field path."""

    path: str
    declared: bool
    required: bool
    seen: int
    of: int
    nulls: int
    types: dict[str, int]
    values: dict[str, int] | None
    """Distinct values, for fields the schema restricts to an enum."""
    schema_enum: list[Any] | None
    schema_nullable: bool

    @property
    def presence(self) -> float:
        """Share of parent objects that carried the field."""
        return self.seen / self.of if self.of else 0.0

    @property
    def null_rate(self) -> float:
        """Share of occurrences that were `null`."""
        return self.nulls / self.seen if self.seen else 0.0


@dataclass
class EventDrift:
    """Statistics and issues for one event."""

    event: str
    payloads: int
    fields: list[FieldStat]
    issues: list[Issue]


@dataclass
class DriftReport:
    """The radar's result over a set of captures."""

    events: list[EventDrift]
    captures: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Captures not folded in, by reason (test notification, not JSON, not an object...)."""
    releases: Counter[Releases] = field(default_factory=Counter)
    """Folded captures per version fingerprint (those the contract rejects have none)."""
    quay_version: str | None = None
    """The release the captures were compared with, if one was given."""

    @property
    def common(self) -> Releases | None:
        """The releases that could have sent every capture with a fingerprint."""
        found = list(self.releases)
        if not found:
            return None
        out = found[0]
        for r in found[1:]:
            out &= r
        return out

    @property
    def issues(self) -> list[Issue]:
        """Every issue, events in order."""
        return [issue for event in self.events for issue in event.issues]

    @property
    def matters(self) -> bool:
        """Whether any drift breaks the contract."""
        return any(issue.severity == "error" for issue in self.issues)


def attribute(payload: Any, event: str | None) -> tuple[str | None, str | None]:
    """(event to fold the payload under, or None with the reason to skip it)."""
    if not isinstance(payload, dict):
        return None, "body is not a JSON object"
    if event in EVENTS:
        if contract.is_test_notification(payload, event):  # as `validate` decides it
            return None, "test notification"
        return event, None
    from toolkit.contract.detect import detect

    found = detect(payload)
    if found.test_notification:
        return None, "test notification"
    if not found.candidates:
        return found.closest, None
    return GROUP.join(found.candidates), None  # one shared shape: only the URL could tell


def analyse(
    samples: Iterable[tuple[Any, str | None]],
    *,
    min_samples: int = 10,
    quay_version: str | None = None,
) -> DriftReport:
    """Fold `(payload, event or None)` pairs into per-event statistics and list the drift.

    The event is the one the capture was delivered as (its URL); without one it is detected,
    and a payload that fits no event is folded under the nearest. Test notifications are
    skipped: they break the production contract on purpose. Each capture's version fingerprint
    is summed; with `quay_version`, the schema is narrowed to what that release sends. Broken
    invariants are counted per rule and field, as `validate` reports them.
    """
    stats: dict[str, EventStats] = {}
    prints: dict[str, Counter[Releases]] = {}
    broken: dict[str, Counter[tuple[str, str]]] = {}
    target = None if quay_version is None else parse_release(quay_version)
    report = DriftReport([], quay_version=quay_version)
    for payload, given in samples:
        report.captures += 1
        event, reason = attribute(payload, given)
        if event is None:
            report.skipped[reason or "unknown"] += 1
            continue
        stats.setdefault(event, EventStats()).add(payload)
        releases, violations = judged(payload, tuple(event.split(GROUP)), target)
        if releases is not None:
            report.releases[releases] += 1
            prints.setdefault(event, Counter())[releases] += 1
        found = broken.setdefault(event, Counter())
        for violation in violations:
            found[(violation.rule, violation.paths[0])] += 1
    order = {event: i for i, event in enumerate(EVENTS)}
    for label in sorted(stats, key=lambda k: (order[k.split(GROUP)[0]], k)):
        drift = _compare(label, stats[label], min_samples, target)
        if target is not None:
            drift.issues[:0] = mismatch(label, stats[label], prints.get(label, Counter()), target)
        drift.issues.extend(invariant_issues(label, broken[label], stats[label].payloads))
        report.events.append(drift)
    return report


def _parent(path: str) -> str:
    if path.endswith("[*]"):
        return path[:-3]
    return path.rsplit(".", 1)[0]


def _compare(
    event: str, stats: EventStats, min_samples: int, target: Releases | None
) -> EventDrift:
    events = event.split(GROUP)
    issues: list[Issue] = []
    if target is not None:
        issues += event_unsent(event, events, stats, target)
        target = None if issues else target  # compare the fields with the default contract
    # A shared shape has one schema structure: that of an event the release sends, if one does.
    first = next((e for e in events if target is None or plan(e).range & target), events[0])
    specs = schema_fields(first, target)
    rows: list[FieldStat] = []
    for path in sorted(set(specs) | set(stats.fields)):
        spec, seen = specs.get(path), stats.fields.get(path, Observed())
        parent = _parent(path)
        of = stats.containers[parent] if not path.endswith("[*]") else seen.present
        if spec is None and not _reportable_undeclared(path, specs):
            continue
        if spec is None and parent != "$" and parent not in specs:
            continue
        if of == 0 and seen.present == 0:
            continue
        rows.append(_row(path, spec, seen, of))
        issues.extend(_issues(event, path, spec, seen, of, min_samples))
    return EventDrift(event, stats.payloads, rows, issues)


def _reportable_undeclared(path: str, specs: dict[str, FieldSpec]) -> bool:
    """Undeclared fields count only where the schema models its parent's properties."""
    parent = _parent(path)
    return parent == "$" or any(_parent(p) == parent for p in specs)


def _row(path: str, spec: FieldSpec | None, seen: Observed, of: int) -> FieldStat:
    enum = spec.enum if spec is not None else None
    values = None
    if enum is not None:
        values = {str(k): v for k, v in seen.values.most_common()}
    return FieldStat(
        path=path,
        declared=spec is not None,
        required=bool(spec and spec.required),
        seen=seen.present,
        of=of,
        nulls=seen.nulls,
        types=dict(seen.types.most_common()),
        values=values,
        schema_enum=sorted((v for v in enum if v is not None), key=str) if enum else None,
        schema_nullable=bool(spec and spec.nullable),
    )


def _issues(
    event: str, path: str, spec: FieldSpec | None, seen: Observed, of: int, min_samples: int
) -> list[Issue]:
    out: list[Issue] = []
    if spec is None:
        if seen.present:
            out.append(
                Issue(event, path, "undeclared-field", seen.present, of, "not in the schema")
            )
        return out
    if spec.unsent:
        if seen.present:
            detail = "the given Quay release never sends it"
            out.append(Issue(event, path, "version-unsent", seen.present, of, detail))
        return out
    if spec.required and not path.endswith("[*]") and seen.present < of:
        missing = of - seen.present
        out.append(Issue(event, path, "missing-required", missing, of, "required but missing"))
    if (
        not spec.required
        and not path.endswith("[*]")
        and of >= min_samples
        and seen.present == of
        and not spec.legacy
    ):
        out.append(
            Issue(event, path, "optional-always-present", of, of, "optional, yet always present")
        )
    if seen.nulls and not spec.nullable:
        out.append(Issue(event, path, "null-not-allowed", seen.nulls, seen.present, "null seen"))
    bad_types = {
        t: n for t, n in seen.types.items() if t != "null" and not _type_allowed(t, spec.types)
    }
    if bad_types:
        names = ", ".join(sorted(bad_types))
        declared = ", ".join(sorted(spec.types))
        out.append(
            Issue(
                event,
                path,
                "type-mismatch",
                sum(bad_types.values()),
                seen.present,
                f"seen {names}; schema allows {declared}",
            )
        )
    if spec.enum is not None:
        outside = {v: n for v, n in seen.values.items() if v not in spec.enum}
        if outside:
            shown = ", ".join(repr(v) for v in sorted(outside, key=str))
            out.append(
                Issue(
                    event,
                    path,
                    "enum-outside-schema",
                    sum(outside.values()),
                    seen.present,
                    f"values outside the enum: {shown}",
                )
            )
    return out


def _type_allowed(kind: str, declared: set[str]) -> bool:
    return not declared or kind in declared or (kind == "integer" and "number" in declared)
