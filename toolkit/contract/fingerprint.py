"""The version fingerprint: which Quay releases could have sent a payload.

For a payload the default contract accepts, it is the union of the event's eras whose narrowed
schema accepts it (the union over the candidates for a shared shape). Where narrowing depends on
key presence alone (`Plan.keyed`), it is read off the keys of the objects that declare
version-dependent fields, and cached per key skeleton; otherwise each era's compiled validator
is asked. tests/contract/test_fingerprint.py checks that both ways agree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

import jsonschema_rs

from toolkit.contract import compiled, tables
from toolkit.contract.plans import VARIANTS, Plan, from_json, schema_of
from toolkit.contract.registry import Schema
from toolkit.contract.releases import Releases, known

CACHE_SIZE = 4096
R = TypeVar("R")
Each = tuple[Releases, tuple[Releases, ...]]
"""(the fingerprint over the candidates, each candidate's own)."""
_NONE = Releases.none()


@cache
def plan(event: str, test_notification: bool = False) -> Plan:
    """The plan of an event (or of its test-notification variant): from the regenerated table,
    else computed from the schema (toolkit.contract.eras, which parses the annotations)."""
    variant = VARIANTS[test_notification]
    data = tables.stored()
    if data is not None and data.get("releases") == list(known()):
        return from_json(data["events"][event][variant])
    from toolkit.contract.eras import plan_of

    return plan_of(schema_of(compiled.resolved(event), variant))


class EraCheck:
    """One era of an event and its narrowed schema, compiled on first use."""

    __slots__ = ("_validator", "releases", "schema")

    def __init__(self, releases: Releases, schema: Schema) -> None:
        self.releases = releases
        self.schema = schema
        self._validator: Any = None

    @property
    def validator(self) -> Any:
        """The compiled jsonschema-rs validator of the narrowed schema."""
        if self._validator is None:
            self._validator = jsonschema_rs.validator_for(self.schema, validate_formats=True)
        return self._validator

    def is_valid(self, payload: Any) -> bool:
        """Whether this era's releases could have sent `payload`."""
        return bool(self.validator.is_valid(payload))


def what(event: str, test_notification: bool) -> str:
    """How findings name an event (or its test notifications)."""
    return f"{event} test notifications" if test_notification else event


@cache
def era_checks(event: str, test_notification: bool = False) -> tuple[EraCheck, ...]:
    """The event's eras, each with its narrowed schema (one per distinct narrowing)."""
    from toolkit.contract.versions import narrow

    base = _base(event, test_notification)
    label = what(event, test_notification)
    return tuple(
        EraCheck(e, narrow(base, e, what=label)) for e in plan(event, test_notification).eras
    )


def narrowed(event: str, target: Releases, test_notification: bool = False) -> Schema:
    """The event's resolved schema narrowed to `target`."""
    from toolkit.contract.versions import narrow

    return narrow(_base(event, test_notification), target, what=what(event, test_notification))


def _base(event: str, test_notification: bool) -> Schema:
    return schema_of(compiled.resolved(event), VARIANTS[test_notification])


def by_eras(payload: Any, event: str, test_notification: bool = False) -> Releases:
    """The fingerprint by validation: the union of the eras that accept `payload`."""
    out = _NONE
    for check in era_checks(event, test_notification):
        if check.is_valid(payload):
            out |= check.releases
    return out


def of_schema(schema: Schema, payload: Any, what: str = "it") -> Releases:
    """The fingerprint of a payload under a resolved schema given whole (one event or a
    test-notification variant; the docs use the checkout's schemas): by validating each era."""
    from toolkit.contract.eras import plan_of
    from toolkit.contract.versions import narrow

    out = _NONE
    for era in plan_of(schema).eras:
        validator = jsonschema_rs.validator_for(narrow(schema, era, what=what))
        if validator.is_valid(payload):
            out |= era
    return out


def by_keys(payload: Any, p: Plan) -> Releases:
    """The fingerprint of a payload the default contract accepts, from its keys (keyed plans)."""
    out = p.range
    for field in p.fields:
        obj = _at(payload, field.at)
        if obj is None:
            continue
        if field.name in obj:
            out &= field.sent
        elif field.always and (not field.deps or any(d in obj for d in field.deps)):
            out &= ~field.sent
    return out


def _at(payload: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    node = payload
    for step in path:
        if type(node) is not dict:
            return None
        node = node.get(step)
    return node if type(node) is dict else None


def fingerprint(payload: Any, events: tuple[str, ...], test_notification: bool = False) -> Releases:
    """Which releases could have sent `payload`, a body the default contract accepts as one of
    `events` (the union over them)."""
    return fingerprinter(events, test_notification).releases(payload)


class Fingerprinter:
    """The fingerprints of one set of candidate events (one variant), cached per key skeleton:
    the keys of the payload and of the objects narrowing looks at, and the values at the scalar
    sites that decide an annotated alternative (see toolkit.contract.plans)."""

    def __init__(self, events: tuple[str, ...], test_notification: bool) -> None:
        self.events = events
        self.test_notification = test_notification
        self.plans = tuple(plan(e, test_notification) for e in events)
        self.keyed = all(p.keyed for p in self.plans)
        self.cached = all(p.cached for p in self.plans)
        self.nested = tuple(sorted({x for p in self.plans for x in p.paths}))
        """Objects below the payload itself whose keys enter the skeleton."""
        self.sites = tuple(sorted({x for p in self.plans for x in p.sites}))
        """Scalars whose values enter the skeleton."""
        parts = [_keys_at(at) for at in self.nested] + [_value_at(at) for at in self.sites]
        self.skeleton: Callable[[Any], Any] = _combine(parts)
        """What the fingerprint depends on besides the top-level keys (a hashable value)."""
        self._cache: dict[tuple[Any, ...], Each] = {}

    def constant(self, shape: tuple[str, ...]) -> Each | None:
        """(fingerprint, per event) shared by every payload with these top-level keys, when
        nothing else matters; None when something does."""
        if not self.keyed or self.nested:
            return None
        return self.each(dict.fromkeys(shape))

    def memoized(self, compute: Callable[[Any], R]) -> Callable[[Any], R]:
        """`compute(payload)` for payloads of one top-level shape, cached by the rest of the
        skeleton (the hot path keeps one per shape; `compute` must depend on nothing else). The
        common case, one nested object two keys down, reads its keys inline."""
        memo: dict[Any, R] = {}
        get = memo.get

        def store(key: Any, payload: Any) -> R:
            if len(memo) >= CACHE_SIZE:
                memo.clear()
            found = memo[key] = compute(payload)
            return found

        if len(self.nested) == 1 and not self.sites and len(self.nested[0]) == 2:
            a, b = self.nested[0]

            def two_down(payload: Any) -> R:
                node = payload.get(a)
                key = None
                if type(node) is dict:
                    node = node.get(b)
                    if type(node) is dict:
                        key = tuple(node)
                found = get(key, _ABSENT)
                return store(key, payload) if found is _ABSENT else cast(R, found)

            return two_down
        skeleton = self.skeleton

        def general(payload: Any) -> R:
            key = skeleton(payload)
            found = get(key, _ABSENT)
            return store(key, payload) if found is _ABSENT else cast(R, found)

        return general

    def for_shape(self, shape: tuple[str, ...]) -> Callable[[Any], Each]:
        """`each` for payloads with these top-level keys (see `memoized`)."""
        return self.memoized(self._compute) if self.cached else self.each

    def releases(self, payload: Any) -> Releases:
        """The fingerprint (the union over the events)."""
        return self.each(payload)[0]

    def each(self, payload: Any) -> Each:
        """(the fingerprint, each event's own)."""
        if not self.cached:
            return self._compute(payload)
        key = (tuple(payload), self.skeleton(payload))
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            found = self._cache[key] = self._compute(payload)
        return found

    def _compute(self, payload: Any) -> Each:
        tn = self.test_notification
        each = tuple(
            by_keys(payload, p) if p.keyed else by_eras(payload, e, tn)
            for e, p in zip(self.events, self.plans, strict=True)
        )
        out = _NONE
        for r in each:
            out |= r
        return out, each


def _keys_at(at: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function giving the keys of the object at `at` (None if there is none): built once per
    path, it walks the payload with no loop (it runs for every line of the hot path)."""
    if len(at) == 1:
        (a,) = at

        def one(payload: Any) -> Any:
            node = payload.get(a)
            return tuple(node) if type(node) is dict else None

        return one
    if len(at) == 2:
        a, b = at

        def two(payload: Any) -> Any:
            node = payload.get(a)
            if type(node) is dict:
                node = node.get(b)
                if type(node) is dict:
                    return tuple(node)
            return None

        return two
    return lambda payload: _keys(_at(payload, at))


def _keys(obj: dict[str, Any] | None) -> tuple[str, ...] | None:
    return None if obj is None else tuple(obj)


def _value_at(at: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function giving the scalar at `at`, with its type (`1` and `true` differ as keys)."""

    def value(payload: Any) -> Any:
        node = payload
        for step in at:
            if type(node) is not dict:
                return None
            node = node.get(step, _ABSENT)
        return (type(node), node if isinstance(node, str | int | float | bool) else 0)

    return value


def _combine(parts: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    if not parts:
        return lambda payload: None
    if len(parts) == 1:
        return parts[0]
    return lambda payload: tuple(part(payload) for part in parts)


_ABSENT = object()


@cache
def fingerprinter(events: tuple[str, ...], test_notification: bool = False) -> Fingerprinter:
    """The shared Fingerprinter of a candidate set."""
    return Fingerprinter(events, test_notification)
