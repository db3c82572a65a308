"""The compiled explanation ranks errors like python-jsonschema's best_match."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import invalid_cases
from toolkit.validation.explain import json_path
from toolkit.validation.validator import explain, explain_rich


@pytest.mark.parametrize(("event", "case"), invalid_cases())
def test_headline_agrees_with_python_jsonschema(event: str, case: dict[str, Any]) -> None:
    fast = explain(case["payload"], event)
    rich = explain_rich(case["payload"], event)
    if case["keyword"] == "x-invariants":  # the schema accepts it: neither engine explains it
        assert fast == rich == ()
        return
    assert (fast[0].path, fast[0].keyword) == (rich[0].path, rich[0].keyword)
    assert {(f.path, f.keyword) for f in fast} == {(f.path, f.keyword) for f in rich}
    assert all(f.message for f in fast)


def test_json_path_quotes_keys_that_are_not_identifiers() -> None:
    assert json_path(["a", 0, "b-c", "it's"]) == "$.a[0]['b-c']['it\\'s']"
