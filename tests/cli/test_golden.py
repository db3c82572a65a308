"""Golden files: the text and JSON reports of `quay-contract validate samples/`.

Run with UPDATE_GOLDEN=1 to rewrite them after an intended change, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import DATA, ROOT
from toolkit.cli import main

GOLDEN = DATA / "golden"


@pytest.mark.parametrize(("fmt", "name"), [("text", "samples.txt"), ("json", "samples.json")])
def test_report_on_the_samples_matches_the_golden_file(
    monkeypatch: pytest.MonkeyPatch, fmt: str, name: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main,
        ["validate", "--format", fmt, "--jobs", "1", "samples"],
        env={"NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"},
    )
    assert result.exit_code == 1
    golden: Path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.output)
    assert result.output == golden.read_text()
