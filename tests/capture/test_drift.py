"""`quay-contract report`: the drift radar finds each kind of disagreement, and only those."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit import contract
from toolkit.capture import envelope
from toolkit.capture.drift import analyse
from toolkit.cli import main
from toolkit.contract.registry import EVENTS


def base(event: str = "build_success") -> dict[str, Any]:
    return copy.deepcopy(contract.examples(event)[0])


@pytest.mark.parametrize("event", EVENTS)
def test_an_events_own_examples_show_no_contract_breaking_drift(event: str) -> None:
    samples = [(p, event) for p in contract.examples(event)]
    report = analyse(samples)
    assert [i for i in report.issues if i.severity == "error"] == []
    assert [e.event for e in report.events] == [event]
    fields = {f.path: f for f in report.events[0].fields}
    required = [f for f in fields.values() if f.required and not f.path.endswith("[*]")]
    assert required and all(f.seen == f.of for f in required)


def test_test_notifications_are_not_folded_in() -> None:
    event = "build_success"
    samples = [(p, event) for p in contract.test_notification_examples(event)]
    report = analyse(samples)
    assert report.events == [] and report.skipped["test notification"] == len(samples)


def mutated(n: int = 12) -> list[tuple[Any, str | None]]:
    out: list[tuple[Any, str | None]] = []
    for i in range(n):
        p = base()
        p["x_new_field"] = i
        if i < 3:
            del p["build_name"]
        if i == 4:
            p["trigger_kind"] = "svn"
        if i == 5:
            p["docker_tags"] = None
        if i == 6:
            p["build_id"] = 42
        out.append((p, "build_success"))
    return out


@pytest.mark.parametrize(
    ("kind", "path", "count", "of"),
    [
        ("missing-required", "$.build_name", 3, 12),
        ("enum-outside-schema", "$.trigger_kind", 1, 12),
        ("null-not-allowed", "$.docker_tags", 1, 12),
        ("type-mismatch", "$.build_id", 1, 12),
        ("undeclared-field", "$.x_new_field", 12, 12),
        ("optional-always-present", "$.trigger_metadata.commit_info", 12, 12),
    ],
)
def test_each_kind_of_drift_is_found(kind: str, path: str, count: int, of: int) -> None:
    report = analyse(mutated())
    found = {(i.kind, i.path): i for i in report.issues}
    issue = found[(kind, path)]
    assert (issue.count, issue.of, issue.event) == (count, of, "build_success")
    assert report.matters


def test_payloads_without_an_event_url_are_detected_and_shared_shapes_grouped() -> None:
    report = analyse([(base(), None), (base("repo_push"), None), ({"odd": 1}, None)])
    labels = [e.event for e in report.events]
    assert "repo_push" in labels
    assert "build_start | build_success | build_failure | build_cancelled" in labels
    # the odd payload fits nothing and is folded under its nearest event
    assert sum(e.payloads for e in report.events) == 3 and report.skipped == {}


def test_field_statistics() -> None:
    report = analyse(mutated())
    fields = {f.path: f for f in report.events[0].fields}
    kind = fields["$.trigger_kind"]
    assert kind.values == {"github": 11, "svn": 1} and kind.schema_enum
    assert kind.schema_nullable and kind.required
    tags = fields["$.docker_tags"]
    assert tags.null_rate == pytest.approx(1 / 12) and tags.types == {"array": 11, "null": 1}
    name = fields["$.build_name"]
    assert name.presence == pytest.approx(9 / 12)
    assert fields["$.x_new_field"].declared is False


def test_always_present_needs_enough_samples() -> None:
    report = analyse(mutated(4), min_samples=10)
    assert not any(i.kind == "optional-always-present" for i in report.issues)


def write(path: Path, payloads: list[tuple[Any, str | None]]) -> Path:
    lines = [
        json.dumps(
            envelope.make(
                method="POST",
                path=f"/quay/{event}" if event else "/hook",
                headers={"Content-type": "application/json"},
                body=json.dumps(p).encode(),
                event=event,
            )
        )
        for p, event in payloads
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    drifted = write(tmp_path / "drift.ndjson", mutated())
    with drifted.open("a") as handle:
        handle.write('{"v":1,"received_at":"2026-11-27T0')  # torn by a crash
    clean = write(
        tmp_path / "clean.ndjson", [(p, "repo_push") for p in contract.examples("repo_push")]
    )

    runner = CliRunner()
    text = runner.invoke(main, ["report", str(drifted)])
    assert text.exit_code == 1
    assert "ERROR   missing-required" in text.stdout and "$.build_name  3/12" in text.stdout
    assert "cut short" in text.stderr

    as_json = runner.invoke(main, ["report", str(drifted), "--format", "json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["drift"] is True and data["version"] == 1
    assert data["skipped"] == {"unreadable": 1} and data["captures"] == 13
    [event] = data["events"]
    assert event["event"] == "build_success" and event["payloads"] == 12
    assert {i["kind"] for i in event["issues"]} >= {"missing-required", "undeclared-field"}
    assert set(event["fields"][0]) >= {"path", "seen", "presence", "null_rate", "types", "values"}

    md = runner.invoke(main, ["report", str(drifted), "--format", "markdown"])
    assert md.stdout.startswith("# Contract drift report")
    assert "| error | missing-required | `$.build_name` | 3/12 |" in md.stdout

    ok = runner.invoke(main, ["report", str(clean)])
    assert ok.exit_code == 0, ok.output
    warn_only = write(tmp_path / "warn.ndjson", [({**base("repo_push"), "extra": 1}, "repo_push")])
    assert runner.invoke(main, ["report", str(warn_only)]).exit_code == 0
    assert runner.invoke(main, ["report", str(warn_only), "--strict"]).exit_code == 1
    assert runner.invoke(main, ["report", str(tmp_path / "missing")]).exit_code == 3


def traced(*events: str) -> list[tuple[Any, str | None]]:
    """The per-release payloads of tests/data/releases (test notifications aside), by URL."""
    root = Path(__file__).parent.parent / "data" / "releases"
    index = json.loads((root / "index.json").read_text())["files"]
    return [
        (json.loads((root / e["file"]).read_text()), e["event"])
        for e in index
        if not e["test_notification"] and (not events or e["event"] in events)
    ]


def test_the_fingerprints_are_summed() -> None:
    report = analyse(traced("build_queued", "repo_image_expiry"))
    counts = {str(r): n for r, n in report.releases.items()}
    assert counts == {
        "Quay ≤ 3.8.1": 4,
        "any release ≥ 3.0": 3,
        "Quay ≥ 3.8.2": 4,
        "Quay 3.12.0": 1,
        "Quay ≥ 3.12.1": 2,
    }
    assert report.common is not None and not report.common  # no one release sent them all
    assert report.quay_version is None and not report.matters


def test_a_release_flags_captures_it_could_not_have_sent() -> None:
    report = analyse(traced("build_queued"), quay_version="3.10")
    [issue] = [i for i in report.issues if i.kind == "version-mismatch"]
    assert (issue.event, issue.count, issue.of, issue.severity) == ("build_queued", 4, 11, "error")
    assert "4 fit Quay ≤ 3.8.1" in issue.detail
    assert report.matters


def test_a_release_flags_fields_and_events_it_never_sends() -> None:
    samples = traced("build_success", "quota_warning")
    report = analyse(samples, quay_version="3.5")
    kinds = {(i.event, i.path, i.kind) for i in report.issues}
    assert ("quota_warning", "$", "version-unsent") in kinds  # no quota events before 3.18
    assert ("build_success", "$.image_id", "version-unsent") not in kinds  # event already flagged
    assert ("build_success", "$", "version-unsent") in kinds  # 3.4.0-3.7.1 send no build_success
    old = analyse(traced("build_success"), quay_version="3.18")
    unsent = {i.path for i in old.issues if i.kind == "version-unsent"}
    assert unsent == {"$.image_id", "$.manifest_digests"}


def test_report_sums_fingerprints_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "caps.ndjson"
    path.write_text("".join(json.dumps(p) + "\n" for p, _ in traced("repo_image_expiry")))
    text = CliRunner().invoke(main, ["report", str(path)])
    assert "Quay 3.12.0" in text.output and "Quay ≥ 3.12.1" in text.output
    data = json.loads(CliRunner().invoke(main, ["report", "--format", "json", str(path)]).output)
    assert sorted(r["releases"]["text"] for r in data["releases"]) == [
        "Quay 3.12.0",
        "Quay ≥ 3.12.1",
    ]
    assert data["common"]["ranges"] == [] and data["quay_version"] is None
    markdown = CliRunner().invoke(main, ["report", "--format", "markdown", str(path)]).output
    assert "| Quay ≥ 3.12.1 | 2 |" in markdown
    strict = CliRunner().invoke(main, ["report", "--quay-version", "3.13", str(path)])
    assert strict.exit_code == 1 and "version-mismatch" in strict.output


def test_broken_invariants_are_contract_breaking_drift() -> None:
    """Quay's repo_push documentation sample, delivered 3 times among 10: its `name` and its
    homepage do not match `repository`."""
    sample = json.loads(
        (Path(__file__).parents[2] / "samples/quay-docs-repo-push.json").read_text()
    )
    samples: list[tuple[Any, str | None]] = [(base("repo_push"), "repo_push")] * 7
    samples += [(sample, "repo_push")] * 3
    report = analyse(samples)
    found = {(i.kind, i.path): i for i in report.issues}
    path = found[("invariant-broken", "$.repository")]
    urls = found[("invariant-broken", "$.homepage")]
    assert (path.count, path.of, path.severity) == (3, 10, "error")
    assert path.detail.startswith("[repository-path] `repository` is `<namespace>/<name>`")
    assert urls.detail.startswith("[server-urls]")
    assert report.matters
