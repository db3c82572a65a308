"""Payloads to render a template over: the events' examples, test notifications and fuzz."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from toolkit import contract

DEFAULT_SAMPLES = 20
"""Generated payloads per event when none are named."""


@dataclass(frozen=True)
class Item:
    """One payload and what it is."""

    label: str
    """`build_success example 0`, `repo_push test notification 0`, `quota_error fuzz 3`, or
    the file and place a given payload came from."""
    event: str | None
    payload: Any


def items(events: Iterable[str], samples: int = DEFAULT_SAMPLES, seed: int = 0) -> Iterator[Item]:
    """Examples, test-notification bodies, then `samples` generated payloads, per event."""
    for event in events:
        for i, payload in enumerate(contract.examples(event)):
            yield Item(f"{event} example {i}", event, payload)
        for i, payload in enumerate(contract.test_notification_examples(event)):
            yield Item(f"{event} test notification {i}", event, payload)
        for i, payload in enumerate(_generated(event, samples, seed)):
            yield Item(f"{event} fuzz {i} (seed {seed})", event, payload)


@lru_cache(maxsize=64)
def _generated(event: str, samples: int, seed: int) -> tuple[Any, ...]:
    """`samples` payloads generated for `event` from `seed`: the same ones every time, so drawn
    once a process (a notification list names the same events again and again; rendering only
    reads them)."""
    from toolkit import fuzz

    return tuple(sample.payload for sample in fuzz.iter_samples(event, samples, seed))
