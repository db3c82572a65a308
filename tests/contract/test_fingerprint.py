"""The version fingerprint and the narrowed contract, over the payloads traced per release.

`tests/data/releases/` holds one body per release range and shape, traced from Quay's code at
the release tags (`index.json` says which releases send each), and `fingerprints.json` the
fingerprint each must get.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

import toolkit
from tests.conftest import DATA, example_cases, notification_cases, valid_cases
from toolkit import contract, fuzz
from toolkit.contract.fingerprint import by_eras, fingerprint, fingerprinter, plan
from toolkit.contract.registry import EVENTS
from toolkit.contract.releases import Releases, known, parse_release
from toolkit.contract.versions import MISSING, UNSENT, releases_of

RELEASES = DATA / "releases"
VERSION_RULES = {UNSENT, MISSING}


@cache
def index() -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = json.loads((RELEASES / "index.json").read_text())["files"]
    return files


def expected() -> dict[str, str]:
    out: dict[str, str] = json.loads((RELEASES / "fingerprints.json").read_text())["fingerprints"]
    return out


def traced() -> list[Any]:
    return [pytest.param(entry, id=entry["file"]) for entry in index()]


def load(entry: dict[str, Any]) -> Any:
    return json.loads((RELEASES / entry["file"]).read_bytes())


def own_range(entry: dict[str, Any]) -> Releases:
    """The releases the tracer says send this body (`3.0` is `3.0.0`)."""
    first = entry["min_version"] if entry["min_version"].count(".") == 2 else "3.0.0"
    return Releases.from_ranges([[first, entry["max_version"]]])


def test_every_traced_file_is_indexed_and_has_an_expected_fingerprint() -> None:
    files = {p.relative_to(RELEASES).as_posix() for p in RELEASES.glob("*/*.json")}
    assert files == {e["file"] for e in index()} == set(expected())
    assert len(files) == 75
    assert {e["event"] for e in index()} == set(EVENTS)


@pytest.mark.parametrize("entry", traced())
def test_traced_payload_is_valid_by_default_with_its_fingerprint(entry: dict[str, Any]) -> None:
    payload, event = load(entry), entry["event"]
    report = toolkit.validate(payload, event)
    assert report.valid, report.errors
    assert report.test_notification == entry["test_notification"]
    assert report.releases is not None
    assert own_range(entry).issubset(report.releases)
    assert str(report.releases) == expected()[entry["file"]]
    detected = toolkit.validate(payload)
    assert detected.valid and event in detected.candidates
    assert own_range(entry).issubset(detected.releases or Releases.none())


@pytest.mark.parametrize("entry", traced())
def test_traced_payload_under_each_release(entry: dict[str, Any]) -> None:
    """Valid for every release that could send it; for the others (where its shape really
    differs), rejected with version rules only."""
    payload, event = load(entry), entry["event"]
    fits = fingerprint(payload, (event,), entry["test_notification"])
    for version in known():
        report = toolkit.validate(payload, event, quay_version=version)
        if version in fits:
            assert report.valid, (version, report.errors)
            continue
        assert not report.valid, version
        assert report.errors and {f.rule for f in report.errors} <= VERSION_RULES, version
        assert all(f.keyword == "x-quay-versions" and version in f.message for f in report.errors)


def test_the_shapes_that_differ_are_told_apart() -> None:
    """Each payload whose shape a release range alone sends is rejected by another range."""
    told = {
        e["file"]
        for e in index()
        if fingerprint(load(e), (e["event"],), e["test_notification"]) != Releases.every()
    }
    assert {
        "build_queued/3.4.0-3.8.1-manual.json",
        "build_queued/3.8.2+-manual.json",
        "build_start/3.18+-upload.json",
        "build_success/3.0-3.3.4-triggered.json",
        "build_failure/3.0-3.3.4-upload.json",
        "vulnerability_found/3.0-3.3.4-clairv2-analyzer.json",
        "vulnerability_found/3.9.0-3.11.13-newindex.json",
        "vulnerability_found/3.12+-newindex.json",
        "repo_image_expiry/3.12.0-3.12.0-expiring.json",
        "repo_image_expiry/3.12.1+-expiring.json",
        "repo_mirror_sync_started/3.4+-normal.json",
        "quota_warning/3.18+-warning.json",
    } <= told


def test_the_issue_example() -> None:
    """A triggered build_queued without `trigger_manual`: fine for 3.8, not for 3.10."""
    payload = contract.examples("build_queued")[0]  # Red Hat's quay.io delivery of 2019
    assert "trigger_id" in payload and "trigger_manual" not in payload
    assert toolkit.validate(payload).valid
    assert toolkit.validate(payload, quay_version="3.8").valid
    assert toolkit.validate(payload, quay_version="3.8.1").valid
    for version in ("3.10", "3.8.2"):
        report = toolkit.validate(payload, "build_queued", quay_version=version)
        assert not report.valid
        [finding] = report.errors
        assert (finding.rule, finding.path, finding.keyword) == (MISSING, "$", "x-quay-versions")
        assert f"Quay {version} always sends `trigger_manual`" in finding.message
        assert "≥ 3.8.2" in finding.message
    assert str(toolkit.validate(payload).releases) == "Quay ≤ 3.8.1"


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_has_a_fingerprint_matching_its_provenance(
    event: str, index: int, payload: Any
) -> None:
    releases = toolkit.validate(payload, event).releases
    assert releases, "an example no release sends"
    provenance = contract.raw(event)["x-examples"][index].get("sent")
    if provenance is not None:
        assert releases_of(provenance) and releases_of(provenance).issubset(releases)


def test_examples_name_their_releases_where_the_source_does() -> None:
    named = [
        (event, note["sent"])
        for event in EVENTS
        for note in contract.raw(event)["x-examples"]
        if "sent" in note
    ]
    assert ("build_success", "<3.4") in named and len(named) >= 4


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications_get_their_own_variants_fingerprint(event: str, payload: Any) -> None:
    report = toolkit.validate(payload, event)
    assert report.test_notification
    assert report.releases == plan(event, test_notification=True).range


def test_the_button_works_where_the_real_event_is_never_sent() -> None:
    body = contract.test_notification_examples("build_start")[0]
    assert toolkit.validate(body, "build_start", quay_version="3.10").valid
    quota = contract.test_notification_examples("quota_warning")[0]
    report = toolkit.validate(quota, "quota_warning", quay_version="3.10")
    assert not report.valid and report.errors[0].rule == UNSENT
    assert "quota_warning test notifications" in report.errors[0].message


def samples() -> list[Any]:
    out = [pytest.param(e["event"], load(e), e["test_notification"], id=e["file"]) for e in index()]
    out += [
        pytest.param(e, p, False, id=f"{e}[{i}]") for e, i, p in (c.values for c in example_cases())
    ]
    out += [
        pytest.param(e, c["payload"], False, id=f"valid:{e}")
        for e, c in (v.values for v in valid_cases())
    ]
    out += [
        pytest.param(e, p, True, id=f"test:{e}")
        for e, p in (c.values for c in notification_cases())
    ]
    for event in EVENTS:
        out += [
            pytest.param(event, p, False, id=f"fuzz:{event}[{i}]")
            for i, p in enumerate(fuzz.sample(event, 15, seed="fingerprint"))
        ]
    return out


@pytest.mark.parametrize(("event", "payload", "test"), samples())
def test_the_fast_fingerprint_is_the_eras_verdict(event: str, payload: Any, test: bool) -> None:
    """Read off the keys (and cached by skeleton), or validated per era: the same answer."""
    assert fingerprint(payload, (event,), test) == by_eras(payload, event, test)
    fresh = type(fingerprinter((event,), test))((event,), test)  # no cache yet
    assert fresh.releases(payload) == by_eras(payload, event, test)


def test_a_shared_shape_gets_the_union_and_each_candidate_its_own() -> None:
    payload = load({"file": "build_start/3.18+-upload.json"})
    group = ("build_start", "build_success", "build_failure", "build_cancelled")
    union, each = fingerprinter(group).each(payload)
    assert union == Releases.every()
    assert [str(r) for r in each] == [
        "Quay ≤ 3.3.4, ≥ 3.18",
        "Quay ≤ 3.3.4, ≥ 3.7.2",
        "Quay ≥ 3.7.2",  # up to 3.3.4, build_failure always had an error_message
        "any release ≥ 3.0",
    ]
    report = toolkit.validate(payload, quay_version="3.5")
    assert report.valid and report.candidates == ("build_cancelled",)
    assert report.event == "build_cancelled" and report.releases == Releases.every()
    assert parse_release("3.5").issubset(~plan("build_start").range)
