"""`--quay-version` and the fingerprint on the command line, in every output format.

The issue's example: with `--quay-version 3.10`, a triggered build_queued without
`trigger_manual` is invalid; with 3.8, or no version, it is valid.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from click.testing import CliRunner, Result

from tests.conftest import DATA, ROOT
from toolkit import contract
from toolkit.cli import main

REPORT_SCHEMA = json.loads((ROOT / "toolkit/formats/validate-report.schema.json").read_text())
SARIF_SCHEMA = json.loads((DATA / "sarif/sarif-schema-2.1.0.json").read_text())
SEED = contract.examples("build_queued")[0]  # triggered, no trigger_manual: Quay ≤ 3.8.1
FITS = "Quay ≤ 3.8.1"
DASH = " \u2013 "


def cli(*args: str) -> Result:
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture
def seed(tmp_path: Path) -> str:
    path = tmp_path / "queued.json"
    path.write_bytes(orjson.dumps(SEED, option=orjson.OPT_INDENT_2))
    return str(path)


def run(fmt: str, path: str, *version: str) -> tuple[int, str]:
    args = ["validate", "--format", fmt, "-v", path]
    result = cli(*args, *(("--quay-version", version[0]) if version else ()))
    return result.exit_code, result.stdout


@pytest.mark.parametrize("version", [(), ("3.8",), ("3.8.1",)])
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif"])
def test_valid_without_a_version_or_for_3_8_with_its_fingerprint(
    seed: str, fmt: str, version: tuple[str, ...]
) -> None:
    code, out = run(fmt, seed, *version)
    assert code == 0, out
    if fmt == "json":
        report = json.loads(out)
        jsonschema.validate(report, REPORT_SCHEMA)
        assert report["results"][0]["releases"] == {"text": FITS, "ranges": [["3.0.0", "3.8.1"]]}
        assert report["summary"]["releases"][0]["payloads"] == 1
        assert report["summary"]["common"]["text"] == FITS
    elif fmt == "sarif":
        log = json.loads(out)
        jsonschema.validate(log, SARIF_SCHEMA)
        assert log["runs"][0]["properties"]["releases"][0]["releases"]["text"] == FITS
    elif fmt == "junit":
        case = ET.fromstring(out).find(".//testcase")
        assert case is not None
        prop = case.find("properties/property[@name='releases']")
        assert prop is not None and prop.get("value") == FITS
        assert case.find("failure") is None
    else:
        assert FITS in out  # text: the PASS line and the table; github: a notice


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif"])
def test_invalid_for_3_10_with_the_version_rule(seed: str, fmt: str) -> None:
    code, out = run(fmt, seed, "3.10")
    assert code == 1, out
    message = "Quay 3.10 always sends `trigger_manual`"
    if fmt == "json":
        report = json.loads(out)
        jsonschema.validate(report, REPORT_SCHEMA)
        [result] = report["results"]
        assert result["status"] == "fail" and result["releases"]["text"] == FITS
        [error] = result["errors"]
        assert (error["rule"], error["keyword"], error["path"]) == (
            "version-missing",
            "x-quay-versions",
            "$",
        )
        assert error["paths"] == [] and message in error["message"]
    elif fmt == "sarif":
        log = json.loads(out)
        jsonschema.validate(log, SARIF_SCHEMA)
        [result] = log["runs"][0]["results"]
        assert result["ruleId"] == "version-missing"
        assert result["properties"]["keyword"] == "x-quay-versions"
        assert result["properties"]["releases"]["text"] == FITS
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        assert "always sends" in rules[result["ruleIndex"]]["shortDescription"]["text"]
    elif fmt == "junit":
        failure = ET.fromstring(out).find(".//failure")
        assert failure is not None
        assert "[version-missing]" in (failure.get("message") or "")
        assert message in (failure.text or "")
    elif fmt == "github":
        line = next(x for x in out.splitlines() if x.startswith("::error"))
        assert "[version-missing]" in line and message in line and f"fits {FITS}" in line
    else:
        assert "[version-missing]" in out and message in out and f"fits {FITS}" in out


def test_x_y_spanning_several_releases_says_what_it_means(seed: str) -> None:
    result = cli("validate", "--quay-version", "3.8", seed)
    assert result.exit_code == 0
    assert f"3.8.0{DASH}3.8.15" in result.stderr and "X.Y.Z" in result.stderr


@pytest.mark.parametrize("version", ["3.99", "3.8.16", "4", "latest", "3.6.7"])
@pytest.mark.parametrize("command", ["validate", "report"])
def test_an_unknown_release_exits_3_like_an_unknown_event(
    seed: str, version: str, command: str
) -> None:
    result = cli(command, "--quay-version", version, seed)
    assert result.exit_code == 3
    assert f"unknown Quay release {version!r}" in result.stderr
    assert "3.0.0 and 3.18.0" in result.stderr


@pytest.mark.parametrize("command", ["fuzz", "send"])
def test_fuzz_and_send_refuse_unknown_releases_too(command: str) -> None:
    args = ["--all", "--quay-version", "9.9"]
    args = [command, "http://127.0.0.1:9/", *args] if command == "send" else [command, *args]
    result = cli(*args)
    assert result.exit_code == 3 and "unknown Quay release '9.9'" in result.stderr


def test_the_ndjson_hot_path_counts_passes_by_release(tmp_path: Path) -> None:
    """Many lines: each fingerprint summed; those 3.10 does not send are explained."""
    lines = []
    for entry in json.loads((DATA / "releases/index.json").read_text())["files"]:
        if not entry["test_notification"]:
            lines.append((DATA / "releases" / entry["file"]).read_bytes())
    path = tmp_path / "all.ndjson"
    path.write_bytes(b"\n".join(lines * 3) + b"\n")
    plain = json.loads(cli("validate", "--format", "json", "-q", str(path)).stdout)
    everything = {r["releases"]["text"]: r["payloads"] for r in plain["summary"]["releases"]}
    assert sum(everything.values()) == len(lines) * 3 == plain["summary"]["valid"]
    assert everything[f"Quay 3.9{DASH}3.11.13"] == 3 and everything["Quay 3.12.0"] == 3
    text = cli("validate", "--jobs", "1", str(path))
    assert text.exit_code == 0
    assert re.search(rf"Quay 3\.9{DASH}3\.11\.13 +│ +3 │", text.stdout), text.stdout
    narrowed = cli("validate", "--quay-version", "3.10.5", "--format", "json", str(path))
    report: dict[str, Any] = json.loads(narrowed.stdout)
    assert narrowed.exit_code == 1
    failed = [r for r in report["results"] if r["status"] == "fail"]
    assert failed and all(e["rule"] for r in failed for e in r["errors"])
    assert all("3.10.5" not in _releases(r["releases"]) for r in failed)
    passed = [r for r in report["results"] if r["status"] == "pass"]
    assert passed and all("3.10.5" in _releases(r["releases"]) for r in passed)


def _releases(data: dict[str, Any]) -> set[str]:
    from toolkit.contract.releases import Releases

    return set(Releases.from_ranges(data["ranges"]))
