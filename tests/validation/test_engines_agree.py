"""The fast path (jsonschema-rs) and the rich path (python-jsonschema + regress) agree."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import invalid_cases
from toolkit import contract
from toolkit.contract.registry import EVENTS

DIGEST = "sha256:" + "a" * 64


def _dialect_cases() -> list[Any]:
    """Values that Python's `re` accepts but ECMA-262 (the JSON Schema dialect) rejects."""
    base = contract.examples("build_start")[-1]
    cases = []
    for field, value in [
        (("trigger_metadata", "commit"), "50bc5996d4587fd4b2d8edc4af652d4cec293c42\n"),
        (("trigger_metadata", "ref"), "refs/heads/a\rb"),
        (("trigger_metadata", "ref"), "refs/heads/a\u2028b"),
        (("namespace",), "acme\n"),
        (("build_id",), "b34e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a\n"),
        (("docker_tags", 0), "latest\n"),
    ]:
        payload = copy.deepcopy(base)
        node = payload
        for key in field[:-1]:
            node = node[key]
        node[field[-1]] = value
        cases.append(pytest.param("build_start", payload, id=f"{field[-1]}={value!r}"))
    vuln = copy.deepcopy(contract.examples("vulnerability_found")[2])
    vuln["tags"] = [DIGEST + "\n"]
    cases.append(pytest.param("vulnerability_found", vuln, id="digest-newline"))
    return cases


def _all_cases() -> list[Any]:
    cases = [
        pytest.param(e, p, id=f"{e}-example{i}")
        for e in EVENTS
        for i, p in enumerate(contract.examples(e))
    ]
    cases += [pytest.param(p.values[0], p.values[1]["payload"], id=p.id) for p in invalid_cases()]
    return cases + _dialect_cases()


@pytest.mark.parametrize(("event", "payload"), _all_cases())
def test_fast_and_rich_paths_agree(event: str, payload: Any) -> None:
    fast = contract.fast(event).is_valid(payload)
    rich = contract.rich(event).is_valid(payload)
    assert fast == rich


@pytest.mark.parametrize(("event", "payload"), _dialect_cases())
def test_patterns_use_ecma262_semantics(event: str, payload: Any) -> None:
    assert not contract.fast(event).is_valid(payload)
    assert not contract.rich(event).is_valid(payload)
