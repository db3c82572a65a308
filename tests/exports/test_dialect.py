"""to_2020_12 on small schemas: each draft-07 keyword that 2020-12 changed, by verdict and shape.

Every case gives a draft-07 schema and instances; python-jsonschema (a faithful implementation of
both drafts) must reach the same verdict on each instance from the original under draft-07 and
from the conversion under 2020-12, and the case's instances must include a failing and a passing
one, so a conversion that dropped a rule would show.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from toolkit.exports.dialect import DRAFT_07, DRAFT_2020_12, to_2020_12, translate_pointer

CASES: dict[str, tuple[dict[str, Any], list[Any]]] = {
    "dependencies as arrays": (
        {"dependencies": {"a": ["b", "c"]}},
        [{"a": 1}, {"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 3}, {"b": 1}, {}],
    ),
    "dependencies as schemas": (
        {"dependencies": {"a": {"required": ["b"]}, "c": False}},
        [{"a": 1}, {"a": 1, "b": 2}, {"c": 1}, {"b": 1}],
    ),
    "dependencies mixed, in a nested property": (
        {
            "properties": {
                "x": {"dependencies": {"a": ["b"], "b": {"properties": {"a": {"type": "string"}}}}}
            }
        },
        [{"x": {"a": 1}}, {"x": {"a": 1, "b": 1}}, {"x": {"a": "s", "b": 1}}, {"x": {}}],
    ),
    "definitions behind a local $ref": (
        {
            "definitions": {"n": {"type": "integer"}},
            "properties": {"x": {"$ref": "#/definitions/n"}},
        },
        [{"x": 1}, {"x": "1"}, {}],
    ),
    "a $ref into a dependency schema": (
        {
            "dependencies": {"a": {"properties": {"b": {"minimum": 3}}}},
            "properties": {"c": {"$ref": "#/dependencies/a/properties/b"}},
        },
        [{"c": 1}, {"c": 4}, {"a": 0, "b": 1}, {"a": 0, "b": 5}],
    ),
    "array items with additionalItems": (
        {"items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False},
        [["a", 1], ["a", 1, 2], [1, "a"], ["a"], []],
    ),
    "array items with a schema for additionalItems": (
        {"items": [{"type": "string"}], "additionalItems": {"type": "boolean"}},
        [["a", True, False], ["a", 1], [2]],
    ),
    "array items without additionalItems": (
        {"items": [{"type": "string"}]},
        [["a", 1, None], [1]],
    ),
    "additionalItems beside a schema items (ignored by draft-07)": (
        {"items": {"type": "integer"}, "additionalItems": False},
        [[1, 2, 3], ["a"]],
    ),
    "a $ref into the array form of items": (
        {"items": [{"maxLength": 2}], "properties": {"p": {"$ref": "#/items/0"}}},
        [{"p": "ab"}, {"p": "abc"}, ["abc"], ["ab"]],
    ),
    "assertions beside $ref are ignored by draft-07": (
        {
            "definitions": {"s": {"type": "string"}},
            "properties": {"x": {"$ref": "#/definitions/s", "maxLength": 1, "description": "d"}},
        },
        [{"x": "long"}, {"x": 1}],
    ),
    "a plain-name $id": (
        {
            "definitions": {"n": {"$id": "#num", "type": "number"}},
            "properties": {"x": {"$ref": "#num"}},
        },
        [{"x": 1}, {"x": "1"}],
    ),
    "boolean subschemas and combinators": (
        {
            "anyOf": [{"required": ["a"]}, {"not": {"required": ["b"]}}],
            "if": {"required": ["c"]},
            "then": {"dependencies": {"c": ["d"]}},
            "else": True,
        },
        [{"a": 1, "b": 1}, {"b": 1}, {"c": 1}, {"c": 1, "d": 1}, {}],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_conversion_keeps_every_verdict(name: str) -> None:
    schema, instances = CASES[name]
    converted = to_2020_12({"$schema": DRAFT_07, **schema})
    assert converted["$schema"] == DRAFT_2020_12
    before = [Draft7Validator(schema).is_valid(i) for i in instances]
    after = [Draft202012Validator(converted).is_valid(i) for i in instances]
    assert after == before
    assert True in before and False in before, "each case needs a passing and a failing instance"


def test_unconverted_draft_07_keywords_would_change_verdicts() -> None:
    """The reason for the conversion: 2020-12 ignores these keywords, so rules stop applying."""
    changed = []
    for name, (schema, instances) in CASES.items():
        if "items" in name or "$id" in name:
            continue  # 2020-12 cannot even load these: an array of `items`, an `$id` anchor
        before = [Draft7Validator(schema).is_valid(i) for i in instances]
        after = [Draft202012Validator(schema).is_valid(i) for i in instances]
        if before != after:
            changed.append(name)
    assert changed == [
        "dependencies as arrays",
        "dependencies as schemas",
        "dependencies mixed, in a nested property",
        "a $ref into a dependency schema",
        "assertions beside $ref are ignored by draft-07",
        "boolean subschemas and combinators",
    ]


def test_keywords_are_renamed() -> None:
    schema = {
        "definitions": {"d": {"items": [True], "additionalItems": {"type": "null"}}},
        "dependencies": {"a": ["b"], "c": {"required": ["e"]}},
        "$id": "https://example.org/s.json#top",
    }
    assert to_2020_12(schema) == {
        "$defs": {"d": {"prefixItems": [True], "items": {"type": "null"}}},
        "dependentRequired": {"a": ["b"]},
        "dependentSchemas": {"c": {"required": ["e"]}},
        "$id": "https://example.org/s.json",
        "$anchor": "top",
    }


def test_annotations_and_unknown_keywords_pass_through_untouched() -> None:
    """Values that are not subschemas keep draft-07-looking keys: they are data, not schemas."""
    annotations = {
        "x-quay-versions": {"added": "3.9", "dependencies": ["a"]},
        "x-invariants": [{"definitions": {"items": [1]}}],
        "examples": [{"dependencies": {"a": ["b"]}, "items": [1, 2]}],
        "const": {"definitions": 1},
        "enum": [{"additionalItems": False}],
        "default": {"items": []},
        "vendorKeyword": {"dependencies": {}},
    }
    schema = {**annotations, "properties": {"p": dict(annotations)}}
    assert to_2020_12(schema) == schema


def test_annotations_beside_ref_stay_and_the_ref_fragment_is_translated() -> None:
    node = {
        "$ref": "#/definitions/a",
        "description": "kept",
        "title": "kept",
        "x-docs-errata": ["kept"],
        "type": "string",
        "$id": "dropped.json",
    }
    out = to_2020_12({"definitions": {"a": {}}, "properties": {"p": node}})
    assert out["properties"]["p"] == {
        "$ref": "#/$defs/a",
        "description": "kept",
        "title": "kept",
        "x-docs-errata": ["kept"],
    }


@pytest.mark.parametrize(
    ("pointer", "document", "expected"),
    [
        ("/definitions/a/properties/b", None, "/$defs/a/properties/b"),
        ("/dependencies/a", None, "/dependentSchemas/a"),
        ("/dependencies/a", {"dependencies": {"a": ["b"]}}, "/dependentRequired/a"),
        ("/items/0", None, "/prefixItems/0"),
        ("/items/0", {"items": {"type": "array"}}, "/items/0"),
        ("/items", {"items": [True]}, "/items"),
        ("/additionalItems", None, "/items"),
        ("/properties/definitions", None, "/properties/$defs"),
    ],
)
def test_pointers_follow_the_renamed_keywords(
    pointer: str, document: dict[str, Any] | None, expected: str
) -> None:
    tokens = pointer.strip("/").split("/")
    assert "/" + "/".join(translate_pointer(tokens, document)) == expected


def test_refs_to_other_documents_are_translated_by_name_and_keep_their_base() -> None:
    out = to_2020_12({"$ref": "types.schema.json#/definitions/uuid"})
    assert out == {"$ref": "types.schema.json#/$defs/uuid"}
    assert to_2020_12({"$ref": "other.schema.json"}) == {"$ref": "other.schema.json"}
