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
