"""Fuzzing one release: samples of a narrowed contract are valid for exactly the eras that
accept them, mutants break one rule of it, and `fuzz`/`send --quay-version` use them."""

from __future__ import annotations

import json
from random import Random
from typing import Any

import pytest
from click.testing import CliRunner

import toolkit
from toolkit import fuzz
from toolkit.cli import main
from toolkit.contract.fingerprint import era_checks, fingerprint, plan
from toolkit.contract.registry import EVENTS
from toolkit.send.delivery import plan as send_plan

PER_ERA = 12


def eras() -> list[Any]:
    return [
        pytest.param(event, test, era, id=f"{event}{'#test' if test else ''}:{era}")
        for event in EVENTS
        for test in (False, True)
        for era in plan(event, test).eras
        if era & plan(event, test).range
    ]


@pytest.mark.parametrize(("event", "test", "era"), eras())
def test_samples_of_an_era_are_valid_for_exactly_the_eras_that_accept_them(
    event: str, test: bool, era: Any
) -> None:
    first = next(iter(era))
    checks = era_checks(event, test)
    rng = Random(f"versions:{event}:{test}:{first}")
    for _ in range(PER_ERA):
        payload = fuzz.draw(event, rng, test_notification=test, quay_version=first)
        report = toolkit.validate(payload, event, quay_version=first)
        assert report.valid, (first, report.errors, payload)
        assert report.test_notification == test or not test
        fits = fingerprint(payload, (event,), test)
        assert era.issubset(fits)
        for check in checks:
            assert check.releases.issubset(fits) == check.is_valid(payload), check.releases


@pytest.mark.parametrize(
    ("version", "events"),
    [
        ("3.2", ["build_queued", "build_failure", "vulnerability_found"]),
        ("3.8", ["build_queued", "vulnerability_found"]),
        ("3.10", ["build_queued", "vulnerability_found"]),
        ("3.12.0", ["repo_image_expiry", "vulnerability_found"]),
    ],
)
def test_mutants_break_one_rule_of_the_release(version: str, events: list[str]) -> None:
    keywords = set()
    for sample in fuzz.iter_samples(events, 8, seed="mutants", invalid=True, quay_version=version):
        report = toolkit.validate(sample.payload, sample.event, quay_version=version)
        assert not report.valid
        assert sample.violates is not None
        assert [(f.keyword, f.path) for f in report.errors] == [
            (sample.violates.keyword, sample.violates.path)
        ]
        keywords.add(sample.violates.keyword)
    assert len(keywords) >= 3


def test_fuzz_leaves_out_what_the_release_never_sends() -> None:
    result = CliRunner().invoke(main, ["fuzz", "--all", "-n", "2", "--quay-version", "3.10.3"])
    assert result.exit_code == 0, result.output
    events = {json.loads(line)["event"] for line in result.stdout.splitlines()}
    assert events == set(EVENTS) - {
        "build_start",
        "repo_image_expiry",
        "quota_warning",
        "quota_error",
    }
    assert "left out" in result.stderr and "build_start" in result.stderr
    for line in result.stdout.splitlines():
        sample = json.loads(line)
        assert toolkit.validate(sample["payload"], sample["event"], quay_version="3.10.3").valid


def test_fuzz_of_an_event_the_release_never_sends_is_a_usage_error() -> None:
    args = ["fuzz", "--event", "quota_error", "--quay-version", "3.10"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "sends none of the events" in result.output


def test_fuzz_test_notifications_of_a_release() -> None:
    args = ["fuzz", "--event", "build_start", "--test-notification", "--quay-version", "3.10"]
    result = CliRunner().invoke(main, [*args, "-n", "3"])
    assert result.exit_code == 0  # the button works where the real event is never sent
    assert len(result.stdout.splitlines()) == 3


def test_send_plans_only_what_the_release_sends() -> None:
    deliveries = send_plan(["build_queued", "repo_image_expiry"], 3, quay_version="3.10")
    # 3.10 never sends repo_image_expiry (3.12.0 and later): none of its payloads is planned
    assert {d.event for d in deliveries} == {"build_queued"}
    kinds = {"example", "test_notification", "regression", "release", "valid", "invalid"}
    assert {d.kind for d in deliveries} == kinds  # the corpus too, as far as 3.10 sends it
    examples = [d for d in deliveries if d.kind == "example"]
    every = send_plan(["build_queued"], 0, kinds=["example"])
    assert 0 < len(examples) < len(every)  # Red Hat's 2019 sample is not what 3.10 sends
    for delivery in deliveries:
        report = toolkit.validate(delivery.payload, delivery.event, quay_version="3.10")
        assert report.valid == delivery.expect_success, delivery.label
