"""regenerate is deterministic and --check catches a touched schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from toolkit.regenerate import regenerate


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the parts of the repository that regenerate reads and writes."""
    for name in ("schemas", "generated", "docs/reference"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_committed_files_are_fresh(checkout: Path) -> None:
    drift = regenerate(check=True, root=checkout)
    assert not drift.stale, drift.diff


def test_check_catches_a_touched_schema_and_writes_nothing(checkout: Path) -> None:
    path = checkout / "schemas" / "repo_push.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"]["updated_tags"]["description"] = "Touched."
    path.write_text(json.dumps(schema, indent=2))
    before = (checkout / "generated" / "repo_push_schema.py").read_text()

    drift = regenerate(check=True, root=checkout)

    assert drift.changed == (
        "docs/reference/events/repo_push.md",
        "generated/asyncapi.json",
        "generated/detect_index.json",  # the checksum of the schema files' bytes
        "generated/openapi.json",
        "generated/prover_seeds.json",  # the same checksum: stale seeds are never used
        "generated/repo_push_schema.py",
    )
    assert "+    Touched." in drift.diff
    assert "+Touched.\n" in drift.diff  # the field's description on the event page
    assert (checkout / "generated" / "repo_push_schema.py").read_text() == before


def test_regenerate_is_idempotent_and_removes_stale_files(checkout: Path) -> None:
    (checkout / "generated" / "leftover.py").write_text("x = 1\n")
    (checkout / "generated" / "repo_push_schema.py").write_text("# edited by hand\n")

    first = regenerate(check=False, root=checkout)
    assert first.changed == ("generated/repo_push_schema.py",)
    assert first.removed == ("generated/leftover.py",)
    snapshot = {p: p.read_bytes() for p in (checkout / "generated").rglob("*.py")}

    second = regenerate(check=False, root=checkout)
    assert not second.stale
    assert {p: p.read_bytes() for p in (checkout / "generated").rglob("*.py")} == snapshot


def test_generated_files_say_do_not_edit() -> None:
    for path in (ROOT / "generated").rglob("*.py"):
        assert path.read_text().startswith("# DO NOT EDIT — run quay-contract regenerate"), path
