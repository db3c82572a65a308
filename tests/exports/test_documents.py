"""The exported documents: their shape, and their own ecosystems' validators, with no finding.

generated/openapi.json is checked by openapi-spec-validator (PyPI), generated/asyncapi.json by
@asyncapi/parser (npm, pinned in tools/js/) under node, whose default ruleset also lints. Each
validator must report no error and no warning, and must catch a broken copy (so the check can
fail).
"""

from __future__ import annotations

import copy
import json
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from tests.conftest import ROOT
from tests.exports.conftest import JS, document, node
from toolkit import contract
from toolkit.contract.registry import EVENTS


def refs(media: dict[str, Any]) -> list[str]:
    return [s["$ref"].rsplit("/", 1)[-1] for s in media["schema"]["anyOf"]]


def test_openapi_has_one_webhook_per_event_with_every_example_and_no_security() -> None:
    doc = document("openapi")
    assert doc["openapi"].startswith("3.1.")
    assert list(doc["webhooks"]) == list(EVENTS)
    assert "security" not in doc and "securitySchemes" not in doc["components"]
    schemas = doc["components"]["schemas"]
    for event in EVENTS:
        operation = doc["webhooks"][event]["post"]
        assert operation["operationId"] == event
        media = operation["requestBody"]["content"]["application/json"]
        raw = contract.raw(event)
        assert refs(media) == [
            raw["title"],
            raw["definitions"]["test_notification"]["title"],
        ]
        assert all(name in schemas for name in refs(media))
        values = [e["value"] for e in media["examples"].values()]
        assert values == contract.examples(event) + contract.test_notification_examples(event)
        assert set(operation["responses"]) == {"2XX", "default"}
        assert "3 failures" in operation["responses"]["default"]["description"]
    facts = doc["info"]["description"]
    for fact in ("No signature", "3 failures", "No event name", "2xx"):
        assert fact in facts


def test_openapi_components_are_2020_12_with_dependencies_rewritten() -> None:
    doc = document("openapi")
    queued = doc["components"]["schemas"][contract.raw("build_queued")["title"]]
    assert "dependencies" not in queued
    assert queued["dependentRequired"] == contract.raw("build_queued")["dependencies"]
    assert doc["jsonSchemaDialect"] == "https://spec.openapis.org/oas/3.1/dialect/base"


def test_asyncapi_has_a_channel_a_receive_operation_and_two_messages_per_event() -> None:
    doc = document("asyncapi")
    assert doc["asyncapi"] == "3.0.0"
    assert list(doc["channels"]) == list(EVENTS) == list(doc["operations"])
    messages = doc["components"]["messages"]
    for event in EVENTS:
        channel, operation = doc["channels"][event], doc["operations"][event]
        assert channel["address"] == f"/quay/{event}"
        assert operation["action"] == "receive"
        assert operation["channel"] == {"$ref": f"#/channels/{event}"}
        assert operation["bindings"]["http"]["method"] == "POST"
        names = [m["$ref"].rsplit("/", 1)[-1] for m in channel["messages"].values()]
        production, test = (messages[n] for n in names)
        for message, examples in (
            (production, contract.examples(event)),
            (test, contract.test_notification_examples(event)),
        ):
            assert message["contentType"] == "application/json"
            assert message["payload"]["schemaFormat"] == (
                "application/schema+json;version=draft-07"
            )
            assert [e["payload"] for e in message["examples"]] == examples
    assert "dependencies" in doc["components"]["schemas"][contract.raw("build_queued")["title"]]


def spec_findings(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """openapi-spec-validator's errors and the warnings it raised, as text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        errors = [e.message for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    return errors, [str(w.message) for w in caught]


def test_openapi_spec_validator_finds_nothing() -> None:
    assert spec_findings(document("openapi")) == ([], [])


def test_openapi_spec_validator_catches_a_broken_schema() -> None:
    broken = copy.deepcopy(document("openapi"))
    broken["components"]["schemas"][contract.raw("repo_push")["title"]]["type"] = "objekt"
    errors, _ = spec_findings(broken)
    assert len(errors) == 1 and "'objekt' is not valid" in errors[0]


def asyncapi_parser(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [node(), str(JS / "validate-asyncapi.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.stdout, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def by_severity(result: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in result["diagnostics"]:
        out.setdefault(d["severity"], []).append(f"{d['code']} at {d['path']}: {d['message']}")
    return out


def test_asyncapi_parser_finds_no_error_and_no_warning() -> None:
    result = asyncapi_parser(ROOT / "generated" / "asyncapi.json")
    found = by_severity(result)
    assert found.get("error", []) == [] and found.get("warning", []) == []
    # Information only: the parser suggests AsyncAPI 3.1.0 (see toolkit/exports/asyncapi.py).
    assert [line.split(" at ")[0] for line in found.get("information", [])] in (
        [],
        ["asyncapi-latest-version"],
    )
    assert found.get("hint", []) == []
    assert result["parsed"] and result["version"] == "3.0.0"
    assert (result["channels"], result["operations"], result["messages"]) == (
        len(EVENTS),
        len(EVENTS),
        2 * len(EVENTS),
    )


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        (("operations", "repo_push", "action"), "get", "action"),
        (("components", "schemas", "RepoPush", "minProperties"), -1, "RepoPush"),
    ],
    ids=["operation", "payload-schema"],
)
def test_asyncapi_parser_catches_a_broken_document(
    tmp_path: Path, where: tuple[str, ...], value: Any, expected: str
) -> None:
    broken = copy.deepcopy(document("asyncapi"))
    node_ = broken
    for key in where[:-1]:
        node_ = node_[key]
    node_[where[-1]] = value
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(broken))
    errors = by_severity(asyncapi_parser(path)).get("error", [])
    assert errors and expected in errors[0]
