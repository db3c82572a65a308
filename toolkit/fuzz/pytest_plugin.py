"""pytest plugin (entry point `pytest11`): Quay contract fixtures for a consumer's test suite.

Fixtures:
- `quay_event`: parametrises the test over every Quay event.
- `quay_samples`: `quay_samples(event, n=20, invalid=False)` returns deterministic generated
  samples (seeded by the test's node id and `--quay-seed`).
- `quay_examples`: `quay_examples(event)` returns the contract's documented example payloads.

For Hypothesis, import strategies directly: `from toolkit.fuzz.strategies import quay_payloads`.
Importing this module is cheap and has no side effects; nothing heavy loads until a fixture runs,
and a suite that uses none of them is unaffected (Hypothesis is not needed for the fixtures).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--quay-seed`: the seed of the `quay_samples` fixture."""
    group = parser.getgroup("quay-contract", "Quay webhook contract fixtures")
    group.addoption(
        "--quay-seed",
        default="0",
        help="seed for the quay_samples fixture (default 0; output is deterministic per seed)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise tests that use `quay_event` over every event."""
    if "quay_event" in metafunc.fixturenames:
        from toolkit.contract.registry import EVENTS

        metafunc.parametrize("quay_event", EVENTS)


@pytest.fixture
def quay_samples(request: pytest.FixtureRequest) -> Callable[..., list[Any]]:
    """A factory of generated samples: `quay_samples(event, n=20, invalid=False)`."""
    from toolkit.fuzz.corpus import samples

    seed = f"{request.config.getoption('--quay-seed')}:{request.node.nodeid}"

    def make(event: str | None, n: int = 20, *, invalid: bool = False) -> list[Any]:
        return samples(event, n, seed, invalid=invalid)

    return make


@pytest.fixture
def quay_examples() -> Callable[[str], list[Any]]:
    """The contract's documented example payloads for an event."""
    from toolkit.contract.compiled import examples

    return examples
