"""Classify every difference between two contract versions as breaking, warning or info.

A webhook payload travels from producer (Quay) to consumer (your endpoint). For a **consumer** a
change is breaking when the new contract accepts payloads the old one rejected (it may now receive
what it did not expect); for a **producer** when the new contract rejects payloads the old one
accepted. Role `both` treats either as breaking. Schemas are compared after `$ref`s are inlined,
annotations stripped and the result normalised, so restructuring that changes nothing is no change.
Invariants (`x-invariants`) are compared as relations, by id (toolkit.diff.invariants).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from toolkit.contract.invariants import EXEMPT, KEYWORD
from toolkit.contract.registry import Schema
from toolkit.contract.schemaset import TEST_NOTIFICATION, SchemaSet
from toolkit.diff.invariants import invariant_deltas
from toolkit.diff.normalize import SCHEMA_LISTS, SCHEMA_MAPS, SUBSCHEMA, normalize
from toolkit.diff.rules import BOTH, NARROW, UNKNOWN, WIDEN, Delta, compare

ROLES = ("consumer", "producer", "both")
SEVERITIES = ("info", "warning", "breaking")
INFO, WARNING, BREAKING = SEVERITIES
NONE = "none"
ANNOTATIONS = frozenset({"title", "description", "examples", "$comment", "default", "readOnly"})
ANNOTATIONS |= {"writeOnly", "contentMediaType", "contentEncoding"}

_SEVERITY: dict[str, dict[str, str]] = {
    WIDEN: {"consumer": BREAKING, "producer": INFO, "both": BREAKING},
    NARROW: {"consumer": INFO, "producer": BREAKING, "both": BREAKING},
    BOTH: {"consumer": BREAKING, "producer": BREAKING, "both": BREAKING},
    UNKNOWN: {"consumer": WARNING, "producer": WARNING, "both": WARNING},
    NONE: {"consumer": INFO, "producer": INFO, "both": INFO},
}


@dataclass(frozen=True)
class Change:
    """One difference between two contracts, classified for one role."""

    rule: str
    event: str
    pointer: str
    keyword: str
    old: Any
    new: Any
    direction: str
    severity: str
    accepted: str | None = None
    """The reason from the ignore file when this break was accepted on purpose."""

    @property
    def effective(self) -> str:
        """The severity that counts for the verdict (an accepted break counts as info)."""
        return INFO if self.accepted else self.severity


@dataclass
class DiffResult:
    """Everything `quay-contract diff` found."""

    old_label: str
    new_label: str
    role: str
    changes: list[Change]
    events: list[str]
    evidence: dict[str, Any] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    evidence_cut: list[str] = field(default_factory=list)
    """What the replay left out to stay within its budget; empty when the evidence is whole."""

    def worst(self) -> str:
        """The highest effective severity, or "none" when nothing changed."""
        ranks = [SEVERITIES.index(c.effective) for c in self.changes]
        return SEVERITIES[max(ranks)] if ranks else NONE

    def count(self, severity: str) -> int:
        """How many changes have this effective severity."""
        return sum(1 for c in self.changes if c.effective == severity)

    def semver(self) -> str:
        """The version bump the changes call for: major, minor, patch or none."""
        if any(c.effective == BREAKING or c.accepted for c in self.changes):
            return "major"
        if any(c.rule != "annotation-changed" for c in self.changes):
            return "minor"
        return "patch" if self.changes else NONE

    def fails(self, fail_on: str) -> bool:
        """Whether the result should fail a gate at `fail_on` (breaking, warning or any)."""
        threshold = {"breaking": BREAKING, "warning": WARNING, "any": INFO}[fail_on]
        return any(
            SEVERITIES.index(c.effective) >= SEVERITIES.index(threshold) for c in self.changes
        )


def severity(direction: str, role: str) -> str:
    """The severity of a change going in `direction` for `role`."""
    return _SEVERITY[direction][role]


def diff_sets(old: SchemaSet, new: SchemaSet, role: str = "consumer") -> DiffResult:
    """Classify every change between two schema sets (events matched by file name)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    changes: list[Change] = []
    removed = [e for e in old.events if e not in new.events]
    added = [e for e in new.events if e not in old.events]
    renamed = _renames(old, new, removed, added)
    for was, now in renamed.items():
        changes.append(_event_change("event-renamed", now, was, now, BOTH, role))
    for event in removed:
        if event not in renamed:
            changes.append(_event_change("event-removed", event, event, None, BOTH, role))
    for event in added:
        if event not in renamed.values():
            changes.append(_event_change("event-added", event, None, event, NONE, role))
    common = [e for e in old.events if e in new.events]
    for event in common:
        o, n = old.inlined(event), new.inlined(event)
        changes += diff_schemas(o, n, event, role)
        deltas = invariant_deltas(old.invariants(event), new.invariants(event))
        changes += [_change(d, event, role) for d in deltas]
        if old.has_test_notification(event) or new.has_test_notification(event):
            to, tn = (_variant(s) for s in (o, n))
            variant = f"{event}#{TEST_NOTIFICATION}"
            changes += diff_schemas(to, tn, variant, role)
            before, after = (s.invariants(event, test_notification=True) for s in (old, new))
            changes += [_change(d, variant, role) for d in invariant_deltas(before, after)]
    return DiffResult(old.label, new.label, role, changes, common)


def diff_schemas(old: Schema, new: Schema, event: str, role: str = "consumer") -> list[Change]:
    """The classified changes between two inlined schemas of one event."""
    deltas = compare(normalize(strip(old)), normalize(strip(new)))
    out = [_change(d, event, role) for d in deltas]
    ao, an = annotation_map(old), annotation_map(new)
    for key in sorted(set(ao) | set(an)):
        was, now = ao.get(key, []), an.get(key, [])
        if was != now:
            pointer, keyword = key
            gone = _one([v for v in was if v not in now])
            came = _one([v for v in now if v not in was])
            out.append(
                Change("annotation-changed", event, pointer, keyword, gone, came, NONE, INFO)
            )
    return out


def accept(result: DiffResult, accepted: dict[int, str]) -> None:
    """Mark changes (by index) as accepted on purpose, with the reason."""
    result.changes = [
        replace(c, accepted=accepted[i]) if i in accepted else c
        for i, c in enumerate(result.changes)
    ]


def strip(node: Any) -> Any:
    """The validating core of a schema: annotations, `x-` keywords and `definitions` removed."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ANNOTATIONS or key.startswith("x-") or key in ("definitions", "$id", "$schema"):
            continue
        if key in SCHEMA_MAPS:
            out[key] = {name: strip(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS or (key == "items" and isinstance(value, list)):
            out[key] = [strip(sub) for sub in value]
        elif key in SUBSCHEMA:
            out[key] = strip(value)
        elif key == "dependencies":
            out[key] = {k: strip(v) for k, v in value.items()}
        else:
            out[key] = value
    return out


def annotation_map(node: Any, ptr: str = "") -> dict[tuple[str, str], list[Any]]:
    """Annotation values by (instance pointer, keyword), independent of how `$ref`s nest."""
    out: dict[tuple[str, str], list[Any]] = {}
    _collect(node, ptr, out)
    return {k: sorted(v, key=_canon) for k, v in out.items()}


def _collect(node: Any, ptr: str, out: dict[tuple[str, str], list[Any]]) -> None:
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in (KEYWORD, EXEMPT):
            continue  # compared as invariants (toolkit.diff.invariants), not as annotations
        if key in ANNOTATIONS or key.startswith("x-"):
            out.setdefault((ptr, key), []).append(value)
        elif key == "properties":
            for name, sub in value.items():
                _collect(sub, f"{ptr}/{name.replace('~', '~0').replace('/', '~1')}", out)
        elif key in ("items", "additionalProperties", "additionalItems") and isinstance(
            value, dict
        ):
            _collect(value, f"{ptr}/*", out)
        elif key in SCHEMA_LISTS:
            for sub in value:
                _collect(sub, ptr, out)
        elif key in ("if", "then", "else", "not", "propertyNames", "contains"):
            _collect(value, ptr, out)


def _one(values: list[Any]) -> Any:
    """None for no value, the value itself for one, else the list."""
    return None if not values else values[0] if len(values) == 1 else values


def _canon(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _variant(schema: Schema) -> Schema:
    node = schema.get("definitions", {}).get(TEST_NOTIFICATION)
    return node if isinstance(node, dict) else {"not": {}}


def _change(d: Delta, event: str, role: str) -> Change:
    return Change(
        d.rule, event, d.pointer, d.keyword, d.old, d.new, d.direction, severity(d.direction, role)
    )


def _event_change(rule: str, event: str, old: Any, new: Any, direction: str, role: str) -> Change:
    return Change(rule, event, "", "", old, new, direction, severity(direction, role))


def _renames(
    old: SchemaSet, new: SchemaSet, removed: list[str], added: list[str]
) -> dict[str, str]:
    """Removed events whose validating core reappears, unchanged, under a new name."""
    shapes = {e: _canon(normalize(strip(new.inlined(e)))) for e in added}
    out: dict[str, str] = {}
    for event in removed:
        shape = _canon(normalize(strip(old.inlined(event))))
        match = [e for e, s in shapes.items() if s == shape and e not in out.values()]
        if match:
            out[event] = match[0]
    return out
