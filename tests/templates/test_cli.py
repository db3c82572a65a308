"""`quay-contract template check` and `render`: exit codes, every output format, golden files.

Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, and review them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from tests.conftest import DATA, ROOT
from tests.templates.oracle import FOLDER
from toolkit.cli import main
from toolkit.templates import jsonpath

EXAMPLES = ROOT / "examples" / "templates"
REPORT = jsonschema.Draft7Validator(
    json.loads((ROOT / "toolkit/formats/template-report.schema.json").read_text())
)
SARIF = jsonschema.Draft7Validator(
    json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())
)
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["template", *args], input=stdin, env=ENV)


@pytest.mark.parametrize(
    ("name", "event", "code"),
    [
        ("slack-repo-push", "repo_push", 0),
        ("github-dispatch", "repo_push", 0),
        ("teams-build-failure", "build_failure", 0),
        ("envelope-build-success", "build_success", 0),
        ("slack-build-broken", "build_success", 1),
        ("vulnerability-broken", "vulnerability_found", 1),
    ],
)
def test_clean_templates_exit_0_and_broken_ones_1(name: str, event: str, code: int) -> None:
    result = run("check", str(EXAMPLES / f"{name}.json"), "--event", event, "--samples", "3")
    assert result.exit_code == code, result.output


def test_fail_on_error_lets_warnings_pass() -> None:
    template = json.dumps({"t": "tags=${updated_tags}"})
    assert run("check", "-", "--event", "repo_push", stdin=template).exit_code == 1
    relaxed = run("check", "-", "--event", "repo_push", "--fail-on", "error", stdin=template)
    assert relaxed.exit_code == 0 and "inline-list" in relaxed.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["check", "missing.json", "--event", "repo_push"], 3, "cannot read"),
        (["check", "-", "--event", "no_such_event"], 3, "unknown event"),
        (["check", "-"], 2, "--event"),
        (["check", str(FOLDER / "api_list_repo_mixed.json"), "--event", "repo_push"], 2, "drop"),
        (["check", "-", "--event", "repo_push", "--quay-version", "three"], 2, "not a Quay"),
        (["check", "-", "--event", "repo_push", "--quay-version", "3.3"], 2, "Python 2"),
        (["render", "missing.json", "--event", "repo_push"], 3, "cannot read"),
        (["render", "-"], 2, "PAYLOAD"),
    ],
)
def test_exit_codes(args: list[str], code: int, message: str) -> None:
    result = run(*args, stdin='{"a": "${name}"}')
    assert result.exit_code == code, result.output
    assert message in result.output


def test_not_utf8_input_cannot_be_checked(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"a": "caf\u00e9 ${name}"}'.encode("latin-1"))
    result = run("check", str(path), "--event", "repo_push")
    assert result.exit_code == 3 and "not UTF-8" in result.output


def test_a_missing_engine_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise jsonpath.MissingEngineError

    monkeypatch.setattr(jsonpath, "check_engine", missing)
    result = run("check", "-", "--event", "repo_push", stdin="{}")
    assert result.exit_code == 3 and "[templates]" in result.output


def _report(*args: str) -> dict[str, Any]:
    result = run("check", *args, "--format", "json", "--samples", "3")
    report: dict[str, Any] = json.loads(result.output)
    REPORT.validate(report)
    assert result.exit_code == {"pass": 0, "fail": 1, "error": 3}[report["status"]]
    return report


def test_json_report_follows_its_schema() -> None:
    broken = _report(str(EXAMPLES / "slack-build-broken.json"), "--event", "build_success")
    [result] = broken["results"]
    unknown = next(f for f in result["findings"] if f["rule"] == "path-unknown")
    assert unknown["pointer"] == "/attachments/0/author_name"
    assert (unknown["line"], unknown["column"]) == (6, 23)
    assert unknown["path"] == "$.trigger_metadata.commit_info.autor"
    assert unknown["hint"] == "did you mean ${trigger_metadata.commit_info.author}?"
    assert result["save"] == {"status": 201, "checked": True, "message": None}
    assert result["rendering"]["payloads"] > 5
    listed = _report(str(FOLDER / "api_list_repo_webhooks.json"))
    assert [r["notification"]["index"] for r in listed["results"]] == [0, 1, 2, 3, 4]
    missing = _report("missing.json", "--event", "repo_push")
    assert missing["status"] == "error" and missing["summary"]["unreadable"] == 1


def test_sarif_log_is_valid_and_names_every_rule() -> None:
    result = run(
        "check", str(EXAMPLES / "slack-build-broken.json"), "--event", "build_success",
        "--format", "sarif", "--no-render",
    )  # fmt: skip
    log = json.loads(result.output)
    SARIF.validate(log)
    run_ = log["runs"][0]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    for entry in run_["results"]:
        assert rules[entry["ruleIndex"]] == entry["ruleId"]
        assert entry["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert {"path-unknown", "path-other-event"} <= {e["ruleId"] for e in run_["results"]}


def test_github_annotations_point_into_the_list_file() -> None:
    path = FOLDER / "api_list_repo_webhooks.json"
    result = run("check", str(path), "--format", "github", "--samples", "2")
    assert result.exit_code == 1
    crash = next(line for line in result.output.splitlines() if "inline-join-crash" in line)
    assert crash.startswith(f"::error file={path},line=1,col=1287,")
    assert "%2C" not in crash.split("::")[2]  # the message itself is not property-escaped


@pytest.mark.parametrize(
    ("fmt", "name"), [("text", "template-check.txt"), ("json", "template-check.json")]
)
def test_report_on_a_notification_list_matches_the_golden_file(
    monkeypatch: pytest.MonkeyPatch, fmt: str, name: str
) -> None:
    monkeypatch.chdir(ROOT)
    path = "tests/data/templates/api_list_repo_webhooks.json"
    result = run("check", path, "--format", fmt, "--samples", "0", "-v")
    assert result.exit_code == 1
    golden = DATA / "golden" / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.output)
    assert result.output == golden.read_text()
