"""The Hypothesis strategies, and the hypothesis / hypothesis-jsonschema pair they rely on."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from toolkit import fuzz, validate
from toolkit.fuzz.strategies import (
    Sample,
    invalid_payloads,
    payloads,
    quay_payloads,
    samples,
    test_notifications,
)
from toolkit.models import MODELS

QUICK = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@QUICK
@given(samples())
def test_any_event_payload_is_valid_and_parses(sample: Sample) -> None:
    report = validate(sample.payload, sample.event)
    assert report.valid and not report.test_notification
    MODELS[sample.event].model_validate(sample.payload)


@QUICK
@given(quay_payloads("build_failure"))
def test_named_event_payloads_are_that_event(payload: Any) -> None:
    assert validate(payload, "build_failure").valid
    assert payloads is quay_payloads


@QUICK
@given(invalid_payloads())
def test_invalid_payloads_break_their_label(sample: Sample) -> None:
    assert sample.violates is not None
    errors = validate(sample.payload, sample.event).errors
    assert [(e.keyword, e.path) for e in errors] == [
        (sample.violates.keyword, sample.violates.path)
    ]


@QUICK
@given(test_notifications("vulnerability_found"))
def test_test_notification_strategy(payload: Any) -> None:
    assert validate(payload, "vulnerability_found").test_notification


def test_hypothesis_jsonschema_generates_objects_with_the_installed_hypothesis() -> None:
    """Fails loudly (AttributeError: 'many' object has no attribute 'more') on a broken pair."""
    seen: list[Any] = []

    @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fuzz.reference_strategy("quota_warning"))
    def draw(payload: Any) -> None:
        seen.append(payload)

    draw()
    assert seen and all(isinstance(p, dict) and "namespace" in p for p in seen)
