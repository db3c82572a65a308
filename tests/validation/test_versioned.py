"""`quay_version=` in the library: validate, validate_body, parse, and the findings it makes."""

from __future__ import annotations

import json

import pytest

import toolkit
from tests.conftest import DATA
from toolkit import contract
from toolkit.contract.releases import UnknownReleaseError
from toolkit.validation.body import ContractError

SEED = contract.examples("build_queued")[0]
RELEASES = DATA / "releases"


def test_validate_body_and_parse_take_the_release() -> None:
    body = json.dumps(SEED).encode()
    assert toolkit.validate_body(body, "build_queued").valid
    assert not toolkit.validate_body(body, "build_queued", quay_version="3.10").valid
    model = toolkit.parse(body, "build_queued", quay_version="3.8")
    assert model.model_dump(mode="json")["build_id"] == SEED["build_id"]
    with pytest.raises(ContractError, match=r"\$ \[version-missing\] Quay 3\.10 always sends"):
        toolkit.parse(body, "build_queued", quay_version="3.10")


def test_an_unknown_release_is_a_lookup_error() -> None:
    with pytest.raises(UnknownReleaseError, match=r"unknown Quay release '3\.99'"):
        toolkit.validate(SEED, quay_version="3.99")
    with pytest.raises(LookupError):
        toolkit.validate_body(json.dumps(SEED), quay_version="three")


def test_an_event_the_release_never_sends() -> None:
    payload = json.loads((RELEASES / "build_start/3.18+-upload.json").read_text())
    report = toolkit.validate(payload, "build_start", quay_version="3.10")
    assert not report.valid and str(report.releases) == "Quay ≤ 3.3.4, ≥ 3.18"
    [finding] = report.errors
    assert (finding.path, finding.rule) == ("$", "version-unsent")
    assert finding.message == "Quay 3.10 does not send build_start (sent by Quay ≤ 3.3.4, ≥ 3.18)"
    detected = toolkit.validate(payload, quay_version="3.10")
    assert detected.valid
    assert detected.candidates == ("build_success", "build_failure", "build_cancelled")


def test_a_field_the_release_never_sends_names_the_field_and_its_range() -> None:
    payload = json.loads((RELEASES / "build_queued/3.8.2+-manual.json").read_text())
    report = toolkit.validate(payload, "build_queued", quay_version="3.5.2")
    [finding] = report.errors
    assert (finding.path, finding.rule, finding.keyword) == (
        "$.trigger_manual",
        "version-unsent",
        "x-quay-versions",
    )
    assert finding.pointer == ("trigger_manual",)
    assert finding.message == "Quay 3.5.2 does not send `trigger_manual` (sent by Quay ≥ 3.8.2)"
    assert finding.as_dict() == {
        "path": "$.trigger_manual",
        "keyword": "x-quay-versions",
        "message": finding.message,
        "rule": "version-unsent",
        "paths": [],
    }


@pytest.mark.parametrize(("priority", "valid_in_3_5"), [("Defcon 1", False), ("Defcon1", False)])
def test_a_value_only_old_releases_send(priority: str, valid_in_3_5: bool) -> None:
    payload = json.loads(
        (RELEASES / "vulnerability_found/3.0-3.3.4-clairv2-notifier.json").read_text()
    )
    payload["vulnerability"]["priority"] = priority
    assert toolkit.validate(payload).valid
    assert toolkit.validate(payload, quay_version="3.3").valid
    report = toolkit.validate(payload, quay_version="3.5")
    assert report.valid is valid_in_3_5
    [finding] = report.errors
    assert (finding.path, finding.rule) == ("$.vulnerability.priority", "version-unsent")
    assert f'"{priority}"' in finding.message and "Quay ≤ 3.3.4" in finding.message


def test_a_value_no_release_sends_is_a_plain_finding() -> None:
    payload = json.loads((RELEASES / "vulnerability_found/3.4+-clairv4-notifier.json").read_text())
    payload["vulnerability"]["priority"] = "Severe"
    for version in (None, "3.3", "3.12"):
        [finding] = toolkit.validate(payload, quay_version=version).errors
        assert (finding.keyword, finding.rule) == ("enum", None)


def test_new_index_tags_by_release() -> None:
    old = json.loads((RELEASES / "vulnerability_found/3.9.0-3.11.13-newindex.json").read_text())
    new = json.loads((RELEASES / "vulnerability_found/3.12+-newindex.json").read_text())
    assert toolkit.validate(old, quay_version="3.11").valid
    [missing] = toolkit.validate(old, quay_version="3.12").errors
    assert missing.rule == "version-missing"
    assert missing.message == "Quay 3.12 always sends `tags` in this case (sent by Quay ≥ 3.12)"
    [unsent] = toolkit.validate(new, quay_version="3.11.13").errors
    assert (unsent.path, unsent.rule) == ("$.tags", "version-unsent")
    index, tags = toolkit.validate(new, quay_version="3.8").errors
    assert index.path == "$.vulnerable_index_report_created"
    assert tags.message == "Quay 3.8 does not send `tags` in this case (sent by Quay ≥ 3.12)"
