"""The contract accepts what Quay sends and rejects each violation for the stated reason."""

from __future__ import annotations

from typing import Any

import pytest

import toolkit
from tests.conftest import example_cases, invalid_cases, notification_cases, valid_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS, UnknownEventError


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_is_valid(event: str, index: int, payload: Any) -> None:
    report = toolkit.validate(payload, event)
    assert report.valid, report.errors
    assert not report.test_notification
    assert report.errors == ()


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_is_detected(event: str, index: int, payload: Any) -> None:
    report = toolkit.validate(payload)
    assert report.valid
    assert event in report.candidates
    assert set(report.candidates) <= {event, *contract.shares_shape_with(event)}
    assert report.event == (event if len(report.candidates) == 1 else None)


@pytest.mark.parametrize(("event", "case"), valid_cases())
def test_production_shapes_from_the_research_are_valid(event: str, case: dict[str, Any]) -> None:
    report = toolkit.validate(case["payload"], event)
    assert report.valid, report.errors
    assert not report.test_notification
    assert event in toolkit.validate(case["payload"]).candidates


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications_are_recognised(event: str, payload: Any) -> None:
    pinned = toolkit.validate(payload, event)
    assert pinned.valid and pinned.test_notification and pinned.errors == ()
    detected = toolkit.validate(payload)
    assert detected.test_notification and event in detected.candidates


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications_break_the_production_contract_where_quay_says(
    event: str, payload: Any
) -> None:
    """Only the push, mirror and quota samples also fit the production contract."""
    production_valid = contract.fast(event).is_valid(payload)
    assert production_valid == (event == "repo_push" or event.startswith(("quota_", "repo_mirror")))


def test_no_example_is_mistaken_for_a_test_notification() -> None:
    for event in EVENTS:
        for payload in contract.examples(event):
            assert not contract.fast(event, test_notification=True).is_valid(payload)


def test_invalid_folder_covers_every_event() -> None:
    counts = dict.fromkeys(EVENTS, 0)
    for param in invalid_cases():
        counts[param.values[0]] += 1
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize(("event", "case"), invalid_cases())
def test_invalid_payload_fails_for_the_declared_reason(event: str, case: dict[str, Any]) -> None:
    report = toolkit.validate(case["payload"], event)
    assert not report.valid
    assert not report.test_notification
    head = report.errors[0]
    assert (head.keyword, head.path) == (case["keyword"], case["path"]), report.errors
    assert head.message
    if "rule" in case:  # an invariant: its id, every field it relates, nothing else broken
        assert (head.rule, list(head.paths)) == (case["rule"], case["paths"]), report.errors
        others = [f.rule for f in report.errors[1:]]
        assert others == case.get("also", []), report.errors


@pytest.mark.parametrize(("event", "case"), invalid_cases())
def test_undetected_invalid_payload_reports_closest_event(event: str, case: dict[str, Any]) -> None:
    report = toolkit.validate(case["payload"])
    assert not report.valid
    allowed = {event, *contract.shares_shape_with(event), *case.get("closest", [])}
    assert report.closest in allowed
    assert report.errors


def test_unknown_event_is_an_error() -> None:
    with pytest.raises(UnknownEventError, match="unknown event 'push'"):
        toolkit.validate({}, "push")


@pytest.mark.parametrize("payload", [None, [], "x", 3, {}])
def test_non_object_payloads_are_invalid_not_errors(payload: Any) -> None:
    report = toolkit.validate(payload)
    assert not report.valid and report.errors
