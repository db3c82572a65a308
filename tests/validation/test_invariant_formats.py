"""Every invariant case of tests/data/invalid, in every output format: the rule id and every
field involved reach the report, whatever its format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from click.testing import CliRunner

from tests.conftest import DATA, ROOT
from toolkit.cli import main
from toolkit.contract.registry import EVENTS

REPORT_SCHEMA = json.loads((ROOT / "toolkit/formats/validate-report.schema.json").read_text())
SARIF_SCHEMA = json.loads((DATA / "sarif/sarif-schema-2.1.0.json").read_text())


def _cases(event: str) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((DATA / "invalid" / event).glob("*.json")):
        case = json.loads(path.read_text())
        if "rule" in case:
            out[path.name] = case
    return out


def _run(event: str, fmt: str, folder: Path) -> str:
    args = ["validate", "--event", event, "--format", fmt, "--jobs", "1", "-v", str(folder)]
    result = CliRunner().invoke(main, args, env={"NO_COLOR": "1", "COLUMNS": "400"})
    assert result.exit_code == 1, result.output
    return result.stdout


@pytest.fixture(scope="module", params=EVENTS)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    event = str(request.param)
    folder = tmp_path_factory.mktemp(event)
    cases = _cases(event)
    assert cases, f"no invariant case for {event}"
    for name, case in cases.items():
        (folder / name).write_bytes(orjson.dumps(case["payload"], option=orjson.OPT_INDENT_2))
    return event, folder, cases


def test_every_invariant_of_every_event_has_an_invalid_case() -> None:
    from toolkit.contract.invariants import for_event

    for event in EVENTS:
        covered = {case["rule"] for case in _cases(event).values()}
        assert covered >= {inv.id for inv in for_event(event)}, event


def test_json(written: Any) -> None:
    event, folder, cases = written
    report = json.loads(_run(event, "json", folder))
    jsonschema.validate(report, REPORT_SCHEMA)
    for result in report["results"]:
        case = cases[Path(result["source"]).name]
        head = result["errors"][0]
        assert (head["keyword"], head["rule"]) == ("x-invariants", case["rule"])
        assert (head["path"], head["paths"]) == (case["path"], case["paths"])
        assert head["line"] is not None  # located in the file like any finding


def test_text(written: Any) -> None:
    event, folder, cases = written
    out = _run(event, "text", folder)
    for case in cases.values():
        assert f"{case['path']} [{case['rule']}] {case['path']} is " in out


def test_junit(written: Any) -> None:
    event, folder, cases = written
    root = ET.fromstring(_run(event, "junit", folder))
    failures = {Path(c.get("classname", "")).name: c.find("failure") for c in root.iter("testcase")}
    for name, case in cases.items():
        failure = failures[name]
        assert failure is not None
        assert f"{case['path']} [{case['rule']}]" in failure.get("message", "")
        also = ", ".join(case["paths"][1:])
        assert f"(also {also})" in (failure.text or "")


def test_github(written: Any) -> None:
    event, folder, cases = written
    out = _run(event, "github", folder)
    for name, case in cases.items():
        line = next(x for x in out.splitlines() if x.startswith(f"::error file={folder / name},"))
        assert f"title={event}%3A {case['path']} [{case['rule']}]" in line


def test_sarif(written: Any) -> None:
    event, folder, cases = written
    log = json.loads(_run(event, "sarif", folder))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        name = Path(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name
        case = cases[name]
        if result["ruleId"] != case["rule"]:
            continue  # a further finding of the same payload (Quay's docs sample breaks two)
        names = [loc["fullyQualifiedName"] for loc in result["locations"][0]["logicalLocations"]]
        assert names == case["paths"]
        assert "invariant" in rules[case["rule"]]["shortDescription"]["text"]
    assert {r["ruleId"] for r in run["results"]} >= {c["rule"] for c in cases.values()}
