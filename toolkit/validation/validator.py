"""validate(payload, event) -> Report: the verdict of the contract on one payload."""

from __future__ import annotations

from typing import Any

from toolkit import contract
from toolkit.contract.registry import check_event
from toolkit.validation.explain import explain as compiled
from toolkit.validation.report import Finding, Report


def validate(payload: Any, event: str | None = None) -> Report:
    """Check `payload` against `event`'s contract, or detect the event when it is `None`.

    Quay's test-notification bodies break the production contract on purpose (fake ids, a
    numeric date, ...). They are recognised and reported with `test_notification=True` and
    no errors, instead of as violations.
    """
    if event is None:
        return _validate_detected(payload)
    check_event(event)
    if contract.fast(event).is_valid(payload):
        is_test = contract.is_test_notification(payload, event)
        return Report(event, True, is_test, candidates=(event,))
    if contract.is_test_notification(payload, event):
        return Report(event, True, True, candidates=(event,))
    return Report(event, False, False, explain(payload, event), closest=event)


def _validate_detected(payload: Any) -> Report:
    from toolkit.contract.detect import detect

    found = detect(payload)
    if found.candidates:
        return Report(found.event, True, found.test_notification, candidates=found.candidates)
    return Report(None, False, False, explain(payload, found.closest), closest=found.closest)


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
