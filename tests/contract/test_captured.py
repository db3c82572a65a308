"""Bodies other people captured and published, judged by the contract.

`tests/data/captured/<event>/<name>.json` holds one body each, with where it was published
(`source`), what it is (`origin`, `kind`), the Quay release that sent it when known
(`quay_version`) and the verdict: `valid`, `hand-edited` (the author changed it, so no Quay
sends it: `notes` says why) or `before-3.0` (quay.io before Quay 3.0, outside the contract).
A body that is not valid lists the exact findings it gets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import toolkit
from tests.conftest import DATA
from toolkit.contract.registry import EVENTS

CAPTURED = DATA / "captured"
VERDICTS = {"valid", "hand-edited", "before-3.0"}
KINDS = {"delivery", "test-notification", "documentation", "consumer-fixture"}


def cases() -> list[Any]:
    return [
        pytest.param(path, id=path.relative_to(CAPTURED).as_posix())
        for path in sorted(CAPTURED.glob("*/*.json"))
    ]


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


@pytest.mark.parametrize("path", cases())
def test_captured_body_gets_its_verdict(path: Path) -> None:
    case = load(path)
    assert case["event"] == path.parent.name and case["event"] in EVENTS
    assert case["source"].startswith("https://") and case["notes"]
    assert case["verdict"] in VERDICTS and case["kind"] in KINDS
    report = toolkit.validate(case["payload"], case["event"])
    if case["verdict"] == "valid":
        assert report.valid, report.errors
        assert report.test_notification == (case["kind"] == "test-notification")
        if case["quay_version"]:
            narrowed = toolkit.validate(
                case["payload"], case["event"], quay_version=case["quay_version"]
            )
            assert narrowed.valid, narrowed.errors
        assert "findings" not in case
        detected = toolkit.validate(case["payload"])
        assert detected.valid and case["event"] in detected.candidates
        return
    assert not report.valid
    found = {(f.path, f.rule or f.keyword) for f in report.errors}
    assert found == {(f["path"], f["rule"]) for f in case["findings"]}


def test_the_captured_set_covers_deliveries_and_forgeries() -> None:
    verdicts = [load(p)["verdict"] for p in sorted(CAPTURED.glob("*/*.json"))]
    assert len(verdicts) >= 17
    assert set(verdicts) == VERDICTS
    assert verdicts.count("valid") >= 9
