"""`quay-contract diff` on realistic edits of our own schemas (copied to a temporary folder)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import ROOT
from toolkit.cli import main
from toolkit.contract.registry import EVENTS

Edit = Callable[[Path], None]


def _edit(root: Path, rel: str, change: Callable[[dict[str, Any]], Any]) -> None:
    path = root / rel
    schema = json.loads(path.read_text())
    change(schema)
    path.write_text(json.dumps(schema, indent=2))


def remove_build_name(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        del s["properties"]["build_name"]
        s["required"].remove("build_name")

    _edit(root, "build_success.schema.json", change)


def nullable_git_url(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["properties"]["git_url"]["type"] = ["string", "null"]

    _edit(root, "_common/trigger_metadata.schema.json", change)


def widen_trigger_kind(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["properties"]["trigger_kind"]["anyOf"][0]["enum"].append("azure-devops")

    _edit(root, "build_success.schema.json", change)


def add_optional_started_at(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["properties"]["started_at"] = {"type": "string", "description": "When it started."}

    _edit(root, "build_success.schema.json", change)


def move_build_name_to_common(root: Path) -> None:
    moved: dict[str, Any] = {}

    def take(s: dict[str, Any]) -> None:
        prop = s["properties"]["build_name"]
        moved.update({k: v for k, v in prop.items() if k != "description"})
        s["properties"]["build_name"] = {
            "$ref": "_common/types.schema.json#/definitions/build_name",
            "description": prop["description"],
        }

    _edit(root, "build_success.schema.json", take)
    _edit(root, "_common/types.schema.json", lambda s: s["definitions"].update(build_name=moved))


def reword_description(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["properties"]["build_name"]["description"] = "The build's display name."

    _edit(root, "build_success.schema.json", change)


def longer_tags(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["definitions"]["tag"]["pattern"] = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$"

    _edit(root, "_common/types.schema.json", change)


def tighten_build_name(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["properties"]["build_name"]["minLength"] = 7

    _edit(root, "build_success.schema.json", change)


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    copy = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", copy)
    return copy


def _diff(new: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["diff", str(ROOT / "schemas"), str(new), *args])


EDITS = [
    # edit, role, verdict, exit code, "event rule pointer" that must be reported
    (remove_build_name, "consumer", "breaking", 1, "build_success property-removed /build_name"),
    (
        nullable_git_url,
        "consumer",
        "breaking",
        1,
        "build_start null-added /trigger_metadata/git_url",
    ),
    (widen_trigger_kind, "consumer", "breaking", 1, "build_success enum-widened /trigger_kind"),
    (widen_trigger_kind, "producer", "info", 0, "build_success enum-widened /trigger_kind"),
    (add_optional_started_at, "consumer", "info", 0, "build_success property-added /started_at"),
    (
        add_optional_started_at,
        "producer",
        "breaking",
        1,
        "build_success property-added /started_at",
    ),
    (move_build_name_to_common, "both", "none", 0, ""),
    (reword_description, "both", "info", 0, "build_success annotation-changed /build_name"),
    (longer_tags, "consumer", "warning", 0, "repo_push pattern-changed /updated_tags/*"),
    (tighten_build_name, "producer", "breaking", 1, "build_success bound-tightened /build_name"),
]


@pytest.mark.parametrize(("edit", "role", "verdict", "code", "expected"), EDITS)
def test_verdict_and_exit_code_on_real_edits(
    schemas: Path, edit: Edit, role: str, verdict: str, code: int, expected: Any
) -> None:
    edit(schemas)
    run = _diff(schemas, "--role", role, "--format", "json", "--no-evidence")
    assert run.exit_code == code, run.output
    doc = json.loads(run.stdout)
    assert doc["verdict"] == verdict
    found = {f"{c['event']} {c['rule']} {c['pointer']}" for c in doc["changes"]}
    assert expected in found if expected else not found


def test_nullable_in_a_shared_definition_reaches_every_event_that_uses_it(schemas: Path) -> None:
    nullable_git_url(schemas)
    doc = json.loads(_diff(schemas, "--format", "json", "--no-evidence").stdout)
    events = {c["event"] for c in doc["changes"] if c["rule"] == "null-added"}
    assert events == {
        "build_queued",
        "build_start",
        "build_success",
        "build_failure",
        "build_cancelled",
    }


def test_fail_on_warning_and_any(schemas: Path) -> None:
    longer_tags(schemas)
    assert _diff(schemas, "--no-evidence", "--fail-on", "warning").exit_code == 1
    reword_description(schemas)
    assert _diff(schemas, "--no-evidence").exit_code == 0
    assert _diff(schemas, "--no-evidence", "--fail-on", "any").exit_code == 1


def test_replay_counts_payloads_the_change_rejects(schemas: Path) -> None:
    widen_trigger_kind(schemas)
    tighten_build_name(schemas)
    run = _diff(schemas, "--role", "both", "--format", "json", "--samples", "5")
    evidence = json.loads(run.stdout)["evidence"]["build_success"]
    assert evidence["valid_before_rejected_now"] > 0  # build names shorter than 7
    assert evidence["valid_now_rejected_before"] > 0  # trigger_kind "azure-devops"
    assert evidence["sources"]["old examples"] >= 1


def test_replay_escalates_a_pattern_warning_it_can_prove(schemas: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["definitions"]["uuid"]["pattern"] = "^[0-9a-fA-F-]{36}$"

    _edit(schemas, "_common/types.schema.json", change)
    run = _diff(schemas, "--format", "json", "--samples", "20")
    doc = json.loads(run.stdout)
    rules = {(c["event"], c["rule"]) for c in doc["changes"]}
    assert ("build_success", "pattern-changed") in rules
    assert ("build_success", "replay-confirms-widening") in rules
    assert run.exit_code == 1


def test_renamed_removed_and_added_events(schemas: Path) -> None:
    (schemas / "quota_error.schema.json").rename(schemas / "quota_exceeded.schema.json")
    (schemas / "repo_push.schema.json").unlink()
    (schemas / "tag_deleted.schema.json").write_text(
        json.dumps(
            {"type": "object", "required": ["tag"], "properties": {"tag": {"type": "string"}}}
        )
    )
    run = _diff(schemas, "--format", "json", "--no-evidence")
    found = {(c["rule"], c["event"], c["old"], c["new"]) for c in json.loads(run.stdout)["changes"]}
    assert found == {
        ("event-renamed", "quota_exceeded", "quota_error", "quota_exceeded"),
        ("event-removed", "repo_push", "repo_push", None),
        ("event-added", "tag_deleted", None, "tag_deleted"),
    }
    assert run.exit_code == 1


def drop_build_name_invariant(root: Path) -> None:
    def change(s: dict[str, Any]) -> None:
        s["x-invariants"] = [i for i in s["x-invariants"] if i["id"] != "build-name"]
        del s["definitions"]["test_notification"]["x-invariants-exempt"]  # nothing to exempt

    _edit(root, "build_success.schema.json", change)


def drop_base_invariants(root: Path) -> None:
    _edit(root, "_common/repository.schema.json", lambda s: s.pop("x-invariants"))


@pytest.mark.parametrize(
    ("role", "verdict", "code"), [("consumer", "breaking", 1), ("producer", "info", 0)]
)
def test_an_invariant_removed_widens(schemas: Path, role: str, verdict: str, code: int) -> None:
    drop_build_name_invariant(schemas)
    run = _diff(schemas, "--role", role, "--format", "json", "--no-evidence")
    assert run.exit_code == code, run.output
    doc = json.loads(run.stdout)
    assert doc["verdict"] == verdict
    [change] = doc["changes"]
    assert (change["event"], change["rule"], change["keyword"]) == (
        "build_success",
        "invariant-removed",
        "x-invariants/build-name",
    )
    assert change["old"]["equal"] == {"build_name": "{trigger_metadata.commit|first7}"}


def test_invariants_of_a_shared_base_reach_every_event_and_variant(schemas: Path) -> None:
    drop_base_invariants(schemas)
    doc = json.loads(_diff(schemas, "--format", "json", "--no-evidence").stdout)
    removed = {(c["event"], c["keyword"]) for c in doc["changes"]}
    repository_events = [e for e in EVENTS if not e.startswith("quota_")]
    for event in repository_events:
        assert (event, "x-invariants/repository-path") in removed
        assert (f"{event}#test_notification", "x-invariants/repository-path") in removed
    # the build events override server-urls: only the others lose it
    assert ("build_start", "x-invariants/server-urls") not in removed
    assert ("repo_push", "x-invariants/server-urls") in removed


def test_replay_evaluates_invariants_both_ways(schemas: Path, tmp_path: Path) -> None:
    """The test data's build_success whose name is not its commit's: valid once the invariant is
    gone (reverse replay: a widening), rejected when it comes back (forward: a narrowing)."""
    drop_build_name_invariant(schemas)
    data = str(ROOT / "tests/data")
    args = ["--role", "both", "--format", "json", "--samples", "0", "--test-data", data]
    widening = json.loads(_diff(schemas, *args).stdout)["evidence"]["build_success"]
    assert widening["valid_now_rejected_before"] >= 1
    assert widening["valid_before_rejected_now"] == 0
    back = CliRunner().invoke(main, ["diff", str(schemas), str(ROOT / "schemas"), *args])
    doc = json.loads(back.stdout)
    narrowing = doc["evidence"]["build_success"]
    assert narrowing["valid_before_rejected_now"] >= 1
    assert narrowing["valid_now_rejected_before"] == 0
    assert {(c["event"], c["rule"]) for c in doc["changes"]} == {
        ("build_success", "invariant-added")
    }
    assert doc["disagreements"] == []
