"""Check the contract's own examples and test-notification samples against it."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.validation.report import Report
from toolkit.validation.validator import validate


@dataclass(frozen=True)
class ExampleRow:
    """What the contract says about one event's bundled samples."""

    event: str
    examples: int
    valid: int
    test_samples: int
    test_recognised: int
    shares_shape_with: tuple[str, ...]
    failures: tuple[tuple[str, Report], ...]
    """(label, report) for each sample that was not accepted as expected."""


def check_examples() -> list[ExampleRow]:
    """Validate every example (must be valid) and test sample (must be recognised)."""
    rows = []
    for event in EVENTS:
        failures: list[tuple[str, Report]] = []
        valid = recognised = 0
        examples = contract.examples(event)
        for i, payload in enumerate(examples):
            report = validate(payload, event)
            if report.valid and not report.test_notification:
                valid += 1
            else:
                failures.append((f"examples[{i}]", report))
        samples = contract.test_notification_examples(event)
        for i, payload in enumerate(samples):
            report = validate(payload, event)
            if report.test_notification:
                recognised += 1
            else:
                failures.append((f"test_notification[{i}]", report))
        rows.append(
            ExampleRow(
                event,
                len(examples),
                valid,
                len(samples),
                recognised,
                contract.shares_shape_with(event),
                tuple(failures),
            )
        )
    return rows
