"""`x-quay-versions` annotations read as predicates, over every annotation the schemas use."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from toolkit.templates.versions import sends


@pytest.mark.parametrize(
    ("spec", "sent_by", "not_sent_by"),
    [
        (">=3.13.0", [(3, 13), (3, 13, 2), (3, 18)], [(3, 12, 9), (3, 4)]),
        ("<3.4", [(3, 3), (3, 3, 4), (3, 0)], [(3, 4), (3, 18)]),
        ("<3.4 || >=3.7.2", [(3, 3), (3, 7, 2), (3, 18)], [(3, 4), (3, 6, 2), (3, 7, 1)]),
        ("<3.4 || >=3.18.0", [(3, 3), (3, 18)], [(3, 9), (3, 17, 1)]),
        ({"sent": ">=3.8.2", "always": True}, [(3, 8, 2), (3, 9)], [(3, 8, 1), (3, 7)]),
    ],
)
def test_annotation_ranges(
    spec: object, sent_by: list[tuple[int, ...]], not_sent_by: list[tuple[int, ...]]
) -> None:
    assert all(sends(spec, v) is True for v in sent_by)
    assert all(sends(spec, v) is False for v in not_sent_by)


def test_a_version_whose_patch_releases_disagree_gets_no_verdict() -> None:
    assert sends(">=3.8.2", (3, 8)) is None  # 3.8.0 and 3.8.1 do not send it, 3.8.2 does
    assert sends(">=3.8.2", (3, 99)) is None  # no known release


def test_every_annotation_in_the_schemas_is_read_or_said_to_be_unreadable() -> None:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "x-quay-versions" in node:
                found.append(node["x-quay-versions"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in (ROOT / "schemas").rglob("*.schema.json"):
        walk(json.loads(path.read_text()))
    assert found
    for spec in found:
        assert sends(spec, (3, 10)) in (True, False), spec
    assert sends({"since": "3.9"}, (3, 10)) is None  # a form this reader does not know
    assert sends("from 3.9 on", (3, 10)) is None
