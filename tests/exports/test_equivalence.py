"""The exported schemas give every payload the same verdict as the canonical draft-07 schemas.

OpenAPI 3.1 reads its components as JSON Schema 2020-12, where draft-07's `dependencies` is an
unknown keyword, silently ignored; the exporter rewrites it. This proves the rewrite right, data
driven: every example, test-notification body, valid and invalid case under tests/data/ and
several hundred fuzzed payloads, each judged against every event's schema and test-notification
schema. jsonschema-rs judges the whole matrix; python-jsonschema, slower, judges each payload by
its own event's schemas and those of the events that share its shape. (jsonschema-rs applies
`dependencies` under 2020-12 too, so only python-jsonschema shows the trap itself.) The AsyncAPI
components (draft-07, definitions hoisted) are held to the same verdicts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from tests.conftest import invalid_cases, valid_cases
from tests.exports.conftest import DRAFT_07, DRAFT_2020_12, document, fast, rich
from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS, load_all
from toolkit.exports import Components

FUZZ = 20
"""Fuzzed payloads per event and kind (valid, one rule broken); test notifications get 5."""


@cache
def corpus() -> tuple[tuple[str, str, Any], ...]:
    """(event, label, payload) for every payload the verdicts are compared on."""
    out: list[tuple[str, str, Any]] = []
    for event in EVENTS:
        out += [(event, f"{event} example {i}", p) for i, p in enumerate(contract.examples(event))]
        tests = contract.test_notification_examples(event)
        out += [(event, f"{event} test notification {i}", p) for i, p in enumerate(tests)]
    for cases, kind in ((valid_cases(), "valid"), (invalid_cases(), "invalid")):
        out += [(c.values[0], f"tests/data/{kind}/{c.id}", c.values[1]["payload"]) for c in cases]
    for kind in ("valid", "invalid", "test"):
        n = 5 if kind == "test" else FUZZ
        drawn = fuzz.samples(
            None, n, "exports", invalid=kind == "invalid", test_notification=kind == "test"
        )
        out += [
            (s.event, f"fuzz {kind} {s.event} #{i % n}", s.payload) for i, s in enumerate(drawn)
        ]
    return tuple(out)


def targets() -> list[tuple[str, bool, str]]:
    """(event, test_notification, component name) for every schema a payload is judged by."""
    index = {name: name for name in document("openapi")["components"]["schemas"]}
    out = []
    for event in EVENTS:
        title = str(contract.raw(event)["title"])
        test = str(contract.raw(event)["definitions"]["test_notification"]["title"])
        out += [(event, False, index[title]), (event, True, index[test])]
    return out


def canonical() -> dict[tuple[str, bool], list[bool]]:
    """The contract's own verdicts (jsonschema-rs, draft-07), payload by payload."""
    payloads = [p for _, _, p in corpus()]
    return {
        (event, test): [contract.fast(event, test_notification=test).is_valid(p) for p in payloads]
        for event, test, _ in targets()
    }


def disagreements(
    components: dict[str, Any], dialect: str, engine: Any, *, matrix: bool = True
) -> list[str]:
    """Where the exported components' verdicts differ from the canonical ones.

    With `matrix`, every payload meets every schema; else only its own event's and those of the
    events that share its shape.
    """
    expected = canonical()
    out = []
    for event, test, name in targets():
        check = engine(components, name, dialect)
        peers = set(contract.shares_shape_with(event)) | {event}
        for (owner, label, payload), verdict in zip(corpus(), expected[(event, test)], strict=True):
            if not matrix and owner not in peers:
                continue
            if check.is_valid(payload) != verdict:
                out.append(f"{label} against {name}: canonical says {verdict}")
    return out


def test_the_corpus_is_large_and_mixed() -> None:
    verdicts = [v for vs in canonical().values() for v in vs]
    assert len(corpus()) >= 400
    assert sum(verdicts) >= len(corpus()) // 2  # every valid payload passes somewhere
    assert len(verdicts) - sum(verdicts) > len(verdicts) // 2  # and most pairs fail


@pytest.mark.parametrize(
    ("engine", "matrix"), [(fast, True), (rich, False)], ids=["jsonschema-rs", "python-jsonschema"]
)
def test_openapi_components_give_the_canonical_verdicts_under_2020_12(
    engine: Any, matrix: bool
) -> None:
    components = document("openapi")["components"]
    assert disagreements(components, DRAFT_2020_12, engine, matrix=matrix) == []


@pytest.mark.parametrize(
    ("engine", "matrix"), [(fast, True), (rich, False)], ids=["jsonschema-rs", "python-jsonschema"]
)
def test_asyncapi_components_give_the_canonical_verdicts_under_draft_07(
    engine: Any, matrix: bool
) -> None:
    components = {"schemas": document("asyncapi")["components"]["schemas"]}
    assert disagreements(components, DRAFT_07, engine, matrix=matrix) == []


def test_unconverted_components_would_disagree_under_2020_12() -> None:
    """The trap the conversion removes: read as 2020-12, draft-07 `dependencies` rejects nothing."""
    components = {"schemas": Components.of(load_all()).schemas()}
    found = disagreements(components, DRAFT_2020_12, rich, matrix=False)
    assert "tests/data/invalid/build_queued/trigger-id-alone against BuildQueued: " in "\n".join(
        found
    )
    assert all("canonical says False" in line for line in found)
