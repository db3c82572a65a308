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
