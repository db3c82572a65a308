"""The recorder's fast verdict is the validator's verdict, for every sample the contract has."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.conftest import example_cases, invalid_cases, notification_cases
from toolkit.capture.listen.verdict import as_dict, judge
from toolkit.validation.validator import validate


def agree(payload: Any, event: str | None) -> dict[str, Any]:
    fast = as_dict(asyncio.run(judge(payload, event)))
    assert fast == as_dict(validate(payload, event))
    return fast


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_examples(event: str, index: int, payload: Any) -> None:
    assert agree(payload, event)["valid"] and agree(payload, None)["valid"]


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications(event: str, payload: Any) -> None:
    assert agree(payload, event)["test_notification"] is True
    assert agree(payload, None)["test_notification"] is True


@pytest.mark.parametrize(("event", "case"), invalid_cases())
def test_violations(event: str, case: dict[str, Any]) -> None:
    verdict = agree(case["payload"], event)
    assert not verdict["valid"] and verdict["errors"]
    agree(json.loads(json.dumps(case["payload"])), None)


@pytest.mark.parametrize("version", ["3.2.1", "3.8", "3.10", "3.18.0"])
@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_a_release_is_judged_as_validate_judges_it(
    event: str, index: int, payload: Any, version: str
) -> None:
    for pinned in (event, None):
        fast = as_dict(asyncio.run(judge(payload, pinned, version)), quay_version=version)
        assert fast == as_dict(
            validate(payload, pinned, quay_version=version), quay_version=version
        )
        assert fast["quay_version"] == version
        assert fast["releases"] is not None  # every example is valid by default


def test_the_envelope_verdict_carries_the_fingerprint() -> None:
    payload = example_cases()[0].values[2]
    verdict = as_dict(asyncio.run(judge(payload, None)))
    assert verdict["releases"] == {"text": "any release ≥ 3.0", "ranges": [["3.0.0", None]]}
    assert "quay_version" not in verdict
