"""Which event a payload is: Quay bodies carry no event name, so the shape has to tell.

Detection is cheap: the top-level keys select a shape group (events whose payloads share one
shape), one compiled validation confirms it, and legacy fields or test-notification variants
narrow the group where they can. It never runs 13 full validations per payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from toolkit import contract
from toolkit.registry import EVENTS


@dataclass(frozen=True)
class Detection:
    """What the payload's shape says about its event."""

    candidates: tuple[str, ...]
    """Events the payload fits; several when they share one shape. Empty when nothing fits."""
    closest: str
    """The single best guess (the first candidate, or the nearest event when none fits)."""
    test_notification: bool = False
    """True when the payload is a Quay "Test Notification" body."""

    @property
    def event(self) -> str | None:
        """The event, when exactly one fits."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Several events fit: only the webhook URL that received it can tell which."""
        return len(self.candidates) > 1


@dataclass(frozen=True)
class _Group:
    events: tuple[str, ...]
    required: frozenset[str]
    declared: frozenset[str]
    legacy: dict[str, frozenset[str]]
    """Legacy key → the events of this group that declare it."""


_MISSING = object()


def _top_level(schema: dict[str, Any], key: str) -> set[str]:
    out: set[str] = set()
    nodes = [schema]
    while nodes:
        node = nodes.pop()
        value = node.get(key, [])
        out.update(value if isinstance(value, list) else value.keys())
        nodes.extend(node.get("allOf", []))
    return out


@cache
def _groups() -> tuple[_Group, ...]:
    groups = []
    for events in contract.shape_groups():
        schema = contract.resolved(events[0])
        legacy: dict[str, set[str]] = {}
        for event in events:
            for name, prop in contract.resolved(event).get("properties", {}).items():
                if prop.get("x-legacy"):
                    legacy.setdefault(name, set()).add(event)
        groups.append(
            _Group(
                events,
                frozenset(_top_level(schema, "required")),
                frozenset(_top_level(schema, "properties")),
                {k: frozenset(v) for k, v in legacy.items()},
            )
        )
    # Most specific first, so a payload with more required keys prefers the richer shape.
    return tuple(sorted(groups, key=lambda g: -len(g.required)))


@cache
def _test_markers() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """Per event, the fixed top-level values of its test-notification body (a cheap pre-filter)."""
    out = []
    for event in EVENTS:
        node = contract.test_notification_schema(event)
        required = set(node.get("required", []))
        consts = tuple(
            (k, v["const"])
            for k, v in node.get("properties", {}).items()
            if k in required and "const" in v
        )
        out.append((event, consts))
    return tuple(out)


def detect(payload: Any) -> Detection:
    """Work out which event(s) `payload` can be, from its shape."""
    if not isinstance(payload, dict):
        return Detection((), EVENTS[0])
    tests = tuple(
        event
        for event, consts in _test_markers()
        if all(payload.get(k, _MISSING) == v for k, v in consts)
        and contract.fast(event, test_notification=True).is_valid(payload)
    )
    if tests:
        return Detection(tests, tests[0], test_notification=True)
    keys = payload.keys()
    for group in _groups():
        if group.required <= keys and contract.fast(group.events[0]).is_valid(payload):
            return Detection(_narrow(group, payload), group.events[0])
    return Detection((), _closest(keys).events[0])


def _narrow(group: _Group, payload: dict[str, Any]) -> tuple[str, ...]:
    """Legacy fields belong to one event of a shared shape (e.g. error_message → build_failure)."""
    events = set(group.events)
    for key, owners in group.legacy.items():
        if key in payload:
            events &= owners
    return tuple(e for e in group.events if e in events) or group.events


def _closest(keys: Any) -> _Group:
    """The group needing the fewest edits: missing required keys plus undeclared keys."""

    def distance(group: _Group) -> int:
        return len(group.required - keys) + len(set(keys) - group.declared)

    return min(_groups(), key=distance)
