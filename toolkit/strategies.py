"""Hypothesis strategies for Quay webhook payloads (this import path is kept for compatibility;
the strategies live in `toolkit.fuzz.strategies`)."""

from toolkit.fuzz.strategies import (
    Sample,
    invalid_payloads,
    payloads,
    quay_payloads,
    samples,
    test_notifications,
)

__all__ = [
    "Sample",
    "invalid_payloads",
    "payloads",
    "quay_payloads",
    "samples",
    "test_notifications",
]
