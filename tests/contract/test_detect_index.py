"""The detection index written by regenerate is what the schemas give, and is never used stale."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import ROOT
from toolkit import contract
from toolkit.contract import detect
from toolkit.contract.detect_index import (
    FILE,
    computed,
    fingerprint,
    index,
    produce,
    stored,
    top_level,
)
from toolkit.contract.registry import EVENTS, load_all


def test_the_committed_index_is_the_one_detection_reads() -> None:
    """The regenerated file matches the schemas, so detection does not resolve them at start-up."""
    on_disk = stored(ROOT / FILE, load_all())
    assert on_disk is not None
    assert index() == on_disk == computed()
    assert produce(ROOT) == {FILE: (ROOT / FILE).read_text()}


def test_the_index_equals_what_the_schemas_give() -> None:
    """Shape groups, their key sets, legacy owners and test markers, derived afresh here."""
    data = index()
    assert [tuple(g["events"]) for g in data["groups"]] == list(contract.shape_groups())
    for group in data["groups"]:
        first = contract.resolved(group["events"][0])
        assert set(group["required"]) == top_level(first, "required")
        assert set(group["declared"]) == top_level(first, "properties")
        for event in group["events"]:
            props = contract.resolved(event)["properties"]
            legacy = {k for k, v in props.items() if v.get("x-legacy")}
            assert legacy == {k for k, owners in group["legacy"].items() if event in owners}
    for event in EVENTS:
        node = contract.test_notification_schema(event)
        expected = [
            [k, v["const"]]
            for k, v in node["properties"].items()
            if k in node["required"] and "const" in v
        ]
        assert data["test_markers"][event] == expected, event


def test_detection_uses_the_index() -> None:
    groups = detect._groups()
    assert {g.events for g in groups} == {tuple(g["events"]) for g in index()["groups"]}
    sizes = [len(g.required) for g in groups]
    assert sizes == sorted(sizes, reverse=True)  # the most specific shape is tried first
    assert dict(detect._test_markers()) == {
        e: tuple(map(tuple, m)) for e, m in index()["test_markers"].items()
    }


def _edited(schemas: dict[str, Any], event: str, edit: Any) -> dict[str, Any]:
    out = copy.deepcopy(schemas)
    uri = contract.schema_id(event)
    edit(out[uri])
    return out


def test_the_fingerprint_ignores_annotations_only() -> None:
    schemas = load_all()
    before = fingerprint(schemas)

    def describe(schema: dict[str, Any]) -> None:
        schema["description"] = "Edited."
        schema["examples"] = []
        schema["properties"]["updated_tags"]["description"] = "Edited too."

    def require(schema: dict[str, Any]) -> None:
        schema["required"] = [*schema["required"], "extra"]

    def mark_legacy(schema: dict[str, Any]) -> None:
        schema["properties"]["updated_tags"]["x-legacy"] = True

    def add_property_named_description(schema: dict[str, Any]) -> None:
        schema["properties"]["description"] = {"type": "string"}

    assert fingerprint(_edited(schemas, "repo_push", describe)) == before
    for edit in (require, mark_legacy, add_property_named_description):
        assert fingerprint(_edited(schemas, "repo_push", edit)) != before, edit.__name__


@pytest.mark.parametrize("content", [None, b"", b"[]", b"{not json"])
def test_a_missing_or_broken_index_is_not_used(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "detect_index.json"
    if content is not None:
        path.write_bytes(content)
    assert stored(path, load_all()) is None


def test_an_index_built_from_other_schemas_is_not_used(tmp_path: Path) -> None:
    """A schema edited without regenerating: the file no longer matches, and is ignored."""
    path = tmp_path / "detect_index.json"
    path.write_bytes((ROOT / FILE).read_bytes())
    schemas = load_all()
    assert stored(path, schemas) is not None

    def require(schema: dict[str, Any]) -> None:
        schema["required"] = [*schema["required"], "extra"]

    assert stored(path, _edited(schemas, "repo_push", require)) is None
    data = orjson.loads(path.read_bytes())
    data["fingerprint"] = "crc32:00000000"
    path.write_bytes(orjson.dumps(data))
    assert stored(path, schemas) is None


def test_the_fingerprint_is_read_from_the_index_only_when_the_files_are_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from toolkit.contract import detect_index

    semantic = detect_index.fingerprint(load_all())
    detect_index.current.cache_clear()
    assert detect_index.current() == semantic  # read from the index: the bytes match
    monkeypatch.setattr(detect_index, "raw_digest", lambda: "crc32:edited")
    monkeypatch.setattr(detect_index, "fingerprint", lambda schemas: "computed")
    detect_index.current.cache_clear()
    try:
        assert detect_index.current() == "computed"  # other bytes: worked out from the schemas
    finally:
        detect_index.current.cache_clear()
