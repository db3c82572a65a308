"""Property-based contract tests for the handler in `handler.py`.

Run with `pytest` once `quay-webhook-contracts[fuzz]` is installed: the `quay_event` and
`quay_samples` fixtures come from its pytest plugin, the strategies from `toolkit.strategies`.
"""

from __future__ import annotations

from hypothesis import given, settings

from toolkit.send import quay_body  # the body exactly as Quay serialises it
from toolkit.strategies import invalid_payloads, quay_payloads, test_notifications

from handler import CONTRACT_BREAKS, SEEN_BUILDS, handle


@settings(max_examples=50)
@given(quay_payloads("build_success"))
def test_accepts_every_build_success_quay_can_send(payload):
    assert handle("build_success", quay_body(payload)) == 200


@settings(max_examples=50)
@given(invalid_payloads("build_success"))
def test_acknowledges_what_breaks_the_contract_without_acting_on_it(sample):
    builds = set(SEEN_BUILDS)
    assert handle("build_success", quay_body(sample.payload)) == 200  # the response policy
    assert CONTRACT_BREAKS[-1] == sample.violates.path and builds == SEEN_BUILDS


@settings(max_examples=10)
@given(test_notifications("build_success"))
def test_acknowledges_the_test_notification_button(payload):
    assert handle("build_success", quay_body(payload)) == 200


def test_every_event(quay_event, quay_samples):
    for sample in quay_samples(quay_event, n=10):
        assert handle(quay_event, quay_body(sample.payload)) == 200


def test_remembers_each_build_by_its_id(quay_samples):
    for sample in quay_samples("build_success", n=10):
        assert handle("build_success", quay_body(sample.payload)) == 200
        assert sample.payload["build_id"] in SEEN_BUILDS
