"""`quay-contract template render` prints the bodies Quay sends, byte for byte.

The expected bodies are the oracle's: what Quay's own code POSTed for the same template and
payload (tests/data/templates/oracle.json).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.templates import oracle
from toolkit.cli import main

ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}


def _groups() -> list[Any]:
    """Oracle templates with every payload Quay posted a body for (canonical release)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in oracle.cases("oracle.json"):
        text = case.get("template_text")
        # The synthetic payload is no Quay event: it has an integer beyond 64 bits, which
        # validate's reader (orjson) reads as a float. The engine tests cover it.
        synthetic = case["payload_name"] == "synthetic"
        if isinstance(text, str) and text and not synthetic and _posted(case):
            groups[text].append(case)
    chosen = [cases for cases in groups.values() if len(cases) >= 2]
    return [pytest.param(cases, id=cases[0]["id"].split("@")[0]) for cases in chosen]


def _posted(case: dict[str, Any]) -> bool:
    return bool(case["outcome"]["delivery"]["status"] == "posted")


@pytest.mark.parametrize("cases", _groups())
def test_bodies_are_quays_byte_for_byte(tmp_path: Path, cases: list[dict[str, Any]]) -> None:
    template = tmp_path / "template.json"
    template.write_text(cases[0]["template_text"], encoding="utf-8")
    paths = []
    for i, case in enumerate(cases):
        path = tmp_path / f"payload-{i}.json"
        path.write_text(json.dumps(oracle.payload(case)), encoding="utf-8")
        paths.append(str(path))
    result = CliRunner().invoke(
        main, ["template", "render", str(template), *paths, "--format", "body"], env=ENV
    )
    assert result.exit_code == 0, result.output
    want = "".join(case["outcome"]["delivery"]["body"] + "\n" for case in cases)
    assert result.stdout_bytes == want.encode("ascii")


def test_a_corpus_summary_gives_types_per_site_and_crashes_per_payload() -> None:
    template = json.dumps({"tags": "${updated_tags[*]}", "name": "${name}"})
    result = CliRunner().invoke(
        main,
        ["template", "render", "-", "--event", "repo_push", "--samples", "10"],
        input=template,
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    summary = result.output.split("Rendered ")[1]
    tags = next(line for line in summary.splitlines() if line.strip().startswith("tags:"))
    kinds = {part.rsplit(" ", 2)[0].strip() for part in tags.split(":")[1].split(",")}
    assert {"null", "string", "array"} <= kinds  # 0, 1 and 2+ tags among the payloads
    assert "name: string 100 %" in summary
    assert "crashes: 0" in summary


def test_crashes_are_listed_and_exit_1() -> None:
    template = json.dumps({"t": "v: ${vulnerability.*}"})
    result = CliRunner().invoke(
        main,
        ["template", "render", "-", "--event", "vulnerability_found", "--format", "json"],
        input=template,
        env=ENV,
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    crashed = [r for r in report["results"] if r["status"] == "error"]
    assert crashed and crashed[0]["error"]["type"] == "TypeError"
    assert report["summary"]["crashes"] == len(crashed)


def test_a_release_is_rendered_as_that_release(tmp_path: Path) -> None:
    template = json.dumps({"t": "${updated_tags[*]}"})
    payload = tmp_path / "push.json"
    payload.write_text(json.dumps(oracle.payloads()["named"]["push2"]["payload"]))
    args = ["template", "render", "-", str(payload), "--format", "json"]
    runner = CliRunner()
    new = runner.invoke(main, args, input=template, env=ENV)
    old = runner.invoke(main, [*args, "--quay-version", "3.5.1"], input=template, env=ENV)
    assert json.loads(new.output)["results"][0]["body"] == '{"t": ["v1.4.2", "latest"]}'
    error = json.loads(old.output)["results"][0]["error"]
    assert error == {
        "type": "AttributeError",
        "message": "'DatumInContext' object has no attribute 'data'",
    }
    assert old.exit_code == 1
