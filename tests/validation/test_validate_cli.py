"""`quay-contract validate`: exit codes, every output format, detection, strict mode, samples."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from click.testing import CliRunner, Result

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.capture.envelope import schema as envelope_schema
from toolkit.cli import main

SAMPLES = ROOT / "samples"
REPORT_SCHEMA = json.loads((ROOT / "toolkit/formats/validate-report.schema.json").read_text())
SARIF_SCHEMA = json.loads((DATA / "sarif/sarif-schema-2.1.0.json").read_text())
PUSH = contract.examples("repo_push")[0]
BUILD = contract.examples("build_success")[0]
BAD_PUSH = json.loads((DATA / "invalid/repo_push/uppercase-namespace.json").read_text())["payload"]


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["validate", *args], env=env, catch_exceptions=False)


def write(tmp_path: Path, name: str, payload: Any) -> str:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    return str(path)


def as_json(*args: str) -> dict[str, Any]:
    result = cli("--format", "json", *args)
    report: dict[str, Any] = json.loads(result.output)
    jsonschema.validate(report, REPORT_SCHEMA)
    return report


# --- exit codes ----------------------------------------------------------------------------


def test_all_valid_exits_0(tmp_path: Path) -> None:
    result = cli(write(tmp_path, "a.json", PUSH))
    assert result.exit_code == 0, result.output
    assert (
        "1 payload(s): 1 valid, 0 test notification(s), 0 invalid, 0 unreadable." in result.output
    )


def test_an_invalid_payload_exits_1(tmp_path: Path) -> None:
    assert cli(write(tmp_path, "a.json", BAD_PUSH), write(tmp_path, "b.json", PUSH)).exit_code == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli().exit_code == 2
    assert cli("--format", "yaml", str(tmp_path)).exit_code == 2
    assert cli("--jobs", "0", str(tmp_path)).exit_code == 2


def test_unreadable_input_exits_3_when_nothing_else_failed(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_bytes(b"")
    good = write(tmp_path, "good.json", PUSH)
    result = cli(str(tmp_path / "empty.json"), good)
    assert result.exit_code == 3
    assert "empty.json: empty: no JSON value" in result.output
    # ... but invalid payloads win: exit 1
    assert cli(str(tmp_path / "empty.json"), write(tmp_path, "bad.json", BAD_PUSH)).exit_code == 1


def test_unknown_event_exits_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", "--event", "push", write(tmp_path, "a.json", PUSH)]
    )
    assert result.exit_code == 3
    assert "unknown event 'push'" in result.output


def test_internal_error_exits_4(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def boom(*args: Any, **kw: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("toolkit.validation.runner.run", boom)
    result = CliRunner().invoke(main, ["validate", write(tmp_path, "a.json", PUSH)])
    assert result.exit_code == 4
    assert "internal error: RuntimeError: kaboom (run with --traceback)" in result.output


def test_help_documents_inputs_and_exit_codes() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "3 some input could not be checked" in text
    for word in ("--event", "--strict", "--input-format", "--allow-comments", "--jobs", "sarif"):
        assert word in text


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "shared"),
    [
        ("build_success", ("build_start", "build_success", "build_failure", "build_cancelled")),
        (
            "repo_mirror_sync_failed",
            tuple(f"repo_mirror_sync_{s}" for s in ("started", "success", "failed")),
        ),
        ("quota_warning", ("quota_warning", "quota_error")),
        ("repo_push", ("repo_push",)),
    ],
)
def test_detection_reports_the_event_or_the_shared_candidates(
    tmp_path: Path, event: str, shared: tuple[str, ...]
) -> None:
    [res] = as_json(write(tmp_path, "a.json", contract.examples(event)[0]))["results"]
    assert res["valid"] and tuple(res["candidates"]) == shared
    assert res["event"] == (event if len(shared) == 1 else None)


def test_ambiguous_shapes_say_the_url_decides(tmp_path: Path) -> None:
    result = cli("-v", write(tmp_path, "a.json", BUILD))
    assert "build_start | build_success | build_failure | build_cancelled" in result.output
    assert "only the webhook URL that received it can tell which" in result.output


def test_event_pinned_by_option_or_by_the_capture_url(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", BUILD)
    [res] = as_json("--event", "build_failure", path)["results"]
    assert res["event"] == "build_failure" and res["candidates"] == ["build_failure"]
    [res] = as_json(str(SAMPLES / "nc-build-success.http"))["results"]
    assert res["event"] == "build_success" and res["format"] == "http"


def test_payload_fitting_nothing_reports_the_closest_events_errors(tmp_path: Path) -> None:
    [res] = as_json(write(tmp_path, "a.json", BAD_PUSH))["results"]
    assert res["status"] == "fail" and res["closest"] == "repo_push"
    head = res["errors"][0]
    assert (head["path"], head["keyword"]) == ("$.namespace", "pattern")
    assert (head["line"], head["column"]) == (3, 16)


def test_test_notifications_are_reported_as_such(tmp_path: Path) -> None:
    body = contract.test_notification_examples("build_queued")[0]
    result = cli(write(tmp_path, "t.json", body))
    assert result.exit_code == 0
    assert "TEST" in result.output and "Quay test notification for build_queued" in result.output


# --- findings and verbosity ----------------------------------------------------------------


def test_best_match_first_and_verbose_shows_all(tmp_path: Path) -> None:
    payload = dict(PUSH, namespace="Acme", updated_tags="latest")
    path = write(tmp_path, "a.json", payload)
    short = cli(path).output
    assert "… 2 more (-v shows all)" in short
    full = cli("-v", path).output
    assert "$.namespace" in full and "$.updated_tags" in full
    assert "$.repository [repository-path]" in full  # `Acme/…` is no longer `<namespace>/<name>`


def test_ndjson_findings_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(orjson.dumps(PUSH) + b"\n" + orjson.dumps(BAD_PUSH) + b"\n")
    [first, second] = as_json(str(path))["results"]
    assert first["status"] == "pass" and second["line"] == 2
    assert "a.ndjson:2" in cli(str(path)).output


def test_har_findings_name_the_entry() -> None:
    report = as_json(str(SAMPLES / "request-bin.har"))
    bad = [r for r in report["results"] if r["status"] == "fail"]
    assert [(r["index"], r["event"]) for r in bad] == [(3, "repo_mirror_sync_started")]


def test_strict_reports_undeclared_and_legacy_fields(tmp_path: Path) -> None:
    failure = next(p for p in contract.examples("build_failure") if "error_message" in p)
    path = write(tmp_path, "a.json", dict(failure, surprise=1))
    assert cli(path).exit_code == 0
    [res] = as_json("--strict", path)["results"]
    assert res["status"] == "fail"
    found = {(e["path"], e["keyword"]) for e in res["errors"]}
    assert ("$.surprise", "x-undeclared") in found
    assert ("$.error_message", "x-legacy") in found


def test_bad_inputs_are_reported_while_others_are_still_checked(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes('{"a": "é"}'.encode("latin-1"))
    (tmp_path / "junk.json").write_bytes(bytes(range(256)))
    (tmp_path / "deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (tmp_path / "nan.ndjson").write_bytes(b'{"a": NaN}\n' + orjson.dumps(PUSH) + b"\n")
    write(tmp_path, "ok.json", PUSH)
    report = as_json(str(tmp_path))
    every = {"text": "any release ≥ 3.0", "ranges": [["3.0.0", None]]}
    assert report["summary"] | {"events": None} == {
        "total": 6,
        "valid": 2,
        "test_notifications": 0,
        "invalid": 0,
        "unreadable": 4,
        "events": None,
        "releases": [{"releases": every, "payloads": 2, "test_notifications": 0}],
        "common": every,
    }
    assert report["status"] == "error"


# --- output formats ------------------------------------------------------------------------


def test_json_report_of_the_samples_matches_its_schema_and_counts() -> None:
    report = as_json(str(SAMPLES))
    assert report["status"] == "fail"
    assert report["summary"]["total"] == len(report["results"])
    statuses = {r["status"] for r in report["results"]}
    assert statuses == {"pass", "fail", "error"}
    assert {r["format"] for r in report["results"]} == {"json", "ndjson", "har", "http", "envelope"}
    assert any(r["test_notification"] for r in report["results"])


def test_junit_has_one_testcase_per_payload() -> None:
    result = cli("--format", "junit", str(SAMPLES))
    root = ET.fromstring(result.output)
    cases = root.findall(".//testcase")
    report = as_json(str(SAMPLES))
    assert len(cases) == report["summary"]["total"]
    assert int(root.get("failures", -1)) == report["summary"]["invalid"]
    assert len(root.findall(".//failure")) == report["summary"]["invalid"]
    assert len(root.findall(".//error")) == report["summary"]["unreadable"]


def test_github_annotations(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", BAD_PUSH)
    lines = cli("--format", "github", path).output.splitlines()
    assert lines[0].startswith(f"::error file={path},line=3,col=16,title=repo_push%3A $.namespace")
    assert lines[-1].startswith("::notice title=quay-contract::1 payload(s): 0 valid")


def test_sarif_output_is_valid_sarif_2_1_0() -> None:
    result = cli("--format", "sarif", str(SAMPLES))
    log = json.loads(result.output)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"pattern", "unreadable", "repository-path"}
    located = [r for r in results if "region" in r["locations"][0]["physicalLocation"]]
    assert located


def test_no_color_is_honoured(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", BAD_PUSH)
    red = "31m"  # FAIL is bold red when colour is on
    plain = cli(path, env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).output
    assert red not in plain
    coloured = cli(path, env={"FORCE_COLOR": "1"}).output
    assert red in coloured


# --- scale ---------------------------------------------------------------------------------


def test_parallel_run_agrees_with_one_process(tmp_path: Path) -> None:
    """Large enough to be chunked and fanned out; line numbers must survive the chunking."""
    line = orjson.dumps(PUSH) + b"\n"
    bad = orjson.dumps(BAD_PUSH) + b"\n"
    n = (5 * 2**20) // len(line)
    path = tmp_path / "big.ndjson"
    with path.open("wb") as f:
        for i in range(n):
            f.write(bad if i in (7, n - 3) else line)
    text = cli("--jobs", "2", str(path)).output
    assert "big.ndjson:8 " in text and f"big.ndjson:{n - 2} " in text
    assert f"{n} payload(s): {n - 2} valid, 0 test notification(s), 2 invalid" in text
    assert cli("--jobs", "1", str(path)).output == text


def test_a_directory_of_many_files(tmp_path: Path) -> None:
    body = orjson.dumps(PUSH)
    for i in range(3000):
        (tmp_path / f"{i:05}.json").write_bytes(body if i != 1234 else orjson.dumps(BAD_PUSH))
    result = cli("--jobs", "2", str(tmp_path))
    assert result.exit_code == 1
    assert "01234.json" in result.output
    assert "3000 payload(s): 2999 valid, 0 test notification(s), 1 invalid" in result.output


def test_the_envelope_schema_accepts_the_sample_capture() -> None:
    for line in (SAMPLES / "listen-capture.ndjson").read_text().splitlines():
        jsonschema.validate(json.loads(line), envelope_schema())


def test_the_readme_main_command_on_the_samples() -> None:
    result = cli(str(SAMPLES))
    assert result.exit_code == 1
    out = result.output
    assert "25 payload(s): 15 valid, 2 test notification(s), 6 invalid, 2 unreadable." in out
    for expected in (
        "deliveries.ndjson:7",  # fake build id, named by line
        "quay-docs-repo-push.json (repo_push)",  # Quay's own sample: `name` is not in `repository`
        "$.repository [repository-path]",
        "deliveries.ndjson:9: truncated JSON",
        "invalid-repo-push.json",
        "line 3:16",  # line:column of the offending value
        "request-bin.har[3]",
        "latin1.json: not UTF-8",
        "TEST  ",
        "Payloads by event",
    ):
        assert expected in out, expected


def test_stdin_and_forced_input_format(tmp_path: Path) -> None:
    lines = orjson.dumps(PUSH) + b"\n" + orjson.dumps(BAD_PUSH) + b"\n"
    result = CliRunner().invoke(main, ["validate", "--format", "json", "-"], input=lines)
    report = json.loads(result.output)
    assert [(r["source"], r["line"]) for r in report["results"]] == [("<stdin>", 1), ("<stdin>", 2)]
    path = tmp_path / "one.txt"
    path.write_bytes(orjson.dumps(PUSH) + b"\n")
    [res] = as_json("--input-format", "ndjson", str(path))["results"]
    assert res["format"] == "ndjson" and res["line"] == 1


def test_allow_comments_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "docs.json"
    path.write_text("// Quay docs sample\n" + json.dumps(PUSH, indent=2))
    assert cli(str(path)).exit_code == 3
    assert cli("--allow-comments", str(path)).exit_code == 0


def test_ndjson_duplicate_keys_are_noted_on_valid_lines(tmp_path: Path) -> None:
    """The NDJSON fast loop must not swallow the duplicate-key note of an otherwise valid line."""
    payload = contract.examples("repo_push")[1]
    line = orjson.dumps(payload).decode()
    dup = line[:-1] + ', "name": "webapp"}'
    path = tmp_path / "dup.ndjson"
    path.write_text(line + "\n" + dup + "\n")
    result = cli("--format", "text", "-j", "1", str(path))
    assert result.exit_code == 0, result.output
    assert "duplicate key 'name'" in result.output
    assert f"{path}:2" in result.output
