"""Every schema is well-formed draft-07 and carries what readers and tools need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.conftest import ROOT
from toolkit import contract
from toolkit.contract.registry import EVENTS, load_file, schema_files
from toolkit.contract.releases import Releases
from toolkit.contract.versions import annotation

SCHEMA_FILES = list(schema_files(ROOT / "schemas"))
X_KEYWORDS = {
    "x-event",
    "x-producer",
    "x-quay-versions",
    "x-docs-errata",
    "x-legacy",
    "x-examples",
    "x-invariants",
    "x-invariants-exempt",
    "x-quay-source",  # the pinned Quay release that code citations link to
    "x-quay-docs",  # Red Hat's chapter that errata cite
}


def _nodes(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        out.append((path, node))
        for k, v in node.items():
            out += _nodes(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _nodes(v, f"{path}/{i}")
    return out


def test_one_file_per_event() -> None:
    names = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert names == {f"{e}.schema.json" for e in EVENTS}


@pytest.mark.parametrize(
    "path", SCHEMA_FILES, ids=lambda p: p.relative_to(ROOT / "schemas").as_posix()
)
def test_schema_is_valid_draft7_with_id_and_title(path: Path) -> None:
    schema = load_file(path)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    assert schema["$id"].endswith("/" + path.relative_to(ROOT / "schemas").as_posix())
    assert schema["title"][0].isupper() and schema["title"].isalnum()
    assert schema["description"]


@pytest.mark.parametrize(
    "path", SCHEMA_FILES, ids=lambda p: p.relative_to(ROOT / "schemas").as_posix()
)
def test_every_property_is_described(path: Path) -> None:
    """Declared properties need a description; `if`/`then`/`else` only restate them."""
    missing = [
        f"{where}/properties/{name}"
        for where, node in _nodes(load_file(path))
        for name, sub in node.get("properties", {}).items()
        if isinstance(node.get("properties"), dict)
        and not sub.get("description")
        and not any(f"/{k}/" in f"{where}/" for k in ("if", "then", "else"))
    ]
    assert missing == []


@pytest.mark.parametrize(
    "path", SCHEMA_FILES, ids=lambda p: p.relative_to(ROOT / "schemas").as_posix()
)
def test_ref_siblings_are_annotations_only(path: Path) -> None:
    """In draft-07 keywords beside `$ref` are ignored; allow only annotations there."""
    bad = [
        (where, key)
        for where, node in _nodes(load_file(path))
        if "$ref" in node
        for key in node
        if key != "$ref" and key not in contract.ANNOTATIONS and not key.startswith("x-")
    ]
    assert bad == []


@pytest.mark.parametrize(
    "path", SCHEMA_FILES, ids=lambda p: p.relative_to(ROOT / "schemas").as_posix()
)
def test_extension_keywords_are_the_known_set(path: Path) -> None:
    used = {k for _, node in _nodes(load_file(path)) for k in node if k.startswith("x-")}
    assert used <= X_KEYWORDS


@pytest.mark.parametrize("event", EVENTS)
def test_examples_have_provenance(event: str) -> None:
    schema = contract.raw(event)
    assert len(schema["examples"]) >= 1
    assert len(schema["x-examples"]) == len(schema["examples"])
    for note in schema["x-examples"]:
        assert note["summary"] and note["source"]
        assert isinstance(note["corrections"], list)
    assert any(n["source"].startswith("production") for n in schema["x-examples"])


@pytest.mark.parametrize("event", EVENTS)
def test_top_level_allows_extra_properties(event: str) -> None:
    assert "additionalProperties" not in contract.raw(event)


@pytest.mark.parametrize("event", EVENTS)
def test_test_notification_variant_is_defined(event: str) -> None:
    variant = contract.raw(event)["definitions"]["test_notification"]
    assert variant["title"].endswith("TestNotification")
    assert variant["examples"]


def test_legacy_fields_are_annotated_with_versions() -> None:
    legacy = {
        (event, name): prop
        for event in EVENTS
        for name, prop in contract.raw(event)["properties"].items()
        if prop.get("x-legacy")
    }
    assert set(legacy) == {
        ("repo_push", "visibility"),
        ("build_success", "image_id"),
        ("build_success", "manifest_digests"),
        ("build_failure", "error_message"),
        ("vulnerability_found", "vulnerabilities"),
    }
    since_3_4 = ~Releases.from_ranges([["3.0.0", "3.3.4"]])
    for prop in legacy.values():
        versions = annotation(prop)
        assert versions is not None and versions.note
        assert not versions.sent & since_3_4, "a legacy field is one no release since 3.4 sends"


def test_documentation_errata_are_recorded() -> None:
    """Research §7 lists where Quay's docs are wrong; the schemas carry those notes."""
    errata = [
        erratum["note"]
        for path in SCHEMA_FILES
        for _, node in _nodes(load_file(path))
        for erratum in node.get("x-docs-errata", [])
    ]
    assert len(errata) >= 24
    for needle in (
        "dgangaia/test",
        "//Optional",
        "committer",
        "RFC 1123",
        "manifest digest",
        "raw severity",
        "`null`",
        "no scheme",
        "error_message",
        "image_id",
    ):
        assert any(needle in t for t in errata), needle


def test_shape_groups_match_quay() -> None:
    assert set(contract.shape_groups()) == {
        ("repo_push",),
        ("build_queued",),
        ("build_start", "build_success", "build_failure", "build_cancelled"),
        ("vulnerability_found",),
        ("repo_mirror_sync_started", "repo_mirror_sync_success", "repo_mirror_sync_failed"),
        ("repo_image_expiry",),
        ("quota_warning", "quota_error"),
    }


def test_structure_keeps_properties_named_like_annotations() -> None:
    core = contract.structure(contract.resolved("vulnerability_found"))
    vulnerability = core["properties"]["vulnerability"]["properties"]
    assert set(vulnerability) == {"id", "description", "link", "priority", "has_fix"}
    assert "description" not in core["properties"]["vulnerability"]
