"""Generated payloads for every event: valid, invalid (one rule broken, labelled) and test bodies.

`sample()` is the plain library entry point (deterministic for a seed, no Hypothesis needed); the
Hypothesis strategies in `toolkit.fuzz.strategies` draw from the same generators. This module is
also the only place that touches hypothesis-jsonschema (`reference_strategy`), whose last release
breaks on newer Hypothesis internals: `check_hypothesis()` says whether the installed pair works.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from random import Random
from typing import Any

from toolkit import contract
from toolkit.contract.fingerprint import era_checks, narrowed, plan
from toolkit.contract.invariant_check import Compiled, checker
from toolkit.contract.invariants import for_event
from toolkit.contract.registry import EVENTS, check_event
from toolkit.contract.releases import Releases, parse_release
from toolkit.fuzz.generate import GenerationError, Generator, example_pools
from toolkit.fuzz.mutate import Label, Violation, mutate

__all__ = [
    "GenerationError",
    "Sample",
    "Violation",
    "check_hypothesis",
    "draw",
    "draw_invalid",
    "eras_sending",
    "generator",
    "iter_samples",
    "sample",
    "samples",
]

HYPOTHESIS_BROKEN_FROM = (6, 170, 10)
"""hypothesis-jsonschema 0.23.1 fails with this Hypothesis and newer ('many' ... 'more')."""


@dataclass(frozen=True)
class Sample:
    """One generated payload for an event; `violates` is set for invalid ones."""

    event: str
    payload: Any
    violates: Violation | None = None
    test_notification: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The NDJSON line shape of `quay-contract fuzz`."""
        out: dict[str, Any] = {"event": self.event, "payload": self.payload}
        if self.violates is not None:
            out["violates"] = self.violates.as_dict()
        return out


def events_of(event: str | Iterable[str] | None) -> tuple[str, ...]:
    """`None` means every event; a name or names are checked."""
    if event is None:
        return EVENTS
    if isinstance(event, str):
        return (check_event(event),)
    return tuple(check_event(e) for e in event)


@cache
def generator(
    event: str, *, test_notification: bool = False, era: Releases | None = None
) -> Generator:
    """The generator for an event's payloads (or its test-notification bodies), from the
    contract narrowed to `era` when one is given (see toolkit.contract.plans)."""
    check_event(event)
    if era is not None:
        schema = narrowed(event, era, test_notification)
    elif test_notification:
        schema = contract.test_notification_schema(event)
    else:
        schema = contract.resolved(event)
    found = contract.test_notification_examples if test_notification else contract.examples
    invariants = for_event(event, test_notification=test_notification)
    return Generator(schema, example_pools(found(event)), invariants)


def eras_sending(
    event: str, quay_version: str, *, test_notification: bool = False
) -> tuple[Releases, ...]:
    """The event's eras that meet the releases `quay_version` names and send the event."""
    target = parse_release(quay_version)
    p = plan(event, test_notification)
    return tuple(e for e in p.eras if e & target and e & p.range)


def _era(event: str, rng: Any, quay_version: str | None, test_notification: bool) -> Any:
    if quay_version is None:
        return None
    eras = eras_sending(event, quay_version, test_notification=test_notification)
    if not eras:
        raise GenerationError(f"Quay {quay_version} does not send {event}")
    return eras[rng.randrange(len(eras))] if len(eras) > 1 else eras[0]


def draw(
    event: str, rng: Any, *, test_notification: bool = False, quay_version: str | None = None
) -> Any:
    """One valid payload for `event` from the random source `rng` (one that a release
    `quay_version` names could send, when given)."""
    era = _era(event, rng, quay_version, test_notification)
    return generator(event, test_notification=test_notification, era=era).draw(rng)


def _findings(event: str, quay_version: str | None = None, era: Releases | None = None) -> Any:
    from toolkit.validation.validator import validate

    fast = contract.fast(event) if era is None else _era_validator(event, era)
    invariants = _invariants(event, era)

    def check(payload: Any) -> tuple[Label, ...]:
        # The compiled validator and invariants screen out mutants with no or several errors
        # cheaply; only single-error ones pay for toolkit.validate's detailed findings.
        errors = len(list(fast.iter_errors(payload)))
        errors += sum(1 for c in invariants if c.fails(payload))
        if errors != 1:
            return (("", "", None, ()),) * errors
        report = validate(payload, event, quay_version=quay_version)
        if report.valid:
            return ()
        return tuple((f.keyword, f.path, f.rule, f.paths) for f in report.errors)

    return check


def _era_validator(event: str, era: Releases) -> Any:
    return next(c.validator for c in era_checks(event) if c.releases == era)


def _invariants(event: str, era: Releases | None) -> tuple[Compiled, ...]:
    """The event's compiled invariants (those that hold in a release of `era`, when given)."""
    found = checker(event).compiled
    return found if era is None else tuple(c for c in found if c.releases & era)


def draw_invalid(
    event: str, rng: Any, tries: int = 20, *, quay_version: str | None = None
) -> tuple[Any, Violation]:
    """One payload for `event` that breaks exactly one rule (a schema keyword, or an invariant),
    with that rule (of the contract narrowed to `quay_version`, when given)."""
    for _ in range(tries):
        era = _era(event, rng, quay_version, False)
        schema = contract.resolved(event) if era is None else narrowed(event, era)
        check = _findings(event, quay_version, era)
        payload = generator(event, era=era).draw(rng)
        found = mutate(payload, schema, rng, check, invariants=_invariants(event, era))
        if found is not None:
            payload, violation = found
            return payload, violation
    raise GenerationError(f"no single-rule mutation found for {event} in {tries} payloads")


def iter_samples(
    event: str | Iterable[str] | None,
    n: int,
    seed: int | str = 0,
    *,
    invalid: bool = False,
    test_notification: bool = False,
    quay_version: str | None = None,
) -> Iterator[Sample]:
    """`n` samples per event, the same for the same seed (each event has its own stream).

    With `quay_version`, payloads a release it names could send (and mutants of them); an
    event none of them sends raises GenerationError (see `eras_sending`)."""
    kind = "invalid" if invalid else "test" if test_notification else "valid"
    for name in events_of(event):
        rng = Random(f"{seed}:{name}:{kind}" + (f":{quay_version}" if quay_version else ""))
        for _ in range(n):
            if invalid:
                payload, violation = draw_invalid(name, rng, quay_version=quay_version)
                yield Sample(name, payload, violation)
            else:
                body = draw(
                    name, rng, test_notification=test_notification, quay_version=quay_version
                )
                yield Sample(name, body, test_notification=test_notification)


def samples(
    event: str | Iterable[str] | None,
    n: int,
    seed: int | str = 0,
    *,
    invalid: bool = False,
    test_notification: bool = False,
    quay_version: str | None = None,
) -> list[Sample]:
    """`iter_samples` as a list."""
    return list(
        iter_samples(
            event,
            n,
            seed,
            invalid=invalid,
            test_notification=test_notification,
            quay_version=quay_version,
        )
    )


def sample(event: str | None, n: int, seed: int | str = 0, invalid: bool = False) -> list[Any]:
    """`n` payloads per event (all events for `None`), deterministic for `seed`."""
    return [s.payload for s in samples(event, n, seed, invalid=invalid)]


def hypothesis_version() -> tuple[int, ...]:
    """The installed Hypothesis version."""
    from hypothesis import __version_info__

    return tuple(__version_info__)


def check_hypothesis() -> None:
    """Raise RuntimeError if the installed Hypothesis cannot run hypothesis-jsonschema 0.23.1."""
    version = hypothesis_version()
    if version >= HYPOTHESIS_BROKEN_FROM:
        found = ".".join(map(str, version))
        raise RuntimeError(
            f"hypothesis {found} is installed, but hypothesis-jsonschema 0.23.1 fails with "
            "hypothesis >= 6.170.10 ('many' object has no attribute 'more'); "
            "install 'hypothesis<6.170.10'"
        )


def reference_strategy(event: str) -> Any:
    """hypothesis-jsonschema's own strategy for the event's schema (slow; for cross-checks).

    `uuid` has no built-in format strategy there, so one is supplied.
    """
    check_hypothesis()
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    formats = {"uuid": st.uuids().map(str)}
    return from_schema(contract.resolved(event), custom_formats=formats)
