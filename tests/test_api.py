"""The library API for receiving code: detect, validate_body, parse; bounded-memory streaming."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path
from typing import Any

import orjson
import pytest

import toolkit
from tests.conftest import ROOT, example_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS

SHARED = [g for g in contract.shape_groups() if len(g) > 1]


def test_the_shared_shapes_are_the_documented_ones() -> None:
    assert sorted(SHARED) == sorted(
        [
            ("build_start", "build_success", "build_failure", "build_cancelled"),
            ("repo_mirror_sync_started", "repo_mirror_sync_success", "repo_mirror_sync_failed"),
            ("quota_warning", "quota_error"),
        ]
    )


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_detect_names_the_event_or_its_shared_group(event: str, index: int, payload: Any) -> None:
    found = toolkit.detect(payload)
    group = next(g for g in contract.shape_groups() if event in g)
    assert event in found.candidates and set(found.candidates) <= set(group)
    assert found.ambiguous == (len(found.candidates) > 1)
    assert found.event == (event if len(found.candidates) == 1 else None)


def test_detect_runs_one_compiled_validation_for_a_valid_payload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from toolkit.contract import detect as module

    calls = 0

    class Counting:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def is_valid(self, payload: Any) -> bool:
            nonlocal calls
            calls += 1
            return bool(self.inner.is_valid(payload))

    original = module._route

    def counting_route(group: Any) -> Any:
        validator, *rest = original(group)
        return (Counting(validator), *rest)

    monkeypatch.setattr(module, "_route", counting_route)
    monkeypatch.setattr(module, "_BY_KEYS", {})
    for event in EVENTS:
        calls = 0
        toolkit.detect(contract.examples(event)[0])
        assert calls == 1, event


def test_validate_body_accepts_bytes_text_and_gzip() -> None:
    body = orjson.dumps(contract.examples("repo_push")[0])
    assert toolkit.validate_body(body).event == "repo_push"
    assert toolkit.validate_body(body.decode()).valid
    assert toolkit.validate_body(gzip.compress(body), content_encoding="gzip").valid


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"", "empty"), (b"{", "truncated JSON"), ('{"a": "é"}'.encode("latin-1"), "not UTF-8")],
)
def test_validate_body_raises_for_bodies_that_are_not_json(body: bytes, message: str) -> None:
    with pytest.raises(toolkit.UnreadableBodyError, match=message):
        toolkit.validate_body(body)


@pytest.mark.parametrize("event", EVENTS)
def test_parse_returns_the_generated_model(event: str) -> None:
    payload = contract.examples(event)[0]
    model = toolkit.parse(payload, event)
    assert isinstance(model, MODELS[event])
    if len(toolkit.detect(payload).candidates) == 1:
        assert isinstance(toolkit.parse(orjson.dumps(payload)), MODELS[event])


def test_parse_test_notification_gives_its_model() -> None:
    body = contract.test_notification_examples("build_queued")[0]
    assert isinstance(toolkit.parse(body), TEST_NOTIFICATION_MODELS["build_queued"])


def test_parse_of_a_shared_shape_needs_the_event() -> None:
    with pytest.raises(toolkit.AmbiguousEventError, match="pass event="):
        toolkit.parse(contract.examples("build_success")[0])


def test_parse_lists_every_violation() -> None:
    payload = dict(contract.examples("repo_push")[0], namespace="Acme", updated_tags="x")
    with pytest.raises(toolkit.ContractError) as info:
        toolkit.parse(payload, "repo_push")
    text = str(info.value)
    assert "violates the repo_push contract" in text
    assert "$.namespace [pattern]" in text and "$.updated_tags [type]" in text
    assert info.value.report is not None and not info.value.report.valid


def test_streaming_memory_does_not_grow_with_input_size(tmp_path: Path) -> None:
    """The NDJSON path holds one chunk at a time: 4x the input, about the same peak."""
    from toolkit.validation.batch import Options
    from toolkit.validation.runner import run

    line = orjson.dumps(contract.examples("build_success")[0]) + b"\n"
    peaks = []
    for copies in (6_000, 24_000):
        path = tmp_path / f"{copies}.ndjson"
        path.write_bytes(line * copies)
        tracemalloc.start()
        total = sum(sum(b.passes.values()) for b in run([str(path)], Options(), jobs=1))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert total == copies
    assert peaks[1] < peaks[0] * 1.3 + 2**20, peaks
    assert peaks[1] < 24 * 2**20, peaks


QUAY_DOCS_PUSH = json.loads((ROOT / "samples/quay-docs-repo-push.json").read_text())


def test_an_invariant_makes_a_well_formed_payload_invalid_everywhere() -> None:
    """Quay's repo_push docs sample as printed: detection (shape-based) still names repo_push,
    while validate, validate_body and parse reject it for its `name`."""
    assert toolkit.detect(QUAY_DOCS_PUSH).candidates == ("repo_push",)
    report = toolkit.validate(QUAY_DOCS_PUSH)
    assert (report.valid, report.event, report.candidates) == (False, "repo_push", ("repo_push",))
    assert [f.rule for f in report.errors] == ["repository-path", "server-urls"]
    assert {"$.name", "$.repository"} <= set(report.errors[0].paths)
    body = json.dumps(QUAY_DOCS_PUSH).encode()
    assert toolkit.validate_body(body, "repo_push").errors == report.errors
    with pytest.raises(toolkit.ContractError, match=r"\$\.repository \[repository-path\]"):
        toolkit.parse(body)


def test_a_shared_shape_breaking_an_invariant_is_reported_for_its_candidates() -> None:
    payload = dict(contract.examples("build_start")[0], build_name="0000000")
    report = toolkit.validate(payload)
    assert not report.valid and report.event is None
    assert report.candidates == ("build_start", "build_success", "build_failure", "build_cancelled")
    assert report.closest == "build_start"
    assert [(f.keyword, f.rule) for f in report.errors] == [("x-invariants", "build-name")]
