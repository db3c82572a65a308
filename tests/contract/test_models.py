"""Generated models behave like the data: plain values equal to the payload's, exact round trips.

Driven by every example, every test-notification body and 2,080 fuzzed payloads (160 per event,
fixed seeds), plus perturbations of every string with characters the regex dialects disagree on.
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import types
import typing
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, RootModel, TypeAdapter, ValidationError
from typing_extensions import TypeAliasType

import toolkit.models
from tests.conftest import example_cases, notification_cases, valid_cases
from toolkit import contract, fuzz, parse
from toolkit.contract.registry import EVENTS, load_all
from toolkit.modelgen.schemas import patterns
from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS

FUZZED_PER_EVENT = 160
FUZZED_TEST_BODIES_PER_EVENT = 20
DIALECT = ("\u0085", "\ufeff", "\r", "\n", "\u2028", "\u00a0", "\u0661", "\u00e9", " ")
"""Characters ECMA-262 and Rust regex (or Python's re) read differently, and plain controls."""


@cache
def fuzzed(event: str, *, test_notification: bool = False) -> list[Any]:
    n = FUZZED_TEST_BODIES_PER_EVENT if test_notification else FUZZED_PER_EVENT
    return [
        s.payload
        for s in fuzz.samples(event, n, seed="models", test_notification=test_notification)
    ]


def _value(obj: Any, key: str) -> Any:
    """What a parsed object holds under the payload's `key` (a field, an extra or a dict item)."""
    if isinstance(obj, BaseModel):
        for name, field in type(obj).model_fields.items():
            if (field.alias or name) == key:
                return getattr(obj, name)
        assert obj.model_extra is not None and key in obj.model_extra, f"{key} was dropped"
        return obj.model_extra[key]
    assert isinstance(obj, dict), f"{type(obj).__name__} where the payload has an object"
    return obj[key]


def assert_behaves_like(obj: Any, data: Any, path: str = "$") -> None:
    """Every value reachable in the parsed model equals the payload's, as the same plain type."""
    if isinstance(data, dict):
        assert isinstance(obj, BaseModel | dict), f"{path}: {type(obj).__name__}"
        for key, value in data.items():
            assert_behaves_like(_value(obj, key), value, f"{path}.{key}")
        return
    if isinstance(data, list):
        assert type(obj) is list, f"{path}: {type(obj).__name__}, not list"
        assert len(obj) == len(data), path
        for i, (item, value) in enumerate(zip(obj, data, strict=True)):
            assert_behaves_like(item, value, f"{path}[{i}]")
        for value in data:  # `"latest" in model.docker_tags`; objects are models (checked above)
            if not isinstance(value, dict):
                assert value in obj, f"{path}: {value!r} not in the model's list"
        return
    assert obj == data, f"{path}: {obj!r} != {data!r}"
    number = type(data) is int and type(obj) is float  # a JSON number in a `number` field
    assert type(obj) is type(data) or number, f"{path}: {type(obj).__name__} for {data!r}"
    if isinstance(data, str):
        assert str(obj) == data and hash(obj) == hash(data), path


def assert_round_trip(model: type[BaseModel], event: str, payload: Any, *, test: bool) -> None:
    parsed = model.model_validate(payload)
    assert_behaves_like(parsed, payload)
    dumped = parsed.model_dump(mode="json", exclude_unset=True)
    assert dumped == payload
    assert contract.fast(event, test_notification=test).is_valid(dumped)


def test_one_model_per_event() -> None:
    assert list(MODELS) == list(EVENTS)
    assert {m.__name__ for m in MODELS.values()} == {contract.raw(e)["title"] for e in EVENTS}


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_parses_to_plain_values_and_round_trips(
    event: str, index: int, payload: Any
) -> None:
    assert_round_trip(MODELS[event], event, payload, test=False)


@pytest.mark.parametrize(("event", "case"), valid_cases())
def test_research_shapes_parse_to_plain_values_and_round_trip(
    event: str, case: dict[str, Any]
) -> None:
    assert_round_trip(MODELS[event], event, case["payload"], test=False)


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notification_bodies_parse_to_plain_values_and_round_trip(
    event: str, payload: Any
) -> None:
    assert_round_trip(TEST_NOTIFICATION_MODELS[event], event, payload, test=True)


@pytest.mark.parametrize("event", EVENTS)
def test_fuzzed_payloads_parse_to_plain_values_and_round_trip(event: str) -> None:
    payloads = fuzzed(event)
    assert len(payloads) == FUZZED_PER_EVENT
    for payload in payloads:
        assert contract.fast(event).is_valid(payload)
        assert_round_trip(MODELS[event], event, payload, test=False)


@pytest.mark.parametrize("event", EVENTS)
def test_fuzzed_test_notification_bodies_round_trip(event: str) -> None:
    for payload in fuzzed(event, test_notification=True):
        assert_round_trip(TEST_NOTIFICATION_MODELS[event], event, payload, test=True)


def test_fuzzed_payloads_are_enough_and_vary() -> None:
    payloads = [p for e in EVENTS for p in fuzzed(e)]
    assert len(payloads) >= 2000
    assert len({repr(p) for p in payloads}) > 0.9 * len(payloads)


def _strings(payload: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(payload, str):
        yield path, payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            yield from _strings(value, (*path, key))
    elif isinstance(payload, list):
        for i, value in enumerate(payload):
            yield from _strings(value, (*path, i))


def _perturbed(event: str, *, test: bool = False) -> Iterator[Any]:
    """Every example (or test-notification body) with one string changed by one character that
    the regex dialects read differently, put first, last or in the middle."""
    bodies = contract.test_notification_examples(event) if test else contract.examples(event)
    for payload in bodies:
        for path, text in _strings(payload):
            middle = len(text) // 2
            for char in DIALECT:
                for changed in (char + text, text + char, text[:middle] + char + text[middle:]):
                    mutant = copy.deepcopy(payload)
                    node = mutant
                    for key in path[:-1]:
                        node = node[key]
                    node[path[-1]] = changed
                    yield mutant


@pytest.mark.parametrize("test", [False, True], ids=["payloads", "test-bodies"])
@pytest.mark.parametrize("event", EVENTS)
def test_the_model_accepts_every_perturbed_payload_the_contract_accepts(
    event: str, test: bool
) -> None:
    models = TEST_NOTIFICATION_MODELS if test else MODELS
    rejected = 0
    for payload in _perturbed(event, test=test):
        if contract.fast(event, test_notification=test).is_valid(payload):
            assert_round_trip(models[event], event, payload, test=test)
        else:
            rejected += 1
    assert rejected


@cache
def uncarried() -> frozenset[str]:
    """Patterns beside an `allOf` (the build and quota `homepage`s): datamodel-code-generator keeps
    the referenced type's pattern there and drops the narrower one (see docs/reference/api.md)."""
    found = set()
    for schema in load_all().values():
        for pointer, pattern in patterns(schema):
            node = schema
            for key in pointer.split("/")[1:-1]:
                node = node[key.replace("~1", "/").replace("~0", "~")]
            if "allOf" in node:
                found.add(pattern)
    return frozenset(found)


def _pattern_rejections(event: str) -> Iterator[tuple[Any, list[Any]]]:
    """Perturbed payloads that the contract rejects for `pattern`s alone, with those errors."""
    for payload in _perturbed(event):
        errors = list(contract.fast(event).iter_errors(payload))
        if errors and all(e.kind.name == "pattern" for e in errors):
            yield payload, errors


@pytest.mark.parametrize("event", EVENTS)
def test_the_model_rejects_every_string_the_contract_rejects_for_its_pattern(event: str) -> None:
    checked = 0
    for payload, errors in _pattern_rejections(event):
        if all(e.kind.pattern in uncarried() for e in errors):
            continue
        checked += 1
        with pytest.raises(ValidationError, match="string_pattern_mismatch"):
            MODELS[event].model_validate(payload)
    assert checked


@cache
def _adapter(pattern: str) -> TypeAdapter[str]:
    return TypeAdapter(Annotated[str, Field(pattern=pattern)])


def _rust_as_written(pattern: str, text: str) -> bool:
    """Whether pydantic accepts `text` for `pattern` as the schema writes it (no rewrite)."""
    try:
        _adapter(pattern).validate_python(text)
    except ValidationError:
        return False
    return True


def test_the_perturbations_reach_the_dialect_differences() -> None:
    """Without the rewrite, pydantic would read some of these patterns the other way."""
    looser = {  # the contract rejects, Rust reading the pattern as written would accept
        (event, tuple(errors[0].instance_path))
        for event in EVENTS
        for _, errors in _pattern_rejections(event)
        if _rust_as_written(errors[0].kind.pattern, errors[0].instance)
    }
    assert ("build_queued", ("trigger_metadata", "ref")) in looser  # "." and "\r", "\u2028"
    stricter = [  # the contract accepts, Rust reading the pattern as written would refuse
        body["expiring_in"]
        for body in _perturbed("repo_image_expiry", test=True)
        if contract.fast("repo_image_expiry", test_notification=True).is_valid(body)
        and not _rust_as_written("^\\S+ days$", body["expiring_in"])
    ]
    assert stricter and all("\u0085" in s for s in stricter)


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_parse_returns_models_that_behave_like_the_payload(
    event: str, index: int, payload: Any
) -> None:
    parsed = parse(json.dumps(payload), event)
    assert type(parsed) is MODELS[event]
    assert_behaves_like(parsed, payload)


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_parse_returns_test_notification_models_that_behave_like_the_body(
    event: str, payload: Any
) -> None:
    parsed = parse(payload, event)
    assert type(parsed) is TEST_NOTIFICATION_MODELS[event]
    assert_behaves_like(parsed, payload)


def test_string_fields_work_as_keys_and_in_text() -> None:
    payload = contract.examples("build_success")[0]
    build = parse(payload, "build_success")
    assert {build.build_id: 1} == {payload["build_id"]: 1}
    assert f"{build.namespace}/{build.name}" == payload["repository"]
    assert json.dumps({"id": build.build_id}) == json.dumps({"id": payload["build_id"]})


def test_lists_of_strings_support_membership() -> None:
    payload = next(p for p in contract.examples("build_success") if "latest" in p["docker_tags"])
    model = MODELS["build_success"].model_validate(payload)
    assert "latest" in model.docker_tags
    assert model.docker_tags == payload["docker_tags"]


def test_urls_keep_quays_exact_string() -> None:
    payload = contract.examples("repo_push")[1]
    model = MODELS["repo_push"].model_validate(payload)
    assert model.homepage == "https://quay.io/repository/acme/webapp" == payload["homepage"]
    assert model.model_dump(mode="json")["homepage"] == payload["homepage"]
    bare = dict(payload, homepage="https://quay.io")  # AnyUrl would add a trailing slash
    assert MODELS["repo_push"].model_validate(bare).homepage == "https://quay.io"


def test_legacy_and_unknown_fields_are_kept() -> None:
    payload = dict(contract.examples("build_success")[0], image_id="sha256:" + "a" * 64)
    payload["new_in_a_later_quay"] = {"x": [1]}
    model = MODELS["build_success"].model_validate(payload)
    assert model.image_id == payload["image_id"]
    assert model.model_extra == {"new_in_a_later_quay": {"x": [1]}}
    assert model.model_dump(mode="json", exclude_unset=True) == payload


def test_nullable_is_required_and_optional_is_not() -> None:
    fields = MODELS["build_queued"].model_fields
    assert fields["manual_user"].is_required()  # required, nullable
    assert not fields["trigger_manual"].is_required()  # optional, not nullable
    start = MODELS["build_start"].model_fields
    assert start["trigger_id"].is_required() and start["trigger_metadata"].is_required()
    payload = dict(contract.examples("build_queued")[1])
    del payload["manual_user"]
    with pytest.raises(ValidationError, match="manual_user"):
        MODELS["build_queued"].model_validate(payload)


@pytest.mark.parametrize(
    ("event", "field", "value", "error"),
    [
        ("quota_warning", "usage_bytes", "12", "int_type"),
        ("quota_warning", "usage_bytes", True, "int_type"),
        ("build_success", "build_id", 7, "string_type"),
        ("build_success", "build_id", "nope", "string_pattern_mismatch"),
        ("build_success", "docker_tags", "latest", "list_type"),
        ("repo_push", "namespace", "a", "string_too_short"),
    ],
)
def test_models_reject_what_the_schema_rejects(
    event: str, field: str, value: Any, error: str
) -> None:
    payload = dict(contract.examples(event)[0], **{field: value})
    assert not contract.fast(event).is_valid(payload)
    with pytest.raises(ValidationError, match=error):
        MODELS[event].model_validate(payload)


def _generated_modules() -> list[types.ModuleType]:
    package = toolkit.models
    return [package] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]


def _classes() -> list[type[BaseModel]]:
    return [
        value
        for module in _generated_modules()
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]


def test_no_generated_module_defines_a_root_model() -> None:
    classes = _classes()
    assert len(classes) >= 2 * len(EVENTS)
    wrappers = [c.__qualname__ for c in classes if issubclass(c, RootModel)]
    assert wrappers == []


LEAVES = (str, int, float, bool, type(None), dict, typing.Any)


def _leaves(annotation: Any) -> Iterator[Any]:
    """The types a field's annotation finally stands for (through aliases, unions, lists)."""
    if isinstance(annotation, TypeAliasType):
        yield from _leaves(annotation.__value__)
    elif typing.get_origin(annotation) is typing.Annotated:
        yield from _leaves(typing.get_args(annotation)[0])
    elif typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)
    elif typing.get_origin(annotation) is typing.Literal:
        yield from (type(v) for v in typing.get_args(annotation))
    elif typing.get_origin(annotation) is dict:
        yield dict
    else:
        yield annotation


def test_every_field_is_a_plain_value_or_a_nested_model() -> None:
    odd = [
        f"{cls.__qualname__}.{name}: {leaf!r}"
        for cls in _classes()
        for name, field in cls.model_fields.items()
        for leaf in _leaves(field.annotation)
        if not (leaf in LEAVES or (isinstance(leaf, type) and issubclass(leaf, BaseModel)))
        or (isinstance(leaf, type) and issubclass(leaf, RootModel))
    ]
    assert odd == []
