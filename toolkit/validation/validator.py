"""validate(payload, event) -> Report: the verdict of the contract on one payload."""

from __future__ import annotations

from typing import Any

from toolkit import contract
from toolkit.contract.fingerprint import fingerprint
from toolkit.contract.invariant_check import checker, holds_for
from toolkit.contract.registry import check_event
from toolkit.contract.releases import Releases
from toolkit.contract.senders import judge_all
from toolkit.validation.explain import broken as invariant_broken
from toolkit.validation.explain import explain as compiled
from toolkit.validation.report import Finding, Report


def validate(payload: Any, event: str | None = None, *, quay_version: str | None = None) -> Report:
    """Check `payload` against `event`'s contract, or detect the event when it is `None`.

    Quay's test-notification bodies break the production contract on purpose (fake ids, a
    numeric date, ...). They are recognised and reported with `test_notification=True` and
    no errors, instead of as violations.

    The default contract accepts what any Quay release from 3.0 on sends. `quay_version`
    (`"3.10"`: any 3.10.x release; `"3.8.2"`: that release) narrows it to what those releases
    send: a field they never send is a `version-unsent` finding, one they always send is required
    (`version-missing`). Raises UnknownReleaseError (a LookupError) for a release the contract
    does not know. A valid report carries its fingerprint, `releases`: the Quay releases that
    could have sent the payload.

    The event's invariants (`x-invariants`) are checked on every payload, valid or not: each
    broken one is a finding with keyword `x-invariants`, its id as `rule` and every field it
    names in `paths`, after the schema's own findings. An invariant that holds only in some
    releases (its `quay-versions`) takes those releases out of the fingerprint; it is a finding
    when no release is left (toolkit.contract.senders), and with `quay_version` only when it
    holds in one of the releases named.

    Args:
        payload: The decoded JSON body (usually a dict; anything else is reported, not raised).
        event: The event the payload was received as, or `None` to detect it from the shape.
        quay_version: `X.Y` or `X.Y.Z`: check against what those Quay releases send.

    Returns:
        The Report: `valid`, `event` (or `candidates`), `errors`, `test_notification` and
        `releases`.

    Raises:
        UnknownEventError: `event` is not one of the 13 events.
        UnknownReleaseError: `quay_version` is not a known Quay release.
    """
    report = _validate(payload, event)
    if quay_version is not None:
        from toolkit.validation.versioned import narrowed_report

        return narrowed_report(report, payload, quay_version)
    return report


def _validate(payload: Any, event: str | None) -> Report:
    if event is None:
        return _validate_detected(payload)
    check_event(event)
    if contract.fast(event).is_valid(payload):
        is_test = contract.is_test_notification(payload, event)
        return _valid(payload, event, is_test, (event,))
    if contract.is_test_notification(payload, event):
        return _valid(payload, event, True, (event,))
    errors = explain(payload, event) + invariant_findings(payload, event)
    return Report(event, False, False, errors, closest=event)


def _valid(payload: Any, event: str | None, test: bool, candidates: tuple[str, ...]) -> Report:
    """The Report on a payload the schema accepts as `candidates`: valid, with its fingerprint,
    unless the invariants rule out every candidate."""
    holds = holds_for(candidates, test_notification=test)
    if holds is None or holds(payload):
        releases = fingerprint(payload, candidates, test)
        return Report(event, True, test, candidates=candidates, releases=releases)
    judged = judge_all(payload, candidates, test)
    fits: list[str] = []
    union = Releases.none()
    for e, j in zip(candidates, judged, strict=True):
        if j.releases is not None:  # its invariants leave some release
            fits.append(e)
            union |= j.releases
    if fits:
        one = fits[0] if len(fits) == 1 else None
        return Report(one, True, test, candidates=tuple(fits), releases=union)
    errors = invariant_broken(judged[0].broken)
    return Report(event, False, test, errors, candidates=candidates, closest=candidates[0])


def _validate_detected(payload: Any) -> Report:
    from toolkit.contract.detect import detect

    found = detect(payload)
    if found.candidates:
        return _valid(payload, found.event, found.test_notification, found.candidates)
    errors = explain(payload, found.closest) + invariant_findings(payload, found.closest)
    return Report(None, False, False, errors, closest=found.closest)


def invariant_findings(
    payload: Any, event: str, *, test_notification: bool = False
) -> tuple[Finding, ...]:
    """A Finding for every invariant of `event` (or of its test notification) that is broken."""
    violations = checker(event, test_notification=test_notification).violations(payload)
    return invariant_broken(violations)


def explain(payload: Any, event: str) -> tuple[Finding, ...]:
    """Every violation of `event`'s contract, the most relevant first (compiled engine).

    Errors under `anyOf`/`oneOf` are reduced to their most specific cause, as jsonschema's
    `best_match` does (see toolkit.validation.explain).
    """
    return compiled(payload, event)


def explain_rich(payload: Any, event: str) -> tuple[Finding, ...]:
    """explain() by python-jsonschema (with ECMA-262 patterns): its own messages and ranking.

    About 100x slower than explain() and ~100 ms to import; kept as the reference the compiled
    explanation is tested against.
    """
    from jsonschema.exceptions import best_match, relevance

    errors = sorted(contract.rich(event).iter_errors(payload), key=relevance)
    if not errors:
        return ()
    head = best_match(errors)
    rest = [e for e in errors if e is not head]
    return tuple(_finding(best_match([e]) or e) for e in [head, *rest])


def _finding(error: Any) -> Finding:
    return Finding(
        path=error.json_path,
        keyword=str(error.validator),
        message=error.message,
        pointer=tuple(error.absolute_path),
    )
