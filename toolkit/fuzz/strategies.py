"""Hypothesis strategies for Quay webhook payloads, built from `schemas/`.

    from hypothesis import given
    from toolkit.strategies import quay_payloads

    @given(quay_payloads("build_success"))
    def test_handler_accepts(payload): ...

Each example comes from the schema-driven generator in `toolkit.fuzz.generate` (realistic Quay
values, checked against the contract) seeded by Hypothesis, so runs are reproducible and failures
replay from Hypothesis's database. Needs the `fuzz` extra (`pip install
'quay-webhook-contracts[fuzz]'`).
"""

from __future__ import annotations

from random import Random
from typing import Any

try:
    from hypothesis import reject
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "toolkit.fuzz.strategies needs Hypothesis: pip install 'quay-webhook-contracts[fuzz]'"
    ) from exc

from toolkit.fuzz import corpus
from toolkit.fuzz.corpus import Sample

__all__ = [
    "Sample",
    "invalid_payloads",
    "payloads",
    "quay_payloads",
    "samples",
    "test_notifications",
]

_SEEDS = st.integers(min_value=0, max_value=2**64 - 1)


def _events(event: str | None) -> Any:
    names = corpus.events_of(event)
    return st.just(names[0]) if len(names) == 1 else st.sampled_from(names)


def _valid(kind: str) -> Any:
    def build(args: tuple[str, int]) -> Sample:
        event, seed = args
        test = kind == "test"
        try:
            payload = corpus.draw(event, Random(seed), test_notification=test)
        except corpus.GenerationError:  # pragma: no cover - not seen with the bundled schemas
            reject()
        return Sample(event, payload, test_notification=test)

    return build


def _invalid(args: tuple[str, int]) -> Sample:
    event, seed = args
    try:
        payload, violation = corpus.draw_invalid(event, Random(seed))
    except corpus.GenerationError:  # pragma: no cover - not seen with the bundled schemas
        reject()
    return Sample(event, payload, violation)


def samples(event: str | None = None) -> st.SearchStrategy[Sample]:
    """Valid production payloads as `Sample(event, payload)`; `None` means any event.

    Args:
        event: One of the 13 events, or `None` for any.

    Returns:
        A Hypothesis strategy of `Sample` values.
    """
    return st.tuples(_events(event), _SEEDS).map(_valid("valid"))


def payloads(event: str | None = None) -> st.SearchStrategy[Any]:
    """Valid production payloads (JSON-compatible dicts) for `event`, or any event for `None`.

    Args:
        event: One of the 13 events, or `None` for any.

    Returns:
        A Hypothesis strategy of dicts.
    """
    return samples(event).map(lambda s: s.payload)


def invalid_payloads(event: str | None = None) -> st.SearchStrategy[Sample]:
    """Payloads breaking exactly one rule; `.violates` holds its keyword and JSONPath.

    Args:
        event: One of the 13 events, or `None` for any.

    Returns:
        A Hypothesis strategy of `Sample` values with `violates` set.
    """
    return st.tuples(_events(event), _SEEDS).map(_invalid)


def test_notifications(event: str | None = None) -> st.SearchStrategy[Any]:  # noqa: PT028
    """Bodies of Quay's "Test Notification" button for `event` (repository fields vary).

    Args:
        event: One of the 13 events, or `None` for any.

    Returns:
        A Hypothesis strategy of dicts.
    """
    return st.tuples(_events(event), _SEEDS).map(_valid("test")).map(lambda s: s.payload)


quay_payloads = payloads
"""Alias of `payloads`, the name the pytest plugin's documentation uses."""

test_notifications.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported
