"""The templates guide documents every rule, with its severity, and its examples are checked."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from toolkit.cli import main
from toolkit.templates.rules import RULES

GUIDE = (ROOT / "docs" / "guides" / "templates.md").read_text(encoding="utf-8")


def test_the_guide_lists_every_rule_with_its_severity() -> None:
    rows = dict(re.findall(r"^\| `([a-z0-9.-]+)` \| (error|warning|info) \|", GUIDE, re.M))
    assert rows == {rule.id: rule.severity for rule in RULES.values()}


def test_every_example_the_guide_includes_exists() -> None:
    included = re.findall(r'--8<-- "(examples/templates/[^"]+)"', GUIDE)
    assert included and all((ROOT / path).is_file() for path in included)
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "examples/templates").glob("*")}
    assert shipped == set(included)


def test_the_guides_sample_output_is_what_the_command_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    block = re.search(r"```text\n\$ quay-contract (template check [^\n]+)\n(.*?)```", GUIDE, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    env = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}
    result = CliRunner().invoke(main, block.group(1).split(), env=env)
    assert result.output == block.group(2)
