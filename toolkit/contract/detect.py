"""Which event a payload is: Quay bodies carry no event name, so the shape has to tell.

Detection is cheap: the top-level keys select a shape group (events whose payloads share one
shape), one compiled validation confirms it, and legacy fields or test-notification variants
narrow the group where they can. It never runs 13 full validations per payload.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from toolkit.contract import compiled
from toolkit.contract.detect_index import index
from toolkit.contract.lean import lean
from toolkit.contract.registry import EVENTS


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


@dataclass(frozen=True, eq=False)
class _Group:
    events: tuple[str, ...]
    required: frozenset[str]
    declared: frozenset[str]
    legacy: dict[str, frozenset[str]]
    """Legacy key → the events of this group that declare it."""


_MISSING = object()
_Test = tuple[str, str, Any, tuple[tuple[str, Any], ...], Any]
_Route = tuple[
    Any, tuple[tuple[str, Any], ...], tuple[_Test, ...], frozenset[str] | None, _Group, Detection
]
"""(validator, distinct first test markers, tests, legacy keys, group, its plain Detection)"""


@cache
def _groups() -> tuple[_Group, ...]:
    groups = [
        _Group(
            tuple(g["events"]),
            frozenset(g["required"]),
            frozenset(g["declared"]),
            {k: frozenset(v) for k, v in g["legacy"].items()},
        )
        for g in index()["groups"]
    ]
    # Most specific first, so a payload with more required keys prefers the richer shape.
    return tuple(sorted(groups, key=lambda g: -len(g.required)))


@cache
def _test_markers() -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """Per event, the fixed top-level values of its test-notification body (a cheap pre-filter)."""
    markers = index()["test_markers"]
    return tuple((event, tuple((k, v) for k, v in markers[event])) for event in EVENTS)


def detect(payload: Any) -> Detection:
    """Work out which event(s) `payload` can be, from its shape.

    The top-level keys pick the candidate shape groups; one compiled validation per plausible
    group confirms. Test-notification variants are tried only for the matching group, or when no
    production shape fits. Results are shared, immutable Detection objects.

    Args:
        payload: The decoded JSON body; anything but a dict fits no event.

    Returns:
        The Detection: `candidates` (events that fit) and `test_notification`.
    """
    if type(payload) is not dict:
        return _NOTHING
    keys = payload.keys()
    shape = tuple(payload)
    routes = _BY_KEYS.get(shape)
    if routes is None:
        routes = _routes_for(keys, shape)
    for validator, markers, tests, legacy, group, plain in routes:
        if validator.is_valid(payload):
            for key, value in markers:
                if payload.get(key, _MISSING) == value:
                    hits = _test_hits(payload, tests)
                    if hits:
                        return _detection(hits, True)
                    break
            if legacy is not None and not keys.isdisjoint(legacy):
                return _detection(_narrow(group, payload), False)
            return plain
    matches = tuple(
        event
        for event, consts in _test_markers()
        if all(payload.get(k, _MISSING) == v for k, v in consts)
        and compiled.fast(event, test_notification=True).is_valid(payload)
    )
    if matches:
        return _detection(matches, True)
    return Detection((), _closest(keys).events[0])


def _test_hits(payload: dict[str, Any], tests: tuple[_Test, ...]) -> tuple[str, ...]:
    return tuple(
        event
        for event, _, _, consts, validator in tests
        if all(payload.get(k, _MISSING) == v for k, v in consts) and validator.is_valid(payload)
    )


_NOTHING = Detection((), EVENTS[0])
_BY_KEYS: dict[tuple[str, ...], tuple[_Route, ...]] = {}
"""Top-level key sequence -> the shape groups whose required keys it has (bounded cache)."""


def _routes_for(keys: Any, shape: tuple[str, ...]) -> tuple[_Route, ...]:
    routes = tuple(_route(g) for g in _groups() if keys >= g.required)
    if len(_BY_KEYS) >= 4096:
        _BY_KEYS.clear()
    _BY_KEYS[shape] = routes
    return routes


Plain = tuple[Any, tuple[tuple[str, Any], ...], tuple[str, ...]]
"""(validator, test markers, candidates): see plain_route."""
_PLAIN: dict[tuple[str, ...], Plain | None] = {}


def plain_route(shape: tuple[str, ...]) -> Plain | None:
    """For payloads with exactly these top-level keys (in this order), when one shape group can
    fit: (its validator, its test-notification markers, its events, narrowed by the legacy keys
    present, as detect() narrows them).

    A payload that passes the validator and matches no marker (`payload.get(key) != value` for
    each) is detected as exactly those events; anything else needs detect(). None when one
    validation cannot settle it. Cached per shape (bounded).
    """
    try:
        return _PLAIN[shape]
    except KeyError:
        pass
    routes = _BY_KEYS.get(shape) or _routes_for(set(shape), shape)
    out: Plain | None = None
    if len(routes) == 1:
        validator, markers, _, legacy, group, plain = routes[0]
        if legacy is None or legacy.isdisjoint(shape):
            out = (validator, markers, plain.candidates)
        else:
            out = (validator, markers, _narrow(group, frozenset(shape)))
    if len(_PLAIN) >= 4096:
        _PLAIN.clear()
    _PLAIN[shape] = out
    return out


def plain_group(shape: tuple[str, ...]) -> tuple[str, ...]:
    """The events of the one shape group that plain_route(shape) validates against (its
    validator is contract.lean of the first); plain_route(shape) must not be None."""
    routes = _BY_KEYS.get(shape) or _routes_for(set(shape), shape)
    (route,) = routes
    return route[4].events


@cache
def _detection(candidates: tuple[str, ...], test_notification: bool) -> Detection:
    return Detection(candidates, candidates[0], test_notification)


def _routes() -> tuple[_Route, ...]:
    """Every shape group's route (compiles every validator)."""
    return tuple(_route(group) for group in _groups())


@cache
def _route(group: _Group) -> _Route:
    """A shape group's compiled validator and its events' test-notification checks."""
    markers = dict(_test_markers())
    tests = tuple(
        (
            e,
            str(markers[e][0][0]),
            markers[e][0][1],
            markers[e],
            _TestValidator(e),
        )
        for e in group.events
        if markers[e]
    )
    firsts: list[tuple[str, Any]] = []
    for _, key, value, _, _ in tests:
        if (key, value) not in firsts:
            firsts.append((key, value))
    legacy = frozenset(group.legacy) or None
    plain = _detection(group.events, False)
    return lean(group.events[0]), tuple(firsts), tests, legacy, group, plain


class _TestValidator:
    """An event's test-notification validator, compiled on first use: most runs never see a
    test notification, and compiling every variant up front costs a one-file run ~1 ms each."""

    __slots__ = ("event",)

    def __init__(self, event: str) -> None:
        self.event = event

    def __getattr__(self, name: str) -> Any:
        return getattr(compiled.fast(self.event, test_notification=True), name)


def _narrow(group: _Group, payload: Collection[str]) -> tuple[str, ...]:
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


def warm() -> None:
    """Compile every detection route now (before forking workers, so they share it)."""
    _routes()
    for event in EVENTS:
        compiled.fast(event)
        compiled.fast(event, test_notification=True)
