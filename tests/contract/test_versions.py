"""`x-quay-versions`: the annotations in the schemas, their syntax, narrowing and the eras."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from tests.conftest import ROOT
from toolkit import contract
from toolkit.contract import tables
from toolkit.contract.eras import plan_of
from toolkit.contract.fingerprint import plan
from toolkit.contract.registry import EVENTS, load_file, schema_files
from toolkit.contract.releases import Releases, parse_release
from toolkit.contract.versions import (
    KEYWORD,
    MISSING,
    RULE,
    UNSENT,
    AnnotationError,
    annotation,
    evaluate,
    marker,
    narrow,
)

SCHEMAS = list(schema_files(ROOT / "schemas"))


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any, str | None]]:
    """(path, node, the property name when the node is a property's schema)."""
    if isinstance(node, dict):
        yield path, node, None
        for key, value in node.items():
            if key in ("properties", "patternProperties") and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{path}/{key}/{name}", sub, name
                    yield from (w for w in walk(sub, f"{path}/{key}/{name}") if w[1] is not sub)
            elif key not in ("examples", "enum", "const", KEYWORD):
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def annotated() -> list[Any]:
    return [
        pytest.param(path, node, name, id=f"{p.name}{where}")
        for p in SCHEMAS
        for where, node, name in walk(load_file(p))
        if isinstance(node, dict) and KEYWORD in node
        for path in [p]
    ]


@pytest.mark.parametrize(("path", "node", "name"), annotated())
def test_every_annotation_is_machine_readable(path: Any, node: Any, name: str | None) -> None:
    value = node[KEYWORD]
    assert isinstance(value, dict) and set(value) <= {"sent", "always", "note"}
    ann = annotation(node)
    assert ann is not None
    assert ann.sent != Releases.every(), "a field every release sends carries no annotation"
    if name is not None:  # a property says whether it is always sent within its range
        assert isinstance(value.get("always"), bool)
    assert ann.note is None or (ann.note.endswith(".") and ann.note[0].isupper())


def test_no_free_text_annotation_is_left() -> None:
    values = [n[KEYWORD] for p in SCHEMAS for _, n, _ in walk(load_file(p)) if KEYWORD in n]
    assert len(values) >= 20 and all(isinstance(v, dict) for v in values)


@pytest.mark.parametrize("event", EVENTS)
def test_version_dependent_fields_are_optional_in_the_default_contract(event: str) -> None:
    """The default contract is the union over releases: narrowing only ever adds constraints."""
    for _, node, _ in walk(contract.resolved(event)):
        if not isinstance(node, dict):
            continue
        annotated_here = {
            name for name, sub in (node.get("properties") or {}).items() if annotation(sub)
        }
        assert not annotated_here & set(node.get("required", []))
        for dep in (node.get("dependencies") or {}).values():
            assert not annotated_here & set(dep if isinstance(dep, list) else [])


@pytest.mark.parametrize(
    ("expr", "ranges"),
    [
        (">=3.8.2", [["3.8.2", None]]),
        ("<3.4", [["3.0.0", "3.3.4"]]),
        ("<3.4 || >=3.18.0", [["3.0.0", "3.3.4"], ["3.18.0", None]]),
        (">=3.10.9,<3.11 || >=3.11.5", [["3.10.9", "3.10.25"], ["3.11.5", None]]),
        ("==3.12.0", [["3.12.0", "3.12.0"]]),
        ("<3.0", []),
    ],
)
def test_sent_is_pep440_specifier_sets_joined_by_or(expr: str, ranges: list[Any]) -> None:
    assert evaluate(expr).as_ranges() == ranges


@pytest.mark.parametrize(
    "value",
    [
        ">=3.9",
        {"always": True},
        {"sent": ">=3.9", "since": "3.9"},
        {"sent": ">=3.9", "always": "yes"},
        {"sent": "from 3.9"},
        {"sent": ">=3.9 ||"},
    ],
)
def test_malformed_annotations_are_refused(value: Any) -> None:
    evaluate.cache_clear()
    with pytest.raises(AnnotationError):
        annotation({KEYWORD: value})


def test_the_regenerated_table_is_what_packaging_computes() -> None:
    stored = tables.sent_ranges()
    assert stored is not None, "generated/versions_index.json is stale: run regenerate"
    for expr, ranges in stored.items():
        assert evaluate(expr).as_ranges() == ranges


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("test_notification", [False, True])
def test_stored_plans_are_the_computed_ones(event: str, test_notification: bool) -> None:
    node = contract.resolved(event)
    schema = node["definitions"]["test_notification"] if test_notification else node
    computed = plan_of(schema)
    stored = plan(event, test_notification)
    assert (stored.range, stored.fields, stored.keyed, stored.eras) == (
        computed.range,
        computed.fields,
        computed.keyed,
        computed.eras,
    )
    assert (stored.cached, stored.paths, stored.sites) == (
        computed.cached,
        computed.paths,
        computed.sites,
    )


@pytest.mark.parametrize("event", EVENTS)
def test_eras_partition_the_releases_and_each_narrows_alike(event: str) -> None:
    eras = plan(event).eras
    union = Releases.none()
    for era in eras:
        assert not union & era
        union |= era
        runs = era.runs()
        assert len(runs) == 1, "an era is one run of releases"
        first, last = runs[0]
        base = contract.resolved(event)
        assert narrow(base, parse_release(first), what=event) == narrow(
            base, parse_release(last), what=event
        )
    assert union == Releases.every()


def test_eras_of_the_traced_facts() -> None:
    assert [str(e) for e in plan("build_queued").eras] == [
        "Quay ≤ 3.2.2",
        "Quay 3.3 \u2013 3.8.1",
        "Quay ≥ 3.8.2",
    ]
    assert str(plan("build_start").range) == "Quay ≤ 3.3.4, ≥ 3.18"
    assert str(plan("build_start", True).range) == "any release ≥ 3.0"  # the button always works
    assert str(plan("repo_mirror_sync_failed", True).range) == "Quay ≥ 3.2"
    assert plan("build_success").keyed and not plan("vulnerability_found").keyed
    assert plan("vulnerability_found").cached
    assert plan("vulnerability_found").sites == (("vulnerability", "priority"),)
    assert plan("build_queued").paths == (("trigger_metadata", "commit_info"),)


SYNTHETIC: dict[str, Any] = {
    "type": "object",
    "required": ["a", "old"],
    "properties": {
        "a": {"type": "string"},
        "old": {"type": "string", KEYWORD: {"sent": "<3.4", "always": True}},
        "new": {"type": "boolean", KEYWORD: {"sent": ">=3.8.2", "always": True}},
        "k": {"type": "string"},
        "p": {
            "anyOf": [
                {"enum": ["x"]},
                {"enum": ["D"], KEYWORD: {"sent": "<3.4"}},
            ]
        },
        "q": {"enum": ["x", "D"], "if": {"const": "D"}, "then": {KEYWORD: {"sent": "<3.4"}}},
        "list": {"type": "array", "items": {"properties": {"i": {KEYWORD: {"sent": "<3.4"}}}}},
    },
    "dependencies": {"k": ["old"], "new": ["k"]},
}


def errors(schema: Any, payload: Any) -> list[tuple[str | None, list[Any]]]:
    """(the rule of the marker each error maps to, its instance path)."""
    validator = jsonschema_rs.validator_for(schema)
    out = []
    for error in validator.iter_errors(payload):
        mark = marker(schema, error.schema_path)
        out.append((mark[RULE] if mark else None, list(error.instance_path)))
    return out


def test_narrowing_a_release_that_never_sends_a_field() -> None:
    schema = narrow(SYNTHETIC, parse_release("3.10"), what="thing")
    assert schema["required"] == ["a"] and schema["dependencies"] == {"k": [], "new": ["k"]}
    assert schema["properties"]["old"][RULE] == UNSENT
    assert errors(schema, {"a": "", "old": "x", "new": True, "k": ""}) == [(UNSENT, ["old"])]
    assert errors(schema, {"a": "", "p": "D"})[0][1] == ["p"]  # the anyOf, of a marked branch
    assert errors(schema, {"a": "", "q": "D"}) == [(UNSENT, ["q"])]
    assert errors(schema, {"a": "", "q": "Z"}) == [(None, ["q"])]  # not a version matter


def test_narrowing_a_release_that_always_sends_a_field() -> None:
    schema = narrow(SYNTHETIC, parse_release("3.10"), what="thing")
    # `new` has a dependencies entry: it is required whenever `k` is present
    assert errors(schema, {"a": "", "k": ""}) == [(MISSING, [])]
    assert errors(schema, {"a": ""}) == []
    old = narrow(SYNTHETIC, parse_release("3.2"), what="thing")
    assert errors(old, {"a": "", "old": "x", "new": True, "k": ""})[0] == (UNSENT, ["new"])
    assert errors(old, {"a": "", "p": "D", "q": "D", "old": ""}) == []


def test_a_set_of_releases_requires_only_what_all_of_them_send() -> None:
    mixed = narrow(SYNTHETIC, parse_release("3.8"), what="thing")  # 3.8.0 - 3.8.15
    assert errors(mixed, {"a": "", "k": ""}) == []  # 3.8.0 and 3.8.1 do not send `new`
    assert errors(mixed, {"a": "", "new": True, "k": ""}) == []


def test_a_release_that_never_sends_the_event_accepts_nothing() -> None:
    schema = {**SYNTHETIC, KEYWORD: {"sent": ">=3.18.0"}}
    narrowed = narrow(schema, parse_release("3.10"), what="thing")
    assert narrowed[RULE] == UNSENT and narrowed["not"] == {}
    assert errors(narrowed, {"a": ""}) == [(UNSENT, [])]


def test_annotations_that_values_decide_are_not_keyed() -> None:
    p = plan_of(SYNTHETIC)
    assert not p.keyed and not p.cached  # an annotation under `items` needs every era
    keyed = plan_of({k: v for k, v in SYNTHETIC.items() if k != "properties"})
    assert keyed.keyed and keyed.eras == (Releases.every(),)
