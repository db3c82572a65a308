"""Every rule of `template check` fires where it should (with place and reason) and not elsewhere.

Data-driven over tests/data/templates/rules.json: each case is a template (or a notification
list), the events and release it is checked for, the rule, and whether it fires; a firing case
also names where (JSON pointer, key, line:column) and why (path, message, hint, releases).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.templates.oracle import FOLDER
from toolkit.templates.check import Options, check
from toolkit.templates.findings import Finding
from toolkit.templates.releases import parse_version
from toolkit.templates.rules import RULES

CASES: list[dict[str, Any]] = json.loads((FOLDER / "rules.json").read_text())["cases"]


def findings_of(case: dict[str, Any]) -> list[Finding]:
    text = case["template"] if "template" in case else json.dumps(case["document"])
    version = parse_version(case["version"]) if "version" in case else None
    options = Options(tuple(case.get("events", ())), version, samples=5)
    return [f for result in check(text.encode(), "case.json", options) for f in result.findings]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_rule(case: dict[str, Any]) -> None:
    found = [f for f in findings_of(case) if f.rule == case["rule"]]
    if not case["fires"]:
        assert not found, [f.message for f in found]
        return
    assert found, f"{case['rule']} did not fire"
    expect = case.get("expect", {})
    assert any(_matches(f, expect) for f in found), [f.as_dict() for f in found]


def _matches(f: Finding, expect: dict[str, Any]) -> bool:
    for name, wanted in expect.items():
        got = f.json_pointer if name == "pointer" else getattr(f, name)
        if name in ("message", "hint"):
            if wanted not in (got or ""):
                return False
        elif got != wanted:
            return False
    return True


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    firing = {c["rule"] for c in CASES if c["fires"]}
    quiet = {c["rule"] for c in CASES if not c["fires"]}
    assert set(RULES) <= firing, set(RULES) - firing
    assert set(RULES) <= quiet, set(RULES) - quiet
    assert {c["rule"] for c in CASES} <= set(RULES)
