"""Field tables flatten a schema the way a docs reader needs it, and the Markdown stays intact."""

from __future__ import annotations

import markdown

from toolkit.docsite import markdown as md
from toolkit.docsite.fieldtables import tables

SCHEMA = {
    "title": "Sample",
    "description": "A sample payload.",
    "allOf": [
        {
            "required": ["repository"],
            "properties": {
                "repository": {"type": "string", "description": "Base."},
                "homepage": {"type": "string", "format": "uri", "pattern": "^https?://\\S+$"},
            },
        }
    ],
    "required": ["kind", "meta", "checks"],
    "properties": {
        "homepage": {"pattern": "^https://x/\\S+$", "description": "Refined."},
        "kind": {"anyOf": [{"enum": ["a", "b"], "type": "string"}, {"type": "null"}]},
        "meta": {
            "type": "object",
            "anyOf": [
                {"title": "Meta", "required": ["sha"], "properties": {"sha": {"type": "string"}}},
                {"type": "object", "maxProperties": 0},
            ],
        },
        "checks": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        },
        "old": {
            "type": "string",
            "x-legacy": True,
            "x-quay-versions": {"sent": "<3.4", "always": True, "note": "Gone in 3.4."},
        },
        "fixed": {"const": ["x", "y"]},
    },
}


def test_base_and_refinement_make_one_row_with_the_refined_facts() -> None:
    top = tables(SCHEMA)[0]
    names = [f.name for f in top.fields]
    assert names == ["repository", "homepage", "kind", "meta", "checks", "old", "fixed"]
    homepage = top.fields[1]
    assert homepage.description == "Refined."
    assert homepage.patterns == ("^https://x/\\S+$",)
    assert ("format", "uri") in homepage.constraints
    assert not homepage.required and top.fields[0].required


def test_nullable_alternatives_enums_arrays_and_consts() -> None:
    fields = {f.name: f for f in tables(SCHEMA)[0].fields}
    assert fields["kind"].types == ("string",) and fields["kind"].nullable
    assert ("enum", ["a", "b"]) in fields["kind"].constraints
    assert fields["checks"].types == ("array of object",)
    assert ("minItems", 1) in fields["checks"].constraints
    assert fields["fixed"].types == ("array of string",)
    assert fields["old"].legacy
    assert fields["old"].versions == "3.3.4 and earlier, always. Gone in 3.4."


def test_nested_objects_get_their_own_tables() -> None:
    nested = {t.path: t for t in tables(SCHEMA)[1:]}
    assert set(nested) == {"meta", "checks[]"}
    assert nested["meta"].title == "Meta"
    assert [(f.path, f.required) for f in nested["meta"].fields] == [("meta.sha", True)]
    assert [f.path for f in nested["checks[]"].fields] == ["checks[].ok"]


def test_required_names_without_a_description_still_get_a_row() -> None:
    top = tables({"required": ["a"], "properties": {"b": {"type": "string"}}})[0]
    assert [(f.name, f.required, f.types) for f in top.fields] == [
        ("b", False, ("string",)),
        ("a", True, ()),
    ]


def test_prose_escapes_pipes_and_tags_outside_code_only() -> None:
    text = "a | b <name> `x|y <z>` end"
    row = md.table(("One", "Two"), [[md.prose(text), "2"]])
    html = markdown.markdown("\n".join(row), extensions=["tables"])
    assert "<td>a | b &lt;name&gt; <code>x|y &lt;z&gt;</code> end</td>\n<td>2</td>" in html


def test_code_spans_hold_backticks() -> None:
    assert md.code("a`b") == "``a`b``"
    assert md.code("`a") == "`` `a ``"
