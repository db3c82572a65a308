"""validate(payload, event) -> Report: the verdict of the contract on one payload."""

from __future__ import annotations

from typing import Any

from toolkit import contract
from toolkit.contract.invariant_check import checker, holds_for
from toolkit.contract.invariants import KEYWORD
from toolkit.contract.registry import check_event
from toolkit.validation.explain import explain as compiled
from toolkit.validation.report import Finding, Report


def validate(payload: Any, event: str | None = None) -> Report:
    """Check `payload` against `event`'s contract, or detect the event when it is `None`.

    Quay's test-notification bodies break the production contract on purpose (fake ids, a
    numeric date, ...). They are recognised and reported with `test_notification=True` and
    no errors, instead of as violations.

    The event's invariants (`x-invariants`) are checked on every payload, valid or not: each
    broken one is a finding with keyword `x-invariants`, its id as `rule` and every field it
    names in `paths`, after the schema's own findings.
    """
    if event is None:
        return _validate_detected(payload)
    check_event(event)
    if contract.fast(event).is_valid(payload):
        is_test = contract.is_test_notification(payload, event)
        return _judged(payload, event, is_test)
    if contract.is_test_notification(payload, event):
        return _judged(payload, event, True)
    errors = explain(payload, event) + invariant_findings(payload, event)
    return Report(event, False, False, errors, closest=event)


def _judged(payload: Any, event: str, test: bool) -> Report:
    """The Report on a payload its schema accepts: valid unless an invariant is broken."""
    if checker(event, test_notification=test).holds(payload):
        return Report(event, True, test, candidates=(event,))
    broken = invariant_findings(payload, event, test_notification=test)
    return Report(event, False, test, broken, candidates=(event,), closest=event)


def _validate_detected(payload: Any) -> Report:
    from toolkit.contract.detect import detect

    found = detect(payload)
    if not found.candidates:
        errors = explain(payload, found.closest) + invariant_findings(payload, found.closest)
        return Report(None, False, False, errors, closest=found.closest)
    test = found.test_notification
    holds = holds_for(found.candidates, test_notification=test)
    if holds is None or holds(payload):
        return Report(found.event, True, test, candidates=found.candidates)
    # An invariant rules out some candidates of the shape (or all of them).
    fits = tuple(e for e in found.candidates if checker(e, test_notification=test).holds(payload))
    if fits:
        return Report(fits[0] if len(fits) == 1 else None, True, test, candidates=fits)
    first = found.candidates[0]
    broken = invariant_findings(payload, first, test_notification=test)
    return Report(found.event, False, test, broken, candidates=found.candidates, closest=first)


def invariant_findings(
    payload: Any, event: str, *, test_notification: bool = False
) -> tuple[Finding, ...]:
    """A Finding for every invariant of `event` (or of its test notification) that is broken."""
    return tuple(
        Finding(
            v.paths[0],
            KEYWORD,
            v.message,
            v.pointers[0],
            rule=v.rule,
            paths=v.paths,
        )
        for v in checker(event, test_notification=test_notification).violations(payload)
    )


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
