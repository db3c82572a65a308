"""The scale guide's Spark recipe runs as written on a local Spark, and finds what
`quay-contract validate` finds in the same Parquet files: the same totals and version
fingerprints, the same failures in the same rows with the same findings."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from tests.conftest import DATA, ROOT
from tests.validation.corpus import ndjson_lines, write_table
from toolkit.cli import main

GUIDE = ROOT / "docs" / "guides" / "scale.md"


def recipe() -> str:
    match = re.search(
        r'```python title="spark_validate.py"\n(.*?)\n```', GUIDE.read_text(encoding="utf-8"), re.S
    )
    assert match, "the guide has no spark_validate.py block"
    return match.group(1)


def _key(result: dict[str, Any]) -> tuple[Any, ...]:
    errors = [(e["path"], e["keyword"], e["message"], e["rule"]) for e in result["errors"]]
    status = result["index"], result["status"], result["event"], result["problem"]
    return (*status, result["releases"], errors)


def test_the_spark_recipe_finds_what_validate_finds(tmp_path: Path) -> None:
    assert shutil.which("java"), "Spark needs Java 17: .ci/run installs openjdk-17-jre-headless"
    tables = tmp_path / "lake"
    tables.mkdir()
    shutil.copy(DATA / "tables" / "capture.parquet", tables / "a.parquet")
    lines = [line for line in ndjson_lines(1200, 21) if line]
    write_table(tables / "b.parquet", lines, event=[None] * len(lines))
    script = tmp_path / "spark_validate.py"
    script.write_text(recipe(), encoding="utf-8")
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_SUBMIT_ARGS": "--master local[2] --conf spark.ui.enabled=false pyspark-shell",
    }
    files = [str(tables / "a.parquet"), str(tables / "b.parquet")]
    proc = subprocess.run(
        [sys.executable, str(script), *files],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])

    cli = CliRunner().invoke(main, ["validate", "--format", "json", *files])
    report = json.loads(cli.stdout)
    summary = report["summary"]
    assert got["totals"] == {
        k: v
        for k, v in {
            "pass": summary["valid"],
            "fail": summary["invalid"],
            "error": summary["unreadable"],
        }.items()
        if v
    }
    assert summary["invalid"] >= 10 and summary["unreadable"] >= 2
    releases = {row["releases"]["text"]: row["payloads"] for row in summary["releases"]}
    assert got["releases"] == releases and len(releases) >= 4
    expected = [r for r in report["results"] if r["status"] != "pass"]
    for failure in got["failures"]:  # Spark names a file file:/path
        failure["source"] = failure["source"].removeprefix("file:")
    by_file: dict[str, list[Any]] = {}
    for result in got["failures"]:
        by_file.setdefault(result["source"], []).append(_key(result))
    for source in files:
        assert sorted(by_file.get(source, []), key=str) == sorted(
            (_key(r) for r in expected if r["source"] == source), key=str
        ), source
