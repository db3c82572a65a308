"""`quay-contract fuzz`: NDJSON on stdout, deterministic for a seed, labelled invalid lines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit import validate
from toolkit.cli import main
from toolkit.contract.registry import EVENTS


def fuzz(*args: str) -> Any:
    return CliRunner().invoke(main, ["fuzz", *args])


def lines(output: str) -> list[dict[str, Any]]:
    # Split on "\n" only, as NDJSON readers do: str.splitlines() would also split inside strings
    # at U+2028, which JSON allows unescaped (and --invalid uses to break patterns).
    return [json.loads(line) for line in output.split("\n") if line]


def test_all_events_valid_payloads() -> None:
    result = fuzz("--all", "-n", "3", "--seed", "7")
    assert result.exit_code == 0, result.output
    rows = lines(result.stdout)
    assert [r["event"] for r in rows] == [e for e in EVENTS for _ in range(3)]
    for row in rows:
        assert set(row) == {"event", "payload"}
        report = validate(row["payload"], row["event"])
        assert report.valid and not report.test_notification


def test_invalid_lines_carry_the_rule_they_break() -> None:
    result = fuzz("--event", "build_queued", "--event", "vulnerability_found", "-n", "4",
                  "--invalid")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = lines(result.stdout)
    assert len(rows) == 8
    for row in rows:
        errors = validate(row["payload"], row["event"]).errors
        label = [{"keyword": e.keyword, "path": e.path} for e in errors]
        for e, one in zip(errors, label, strict=True):
            if e.rule is not None:  # an invariant: its id and every field it relates
                one |= {"rule": e.rule, "paths": list(e.paths)}
        assert label == [row["violates"]]


def test_test_notification_bodies() -> None:
    rows = lines(fuzz("--event", "repo_push", "-n", "3", "--test-notification").stdout)
    assert len(rows) == 3
    assert all(validate(r["payload"], "repo_push").test_notification for r in rows)


@pytest.mark.parametrize("extra", [(), ("--invalid",)])
def test_deterministic_for_a_seed(extra: tuple[str, ...]) -> None:
    first = fuzz("--event", "build_success", "-n", "5", "--seed", "11", *extra).stdout
    assert first == fuzz("--event", "build_success", "-n", "5", "--seed", "11", *extra).stdout
    assert first != fuzz("--event", "build_success", "-n", "5", "--seed", "12", *extra).stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 2),
        (("--all", "--event", "repo_push"), 2),
        (("--event", "repo_push", "--invalid", "--test-notification"), 2),
        (("--event", "repo_push", "-n", "-1"), 2),
        (("--event", "repo_pull"), 3),
    ],
)
def test_usage_errors_and_unknown_events(args: tuple[str, ...], code: int) -> None:
    result = fuzz(*args)
    assert result.exit_code == code
    assert result.stdout == ""


def test_deterministic_across_processes_and_hash_seeds() -> None:
    """No set or dict-hash order leaks into the output (PYTHONHASHSEED differs per process)."""
    import os
    import subprocess
    import sys

    def run(hash_seed: str) -> bytes:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        args = ["fuzz", "--event", "build_queued", "--event", "vulnerability_found", "-n", "6",
                "--seed", "3", "--invalid"]  # fmt: skip
        code = "import sys; from toolkit.cli import main; main(sys.argv[1:])"
        done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("1") == run("2")


def test_lines_match_the_documented_format() -> None:
    from toolkit.send.report import format_schema

    validator = format_schema("fuzz-line")
    for extra in ((), ("--invalid",)):
        for row in lines(fuzz("--all", "-n", "1", *extra).stdout):
            validator.validate(row)


def test_invalid_lines_name_the_invariant_they_break() -> None:
    rows = lines(fuzz("--event", "repo_push", "-n", "40", "--seed", "5", "--invalid").stdout)
    broken = [r["violates"] for r in rows if r["violates"]["keyword"] == "x-invariants"]
    assert {v["rule"] for v in broken} == {"repository-path", "server-urls"}
    for v in broken:
        assert v["paths"][0] == v["path"] and len(v["paths"]) >= 2
