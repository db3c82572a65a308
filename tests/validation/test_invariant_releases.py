"""Invariants that hold only in some Quay releases (`quay-versions`): the fingerprint loses their
releases, `--quay-version` reports them only for the releases they hold in, and a field that a
release never sends is not reported twice (once as `version-unsent`, once as an invariant)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import toolkit
from tests.conftest import DATA, ROOT
from toolkit.contract import invariant_check
from toolkit.contract.invariants import Invariant, for_event, parse
from toolkit.contract.registry import EVENTS
from toolkit.contract.releases import Releases, known
from toolkit.contract.versions import releases_of
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import scan_lines


def ranged_cases() -> list[tuple[str, Invariant, dict[str, Any]]]:
    """(event, invariant, case) for every invalid case of an invariant with a range."""
    out = []
    for event in EVENTS:
        ranged = {inv.id: inv for inv in for_event(event) if inv.quay_versions}
        for path in sorted((DATA / "invalid" / event).glob("invariant-*.json")):
            case = json.loads(path.read_text())
            if case.get("rule") in ranged:
                out.append((event, ranged[case["rule"]], case))
    return out


CASES = ranged_cases()


def test_the_contract_declares_ranged_invariants_and_each_has_a_case() -> None:
    declared = {(e, inv.id) for e in EVENTS for inv in for_event(e) if inv.quay_versions}
    assert declared == {
        ("build_queued", "trigger-manual"),
        ("vulnerability_found", "first-vulnerability"),
    }
    assert {(e, inv.id) for e, inv, _ in CASES} == declared


@pytest.mark.parametrize(("event", "invariant", "case"), CASES, ids=[i.id for _, i, _ in CASES])
def test_a_ranged_invariant_is_a_finding_only_in_its_releases(
    event: str, invariant: Invariant, case: dict[str, Any]
) -> None:
    """Release by release: the invariant's own finding where it holds (and the schema sends its
    fields), a `version-unsent` finding for the field elsewhere, never both."""
    payload = case["payload"]
    holds = releases_of(str(invariant.quay_versions))
    default = toolkit.validate(payload, event)
    assert not default.valid and default.releases is None  # no release is left: rejected
    assert [(f.rule, f.paths) for f in default.errors] == [(invariant.id, tuple(case["paths"]))]
    for release in known():
        report = toolkit.validate(payload, event, quay_version=release)
        rules = [f.rule for f in report.errors]
        assert not report.valid, release
        if release in holds:
            assert rules == [invariant.id], release
        else:
            assert invariant.id not in rules and "version-unsent" in rules, release
            unsent = [f.path for f in report.errors if f.rule == "version-unsent"]
            assert any(_within(p, u) for p in case["paths"] for u in unsent), release


@pytest.fixture
def repository_path_since_3_9(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """repo_push's `repository-path` as if it held only from Quay 3.9 on (no field of its
    depends on the release, so the schema alone fits every release)."""
    real = invariant_check.for_event

    def patched(event: str, *, test_notification: bool = False) -> tuple[Invariant, ...]:
        found = real(event, test_notification=test_notification)
        if event != "repo_push":
            return found
        return tuple(_ranged(inv, ">=3.9") if inv.id == "repository-path" else inv for inv in found)

    monkeypatch.setattr(invariant_check, "for_event", patched)
    invariant_check.holds_for.cache_clear()
    yield
    invariant_check.holds_for.cache_clear()


def _ranged(inv: Invariant, expr: str) -> Invariant:
    declaration = {
        "id": inv.id,
        "equal": {".".join(map(str, p)): t.text for p, t in inv.equal},
        "quay-versions": expr,
    }
    return parse(declaration, inv.at)


def _broken_repo_push() -> dict[str, Any]:
    payload = json.loads((ROOT / "samples/repo-push.json").read_text())
    return {**payload, "name": "other"}  # `repository` is no longer `<namespace>/<name>`


def test_breaking_an_invariant_takes_its_releases_out_of_the_fingerprint(
    repository_path_since_3_9: None,
) -> None:
    payload = _broken_repo_push()
    assert toolkit.validate({**payload, "name": "webapp"}).releases == Releases.every()
    report = toolkit.validate(payload, "repo_push")
    assert report.valid and report.errors == ()
    assert report.releases == ~releases_of(">=3.9")
    assert str(report.releases).startswith("Quay ≤ 3.8.")
    detected = toolkit.validate(payload)
    assert detected.valid and detected.releases == report.releases
    old = toolkit.validate(payload, "repo_push", quay_version="3.5")
    assert old.valid and old.releases == report.releases
    new = toolkit.validate(payload, "repo_push", quay_version="3.10")
    assert not new.valid
    assert [(f.keyword, f.rule) for f in new.errors] == [("x-invariants", "repository-path")]
    assert new.errors[0].message.endswith("It holds in Quay ≥ 3.9.")


def test_an_invariant_without_a_range_leaves_no_release() -> None:
    report = toolkit.validate(_broken_repo_push(), "repo_push")
    assert not report.valid and report.releases is None
    assert [f.rule for f in report.errors] == ["repository-path"]
    assert "It holds in" not in report.errors[0].message


def test_the_hot_path_counts_it_under_that_fingerprint(repository_path_since_3_9: None) -> None:
    data = (json.dumps(_broken_repo_push()) + "\n").encode() * 3
    batch = Batch()
    scan_lines(data, "caps.ndjson", Options(), batch)
    assert batch.verdicts == []
    [(key, count)] = batch.passes.items()
    assert count == 3 and key == (
        ("repo_push",),
        False,
        toolkit.validate(_broken_repo_push()).releases,
    )
    narrowed = Batch()
    scan_lines(data, "caps.ndjson", Options(quay_version="3.10"), narrowed)
    assert [v.errors[0].rule for v in narrowed.verdicts] == ["repository-path"] * 3


def _within(path: str, field: str) -> bool:
    """`path` is `field` or inside it."""
    return path == field or path.startswith((f"{field}.", f"{field}["))


def test_report_sums_it_under_that_fingerprint(repository_path_since_3_9: None) -> None:
    from toolkit.capture.drift import analyse

    samples: list[tuple[Any, str | None]] = [(_broken_repo_push(), "repo_push")] * 3
    report = analyse(samples)
    assert dict(report.releases) == {~releases_of(">=3.9"): 3}
    assert not [i for i in report.issues if i.kind == "invariant-broken"]
    against = analyse(samples, quay_version="3.10")
    broken = [i for i in against.issues if i.kind == "invariant-broken"]
    assert [(i.path, i.count) for i in broken] == [("$.repository", 3)]
