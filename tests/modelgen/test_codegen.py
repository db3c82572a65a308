"""regenerate feeds the generator portable patterns, and refuses a pattern it cannot port."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from toolkit import regenerate as regenerate_module
from toolkit.cli import main
from toolkit.contract.registry import load_file, schema_files
from toolkit.modelgen import UnportablePatternError
from toolkit.modelgen.codegen import write_portable
from toolkit.modelgen.schemas import patterns
from toolkit.regenerate import regenerate

POINTER = "schemas/_common/types.schema.json#/definitions/tag/pattern"


@pytest.fixture
def lookahead(tmp_path: Path) -> Path:
    """A checkout whose tag pattern has a lookahead (no leading `-`)."""
    for name in ("schemas", "generated", "docs/reference/events"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = tmp_path / "schemas" / "_common" / "types.schema.json"
    schema = json.loads(path.read_text())
    schema["definitions"]["tag"]["pattern"] = "^(?!-)[A-Za-z0-9_.-]{1,128}$"
    path.write_text(json.dumps(schema, indent=2))
    return tmp_path


def test_regenerate_names_the_pattern_it_cannot_port(lookahead: Path) -> None:
    with pytest.raises(UnportablePatternError) as info:
        regenerate(check=True, root=lookahead)
    assert info.value.where == POINTER
    assert str(info.value).startswith(f"{POINTER}: a lookaround at offset 1 of ")


def test_the_command_exits_3_on_a_pattern_it_cannot_port(
    lookahead: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regenerate_module, "project_root", lambda: lookahead)
    before = (lookahead / "generated" / "_common" / "types_schema.py").read_text()
    result = CliRunner().invoke(main, ["regenerate"])
    assert result.exit_code == 3, result.output
    assert f"error: {POINTER}: a lookaround" in result.output
    assert (lookahead / "generated" / "_common" / "types_schema.py").read_text() == before


def test_the_generator_reads_the_schemas_with_only_their_patterns_changed(tmp_path: Path) -> None:
    write_portable(ROOT / "schemas", tmp_path)
    originals = {
        p.relative_to(ROOT / "schemas"): load_file(p) for p in schema_files(ROOT / "schemas")
    }
    copies = {p.relative_to(tmp_path): load_file(p) for p in schema_files(tmp_path)}
    assert copies.keys() == originals.keys()
    changed = 0
    for rel, original in originals.items():
        before, after = dict(patterns(original)), dict(patterns(copies[rel]))
        assert before.keys() == after.keys()
        changed += sum(before[k] != after[k] for k in before)
        assert _without_patterns(copies[rel]) == _without_patterns(original), rel
    assert changed > 0  # \S, \s and . occur in the contract


def _without_patterns(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_patterns(v) for k, v in node.items() if k != "pattern"}
    if isinstance(node, list):
        return [_without_patterns(v) for v in node]
    return node
