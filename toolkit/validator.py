"""validate(payload, event) -> Report: the verdict of the contract on one payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toolkit import contract
from toolkit.registry import check_event


@dataclass(frozen=True)
class Finding:
    """One way a payload breaks the contract."""

    path: str
    """JSONPath of the offending value, e.g. `$.trigger_metadata.commit`."""
    keyword: str
    """The schema keyword that failed (`required`, `pattern`, `type`, ...)."""
    message: str
    """What was expected, in words."""
    pointer: tuple[str | int, ...] = ()
    """The same location as a sequence of keys and indexes."""
    line: int | None = None
    """Line of the offending value in its source file, when the source text is known."""
    column: int | None = None
    """Column of the offending value (1-based, in characters), when known."""

    def as_dict(self) -> dict[str, str]:
        """The stable JSON shape of a finding."""
        return {"path": self.path, "keyword": self.keyword, "message": self.message}


@dataclass(frozen=True)
class Report:
    """The contract's verdict on one payload."""

    event: str | None
    """The event, when it was given or exactly one fits; `None` when ambiguous or none fits."""
    valid: bool
    test_notification: bool = False
    """True when the body is what Quay's "Test Notification" button sends for this event."""
    errors: tuple[Finding, ...] = field(default=())
    """Violations, the best match first; empty when valid."""
    candidates: tuple[str, ...] = ()
    """Events the payload fits. Several when they share one shape: then only the webhook URL
    that received the payload can tell which it is."""
    closest: str | None = None
    """For a payload that fits no event: the nearest event, whose errors are reported."""

    def __bool__(self) -> bool:
        return self.valid


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
        is_test = contract.fast(event, test_notification=True).is_valid(payload)
        return Report(event, True, is_test, candidates=(event,))
    if contract.fast(event, test_notification=True).is_valid(payload):
        return Report(event, True, True, candidates=(event,))
    return Report(event, False, False, explain(payload, event), closest=event)


def _validate_detected(payload: Any) -> Report:
    from toolkit.detect import detect

    found = detect(payload)
    if found.candidates:
        return Report(found.event, True, found.test_notification, candidates=found.candidates)
    return Report(None, False, False, explain(payload, found.closest), closest=found.closest)


def explain(payload: Any, event: str) -> tuple[Finding, ...]:
    """Every violation of `event`'s contract, the most relevant first (compiled engine).

    Errors under `anyOf`/`oneOf` are reduced to their most specific cause, as jsonschema's
    `best_match` does (see toolkit.explain).
    """
    from toolkit.explain import explain as compiled

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
