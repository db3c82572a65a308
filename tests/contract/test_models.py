"""Generated models parse every example, keep nullable vs optional, and dump back to valid JSON."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.conftest import example_cases, notification_cases, valid_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS


def test_one_model_per_event() -> None:
    assert list(MODELS) == list(EVENTS)
    assert {m.__name__ for m in MODELS.values()} == {contract.raw(e)["title"] for e in EVENTS}


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_model_round_trips_every_example(event: str, index: int, payload: Any) -> None:
    model = MODELS[event].model_validate(payload)
    dumped = model.model_dump(mode="json", exclude_unset=True)
    assert dumped == payload
    assert contract.fast(event).is_valid(dumped)


@pytest.mark.parametrize(("event", "case"), valid_cases())
def test_model_round_trips_research_shapes(event: str, case: dict[str, Any]) -> None:
    payload = case["payload"]
    dumped = MODELS[event].model_validate(payload).model_dump(mode="json", exclude_unset=True)
    assert dumped == payload


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notification_models_parse_samples(event: str, payload: Any) -> None:
    model = TEST_NOTIFICATION_MODELS[event].model_validate(payload)
    assert model.model_dump(mode="json", exclude_unset=True) == payload


def test_nullable_is_required_and_optional_is_not() -> None:
    fields = MODELS["build_queued"].model_fields
    assert fields["manual_user"].is_required()  # required, nullable
    assert not fields["trigger_manual"].is_required()  # optional, not nullable
    start = MODELS["build_start"].model_fields
    assert start["trigger_id"].is_required() and start["trigger_metadata"].is_required()
    payload = dict(contract.examples("build_queued")[1])
    del payload["manual_user"]
    with pytest.raises(ValidationError, match="manual_user"):
        MODELS["build_queued"].model_validate(payload)


def test_urls_keep_quays_exact_string() -> None:
    model = MODELS["repo_push"].model_validate(contract.examples("repo_push")[1])
    assert model.homepage.root == "https://quay.io/repository/acme/webapp"


def test_models_reject_what_the_schema_rejects() -> None:
    payload = dict(contract.examples("quota_warning")[0], usage_bytes="12")
    with pytest.raises(ValidationError):
        MODELS["quota_warning"].model_validate(payload)
