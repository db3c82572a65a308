"""The data-driven diff suite (tests/data/diff_suite/*.json, JSON-Schema-Test-Suite style).

Each case has a description, an old and a new schema (or `old_files`/`new_files` for several
files), the expected changes (rule and instance pointer) and the verdict for consumers and
producers. Role `both` must give the worse of the two.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema

from tests.conftest import DATA
from toolkit.cli import main
from toolkit.contract.invariant_check import Checker
from toolkit.contract.invariants import collect
from toolkit.contract.schemaset import load_folder
from toolkit.diff.classify import diff_sets, strip

SUITE = DATA / "diff_suite"
RANK = ("none", "info", "warning", "breaking")


def _cases() -> list[Any]:
    out = []
    for path in sorted(SUITE.glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text())):
            out.append(pytest.param(case, id=f"{path.stem}[{i}] {case['description']}"))
    return out


CASES = _cases()


def _write(root: Path, case: dict[str, Any], side: str) -> Path:
    files = case.get(f"{side}_files") or {"case.schema.json": case[side]}
    for rel, schema in files.items():
        path = root / side / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema))
    return root / side


def _expected(case: dict[str, Any], role: str) -> str:
    verdict = case["verdict"]
    if role == "both":
        return max(verdict["consumer"], verdict["producer"], key=RANK.index)
    return str(verdict[role])


def test_suite_is_large_and_covers_every_rule() -> None:
    rules = {c["rule"] for p in CASES for c in p.values[0]["changes"]}
    assert len(CASES) >= 60
    for rule in (
        "property-removed",
        "property-added",
        "required-removed",
        "required-added",
        "type-widened",
        "enum-widened",
        "null-added",
        "pattern-removed",
        "pattern-changed",
        "bound-loosened",
        "bound-tightened",
        "annotation-changed",
        "event-added",
        "event-removed",
        "event-renamed",
        "invariant-added",
        "invariant-removed",
        "invariant-changed",
    ):
        assert rule in rules, rule


@pytest.mark.parametrize("role", ["consumer", "producer", "both"])
@pytest.mark.parametrize("case", CASES)
def test_rules_give_the_expected_changes_and_verdict(
    case: dict[str, Any], role: str, tmp_path: Path
) -> None:
    old, new = (load_folder(_write(tmp_path, case, side)) for side in ("old", "new"))
    result = diff_sets(old, new, role)
    found = Counter((c.event, c.rule, c.pointer) for c in result.changes)
    want = Counter((c.get("event", "case"), c["rule"], c["pointer"]) for c in case["changes"])
    assert found == want
    assert result.worst() == _expected(case, role)


@pytest.mark.parametrize("case", CASES)
def test_cli_verdict_and_exit_code(case: dict[str, Any], tmp_path: Path) -> None:
    old, new = (_write(tmp_path, case, side) for side in ("old", "new"))
    for role in ("consumer", "producer"):
        args = ["diff", str(old), str(new), "--role", role, "--format", "json", "--no-evidence"]
        run = CliRunner().invoke(main, args)
        expected = _expected(case, role)
        assert run.exit_code == (1 if expected == "breaking" else 0), run.output
        assert json.loads(run.stdout)["verdict"] == expected


SAFE_FOR_CONSUMERS = [
    p
    for p in CASES
    if p.values[0]["verdict"]["consumer"] in ("none", "info") and "new" in p.values[0]
]


@pytest.mark.parametrize("case", SAFE_FOR_CONSUMERS)
def test_safe_for_consumers_means_new_payloads_validate_under_old(case: dict[str, Any]) -> None:
    """Property: when the verdict is safe for consumers, every NEW payload is valid under OLD
    (its schema and its invariants)."""
    old = jsonschema_rs.validator_for(case["old"], validate_formats=True)
    new = jsonschema_rs.validator_for(case["new"], validate_formats=True)
    old_rules, new_rules = (Checker(collect(case[side])) for side in ("old", "new"))

    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(strip(case["new"])))
    def check(payload: Any) -> None:
        # hypothesis uses Python regexes; the contract means ECMA-262
        if new.is_valid(payload) and new_rules.holds(payload):
            assert old.is_valid(payload) and old_rules.holds(payload), payload

    check()


def test_suite_has_safe_cases_for_the_property_test() -> None:
    assert len(SAFE_FOR_CONSUMERS) >= 20
