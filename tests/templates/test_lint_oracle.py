"""The static checks know in advance what the oracle saw Quay do with each template.

Over every oracle case (789): a template Quay rejects when saving gets the finding that says so;
a template Quay saves but whose delivery crashes on a real event gets an error before anything
is delivered; and no template makes the checks themselves fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.templates import oracle
from toolkit.contract.registry import EVENTS
from toolkit.templates.lint import lint

SAVE_RULES = {
    400: {"invalid-json", "invalid-jsonpath"},
    500: {"save-crash", "template-not-string"},
}


def _cases() -> list[Any]:
    return [
        pytest.param(case, id=case["id"])
        for name in ("oracle.json", "oracle_random.json")
        for case in oracle.cases(name)
    ]


def _event(case: dict[str, Any]) -> str:
    ref = case.get("payload_ref") or case.get("payload_variant_of") or ""
    event = ref.split("/")[0]
    return event if event in EVENTS else "repo_push"


@pytest.mark.parametrize("case", _cases())
def test_the_checks_foresee_what_quay_does(case: dict[str, Any]) -> None:
    value = oracle.config_value(case)
    found = lint(None if value is oracle.ABSENT else value, [_event(case)])
    rules = {f.rule for f in found.findings}
    status = case["outcome"]["save_validation"]["http_status"]
    if case.get("unstable"):
        assert "deep-nesting" in rules
    elif status in SAVE_RULES:
        assert rules & SAVE_RULES[status], rules
    elif case["outcome"]["delivery"]["status"] == "error" and "payload_synthetic" not in case:
        assert any(f.severity == "error" for f in found.findings), rules
