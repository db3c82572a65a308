"""Components.of: every file and definition becomes a named component; `$ref`s point at them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from tests.exports.conftest import document
from toolkit.contract.registry import load_all
from toolkit.exports import Components, ExportError
from toolkit.exports.dialect import subschemas

BASE = "https://example.org/schemas/"


def schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema object in `node`, found through subschema positions only."""
    if isinstance(node, dict):
        yield node
        for _, sub in subschemas(node):
            yield from schema_nodes(sub)


def annotations(nodes: Iterator[dict[str, Any]]) -> Counter[bytes]:
    """Every `x-` keyword with its value, as a multiset."""
    return Counter(
        orjson.dumps([k, v], option=orjson.OPT_SORT_KEYS)
        for node in nodes
        for k, v in node.items()
        if k.startswith("x-")
    )


@pytest.mark.parametrize("name", ["openapi", "asyncapi"])
def test_exported_components_are_flat_and_every_ref_resolves(name: str) -> None:
    schemas = document(name)["components"]["schemas"]
    for key, schema in schemas.items():
        for node in schema_nodes(schema):
            assert "definitions" not in node and "$defs" not in node, key
            assert "$id" not in node and "$schema" not in node, key
            if "$ref" in node:
                ref = node["$ref"]
                assert ref.startswith("#/components/schemas/"), (key, ref)
                assert ref.removeprefix("#/components/schemas/") in schemas, (key, ref)


@pytest.mark.parametrize("name", ["openapi", "asyncapi"])
def test_every_x_annotation_of_the_schemas_is_kept(name: str) -> None:
    source = annotations(n for s in load_all().values() for n in schema_nodes(s))
    exported = annotations(
        n for s in document(name)["components"]["schemas"].values() for n in schema_nodes(s)
    )
    assert exported == source
    assert sum(source.values()) > 50


def test_files_take_their_title_and_definitions_their_own_or_a_derived_name() -> None:
    """`types` holds only definitions: it has no component (none refers to it)."""
    documents = {
        BASE + "event.schema.json": {
            "$id": BASE + "event.schema.json",
            "title": "Event",
            "properties": {"id": {"$ref": "types.schema.json#/definitions/id"}},
            "definitions": {"test": {"title": "EventTest", "definitions": {"inner": {}}}},
        },
        BASE + "types.schema.json": {
            "$id": BASE + "types.schema.json",
            "definitions": {"id": {"type": "string"}},
        },
    }
    components = Components.of(documents)
    assert list(components.schemas()) == [
        "Event",
        "EventTest",
        "EventTest_inner",
        "types_id",
    ]
    assert components.schemas()["Event"] == {
        "title": "Event",
        "properties": {"id": {"$ref": "#/components/schemas/types_id"}},
    }
    assert components.name(BASE + "event.schema.json", "/definitions/test") == "EventTest"


def test_a_ref_to_a_non_definition_gets_a_copy_of_its_target() -> None:
    documents = {
        BASE + "a.schema.json": {
            "$id": BASE + "a.schema.json",
            "title": "A",
            "allOf": [{"properties": {"n": {"minimum": 1}}}],
            "properties": {"m": {"$ref": "#/allOf/0/properties/n", "x-note": "kept"}},
        }
    }
    schemas = Components.of(documents).schemas()
    assert schemas["A"]["properties"]["m"] == {
        "$ref": "#/components/schemas/A_allOf_0_properties_n",
        "x-note": "kept",
    }
    assert schemas["A_allOf_0_properties_n"] == {"minimum": 1}


def test_a_name_clash_and_a_dangling_ref_are_errors() -> None:
    clash = {
        BASE + "a.json": {"$id": BASE + "a.json", "title": "Same"},
        BASE + "b.json": {"$id": BASE + "b.json", "title": "Same"},
    }
    with pytest.raises(ExportError, match="both become component 'Same'"):
        Components.of(clash)
    dangling = {BASE + "a.json": {"$id": BASE + "a.json", "$ref": "missing.json"}}
    with pytest.raises(ExportError, match="not one of the exported schemas"):
        Components.of(dangling).schemas()
    nowhere = {BASE + "a.json": {"$id": BASE + "a.json", "$ref": "#/properties/none"}}
    with pytest.raises(ExportError, match="points to nothing"):
        Components.of(nowhere).schemas()
