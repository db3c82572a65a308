"""The replay evidence of `diff` is bounded in time and size, and the report says what was cut."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from toolkit.diff.budget import Budget


@pytest.fixture(scope="module")
def huge_enum(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """repo_push's tags restricted to a 30,000-value enum (3 MB), beside the schemas as they are."""
    root = tmp_path_factory.mktemp("huge")
    old, new = root / "old", root / "new"
    shutil.copytree(ROOT / "schemas", old)
    shutil.copytree(ROOT / "schemas", new)
    path = new / "repo_push.schema.json"
    schema = json.loads(path.read_text())
    values = [f"tag-{i:06d}-" + "x" * 80 for i in range(30_000)]
    schema["properties"]["updated_tags"]["items"] = {"enum": values}
    path.write_text(json.dumps(schema))
    return old, new


def diff(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "toolkit", "diff", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_a_huge_enum_is_sampled_not_fuzzed_and_the_report_says_so(
    huge_enum: tuple[Path, Path],
) -> None:
    old, new = huge_enum
    run = diff(str(old), str(new), "--format", "json", timeout=60)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    cuts = report["evidence_cut"]
    assert any("64 of 30,000 enum values were probed" in c for c in cuts), cuts
    assert any("fuzzing budget (--evidence-max-schema)" in c for c in cuts), cuts
    assert report["evidence"]["repo_push"]["valid_before_rejected_now"] > 0  # still evidence
    text = diff(str(old), str(new), timeout=60).stdout
    assert "evidence cut short: repo_push/updated_tags/*: 64 of 30,000" in text


def test_the_time_budget_stops_the_replay_and_is_reported(huge_enum: tuple[Path, Path]) -> None:
    old, new = huge_enum
    run = diff(str(old), str(new), "--evidence-budget", "0.000001", "--format", "json")
    report = json.loads(run.stdout)
    assert report["evidence"] == {}
    [cut] = report["evidence_cut"]
    assert cut == (
        "the 1e-06 s evidence budget (--evidence-budget) ran out before repo_push could be replayed"
    )
    assert report["verdict"] == "breaking"  # the rules still decide


def test_no_cut_no_notice() -> None:
    budget = Budget(seconds=None)
    assert budget.spread([1, 2, 3], "here") == [1, 2, 3]
    assert budget.fits({"enum": [1, 2]}, "here") and budget.cuts == []


def test_spread_keeps_both_ends() -> None:
    budget = Budget(max_literals=5)
    assert budget.spread(list(range(101)), "e/p") == [0, 25, 50, 75, 100]
    assert budget.cuts == ["e/p: 5 of 101 enum values were probed"]
