"""Shared fixtures: tests are parametrised over the contract's events and data folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toolkit import contract
from toolkit.contract.registry import EVENTS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def example_cases() -> list[Any]:
    """(event, index, payload) for every documented example."""
    return [
        pytest.param(e, i, p, id=f"{e}[{i}]")
        for e in EVENTS
        for i, p in enumerate(contract.examples(e))
    ]


def notification_cases() -> list[Any]:
    """(event, payload) for every test-notification sample."""
    return [
        pytest.param(e, p, id=f"{e}[{i}]")
        for e in EVENTS
        for i, p in enumerate(contract.test_notification_examples(e))
    ]


def invalid_cases() -> list[Any]:
    """(event, case) for every file under tests/data/invalid/<event>/."""
    return [
        pytest.param(
            path.parent.name, json.loads(path.read_text()), id=f"{path.parent.name}/{path.stem}"
        )
        for path in sorted((DATA / "invalid").glob("*/*.json"))
    ]


def valid_cases() -> list[Any]:
    """(event, case) for every file under tests/data/valid/<event>/: production shapes from the
    research tables beyond the schema examples."""
    return [
        pytest.param(
            path.parent.name, json.loads(path.read_text()), id=f"{path.parent.name}/{path.stem}"
        )
        for path in sorted((DATA / "valid").glob("*/*.json"))
    ]
