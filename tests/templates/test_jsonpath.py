"""The JSONPath engine is Quay's: jsonpath-rw 1.4.0 on ply 3.11, pinned, and parsed identically."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import jsonpath_rw
import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT
from tests.templates import oracle
from toolkit.templates import jsonpath


def _expressions() -> list[str]:
    """Every expression in the systematic oracle's templates, plus the odd ones."""
    found = {"", " ", "a..b", "..b", "$..b", "a[?(@.x)]", "a &", "`parent`", "a[-1]", "'a\\nb'"}
    for case in oracle.cases("oracle.json"):
        text = case.get("template_text")
        if isinstance(text, str) and len(text) < 5000:
            try:
                found.update(re.findall(r"\$\{([^}]*)\}", json.dumps(json.loads(text))))
            except (ValueError, RecursionError):
                continue
    return sorted(found)


def _shape(tree: Any) -> Any:
    """A comparable picture of a jsonpath-rw tree (not every node class defines __eq__)."""
    if isinstance(tree, jsonpath_rw.JSONPath):
        return (type(tree).__name__, {k: _shape(v) for k, v in sorted(vars(tree).items())})
    if isinstance(tree, tuple | list):
        return [_shape(item) for item in tree]
    return tree


@pytest.mark.parametrize("expression", _expressions())
def test_shared_parser_gives_jsonpath_rws_own_tree_or_error(expression: str) -> None:
    try:
        want: Any = _shape(jsonpath_rw.parse(expression))
    except Exception as exc:  # whatever jsonpath-rw raises is the expectation
        want = ("error", str(exc))
    try:
        got: Any = _shape(jsonpath.parse(expression))
    except jsonpath.ExpressionError as exc:
        got = ("error", str(exc))
    assert got == want


def test_the_extra_pins_the_releases_quay_renders_with() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extra = [Requirement(r) for r in pyproject["project"]["optional-dependencies"]["templates"]]
    pins = {r.name: r.specifier for r in extra}
    assert set(pins) == {"jsonpath-rw", "ply"}
    assert "1.4.0" in pins["jsonpath-rw"] and "1.3.0" not in pins["jsonpath-rw"]
    assert "1.5.0" not in pins["jsonpath-rw"]
    assert "3.11" in pins["ply"] and "3.10" not in pins["ply"] and "3.12" not in pins["ply"]
    for name, spec in pins.items():  # what is installed honours the pin
        assert ".".join(map(str, jsonpath.installed(name))) in spec


def test_check_engine_accepts_the_installed_pair_and_names_a_wrong_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jsonpath.check_engine()  # the installed pair must be Quay's
    real = jsonpath.installed
    monkeypatch.setattr(
        jsonpath, "installed", lambda name: (1, 3, 0) if name == "jsonpath-rw" else real(name)
    )
    with pytest.raises(jsonpath.EngineVersionError, match=r"jsonpath-rw==1\.4\.\*"):
        jsonpath.check_engine()


def test_a_missing_engine_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "jsonpath_rw", None)  # import fails
    with pytest.raises(jsonpath.MissingEngineError, match=r"\[templates\]"):
        jsonpath.check_engine()
