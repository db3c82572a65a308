"""Rendering matches Quay's own template code on every oracle case, in every modelled release.

Data-driven over tests/data/templates/oracle.json (389 systematic cases) and oracle_random.json
(400 cases from a seeded grammar): the save answer (status and message), and the exact body
bytes or the exception of one delivery, per release family.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.templates import oracle
from toolkit.templates import engine
from toolkit.templates.releases import by_name


def _params(name: str) -> list[Any]:
    return [pytest.param(case, id=case["id"]) for case in oracle.cases(name)]


def _check_all(case: dict[str, Any]) -> None:
    for variant in oracle.FAMILIES:
        try:
            _check(case, variant)
        except AssertionError as exc:
            raise AssertionError(f"Quay {oracle.FAMILIES[variant]}: {exc}") from None


def _check(case: dict[str, Any], variant: str) -> None:
    family = by_name(oracle.FAMILIES[variant])
    value = oracle.config_value(case)
    config = None if value is oracle.ABSENT else value
    want = oracle.expected(case, variant)
    if case.get("unstable"):
        # Quay's outcome depends on its own stack depth: the engine says so instead of guessing.
        assert engine.save(config, family).unstable is not None
        assert engine.deliver(config, oracle.payload(case), family).status == "unstable"
        return
    saved = engine.save(config, family)
    assert saved.status == want.save_status, saved.error
    if want.save_status == 400:
        assert saved.error is not None and saved.error.message == want.save_error
    elif want.save_status == 500:
        assert str(saved.error) == want.save_error
    delivery = engine.deliver(config, oracle.payload(case), family)
    if want.body is not None:
        assert delivery.status == "posted", delivery.error
        assert delivery.data == want.body.encode("ascii")
    else:
        assert delivery.status == "error"
        assert str(delivery.error) == want.delivery_error


@pytest.mark.parametrize("case", _params("oracle.json"))
def test_systematic_case(case: dict[str, Any]) -> None:
    _check_all(case)


@pytest.mark.parametrize("case", _params("oracle_random.json"))
def test_random_case(case: dict[str, Any]) -> None:
    _check_all(case)


def test_every_case_is_checked_in_every_modelled_family() -> None:
    systematic = oracle.cases("oracle.json")
    assert len(systematic) == 389
    assert len(oracle.cases("oracle_random.json")) == 400
    assert {c["id"] for c in systematic if c.get("unstable")} == {
        "nest.depth-490",
        "nest.depth-600",
        "nest.depth-990",
    }
