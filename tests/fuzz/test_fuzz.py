"""Generated payloads: valid ones validate, parse and round-trip; invalid ones break their label."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
import pytest

from toolkit import fuzz, validate
from toolkit.contract.invariant_check import check, checker
from toolkit.contract.registry import EVENTS, UnknownEventError
from toolkit.fuzz import corpus
from toolkit.models import MODELS, TEST_NOTIFICATION_MODELS

N_VALID = 60
N_INVALID = 12


@pytest.fixture(scope="module", params=EVENTS)
def event(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_valid_payloads_validate_parse_and_round_trip(event: str) -> None:
    for payload in fuzz.sample(event, N_VALID, seed="suite"):
        report = validate(payload, event)
        assert report.valid and not report.test_notification, (payload, report.errors)
        dumped = MODELS[event].model_validate(payload).model_dump(mode="json", exclude_unset=True)
        assert dumped == payload
        assert orjson.loads(orjson.dumps(payload)) == payload
        assert validate(json.loads(json.dumps(payload)), event).valid


def test_invalid_payloads_break_exactly_their_labelled_rule(event: str) -> None:
    for s in fuzz.samples(event, N_INVALID, seed="suite", invalid=True):
        assert s.violates is not None
        report = validate(s.payload, event)
        assert not report.valid
        found = [(f.keyword, f.path, f.rule, f.paths) for f in report.errors]
        v = s.violates
        assert found == [(v.keyword, v.path, v.rule, v.paths)], s.payload


N_INVARIANTS = 300


def test_fuzzed_payloads_satisfy_every_invariant(event: str) -> None:
    """Thousands of payloads over all events: coherence derived from the declarations makes each
    one true to every invariant, and each invariant applies to some of them (not vacuously)."""
    compiled = checker(event).compiled
    applied = dict.fromkeys((c.invariant.id for c in compiled), 0)
    for payload in fuzz.sample(event, N_INVARIANTS, seed="invariants"):
        assert check(payload, event) == (), payload
        for c in compiled:
            applied[c.invariant.id] += c.values(payload) is not None
    assert all(applied.values()), applied
    for s in fuzz.samples(event, 20, seed="invariants", test_notification=True):
        assert check(s.payload, event, test_notification=True) == (), s.payload


def test_each_invariant_can_be_broken_alone_and_is_labelled_with_its_id(event: str) -> None:
    """For every invariant of the event: a fuzzed payload it applies to, nudged so that it alone
    breaks; toolkit.validate reports exactly that invariant, under the label's rule and paths."""
    from random import Random

    from toolkit.fuzz.corpus import _findings
    from toolkit.fuzz.mutate import break_invariant

    check_one = _findings(event)
    payloads = fuzz.sample(event, N_INVARIANTS, seed="invariants")
    for compiled in checker(event).compiled:
        rng = Random(compiled.invariant.id)
        found = next(
            hit
            for p in payloads
            if compiled.values(p) is not None
            and (hit := break_invariant(p, compiled, rng, check_one)) is not None
        )
        mutant, violation = found
        assert violation.rule == compiled.invariant.id
        report = validate(mutant, event)
        assert [(f.rule, f.paths) for f in report.errors] == [(violation.rule, violation.paths)]


def test_test_notification_bodies_are_recognised(event: str) -> None:
    for s in fuzz.samples(event, 10, seed=1, test_notification=True):
        report = validate(s.payload, event)
        assert report.valid and report.test_notification, s.payload
        TEST_NOTIFICATION_MODELS[event].model_validate(s.payload)


def test_same_seed_same_payloads_other_seed_others() -> None:
    first = fuzz.sample(None, 5, seed=42)
    assert first == fuzz.sample(None, 5, seed=42)
    assert first != fuzz.sample(None, 5, seed=43)
    assert len(first) == 5 * len(EVENTS)
    invalid = fuzz.samples("build_success", 5, seed=42, invalid=True)
    assert invalid == fuzz.samples("build_success", 5, seed=42, invalid=True)


def test_one_event_stream_does_not_depend_on_the_others() -> None:
    alone = fuzz.sample("quota_error", 4, seed=9)
    together = [s.payload for s in fuzz.samples(None, 4, seed=9) if s.event == "quota_error"]
    assert alone == together


def test_unknown_event_is_refused() -> None:
    with pytest.raises(UnknownEventError):
        fuzz.sample("repo_pull", 1)


def _repository_events() -> list[str]:
    return [e for e in EVENTS if not e.startswith("quota")]


@pytest.mark.parametrize("event", _repository_events())
def test_urls_agree_with_namespace_and_name(event: str) -> None:
    for p in fuzz.sample(event, 30, seed=3):
        ns, name = p["namespace"], p["name"]
        assert p["repository"] == f"{ns}/{name}"
        host = p["docker_url"].removesuffix(f"/{ns}/{name}")
        assert host != p["docker_url"]
        page = re.match(r"^https?://([^/]+)/repository/(.+)$", p["homepage"])
        assert page and page.group(1) == host
        expected = f"{ns}/{name}/build/{p['build_id']}" if "build_id" in p else f"{ns}/{name}"
        assert page.group(2) == expected


@pytest.mark.parametrize("event", ["quota_warning", "quota_error"])
def test_quota_numbers_and_sizes_agree(event: str) -> None:
    for p in fuzz.sample(event, 30, seed=4):
        assert p["homepage"].endswith(f"/organization/{p['namespace']}")
        limit, usage = p["limit_bytes"], p["usage_bytes"]
        assert p["usage_percent"] == (usage * 100 // limit if limit else 0)
        for key in ("usage_bytes", "limit_bytes"):
            n, text = p[key], p[f"{key}_formatted"]
            number, unit = text.split(" ")
            scale = {"bytes": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}[unit]
            assert abs(float(number) * scale - n) <= 0.005 * scale + 1


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def test_structured_fields_are_realistic_not_noise() -> None:
    structured = ("repository", "namespace", "name", "docker_url", "homepage", "build_id")
    for p in fuzz.sample(None, 20, seed=5):
        for key in structured:
            if key in p:
                assert p[key].isascii() and p[key].isprintable() and " " not in p[key]
    builds = fuzz.sample("build_success", 300, seed=6)
    dates = [b["trigger_metadata"].get("commit_info", {}).get("date") for b in builds]
    assert any(d and d.endswith("Z") for d in dates)  # ISO 8601 UTC
    assert any(d and d.endswith(" GMT") for d in dates)  # RFC 1123 (GitHub "run now")
    assert any(d and d[10:11] == " " for d in dates)  # naive (Bitbucket "run now")
    kinds = {b["trigger_kind"] for b in builds}
    assert None in kinds and len(kinds) >= 3  # manual builds and several trigger kinds
    vulns = fuzz.sample("vulnerability_found", 60, seed=7)
    ids = " ".join(str(v["vulnerability"]["id"]) for v in vulns)
    assert "CVE-" in ids and "GHSA-" in ids
    tags = {t for v in vulns for t in v.get("tags", [])}  # none on new-index 3.9-3.11
    assert any(t.startswith("sha256:") for t in tags)  # untagged manifests


def test_check_hypothesis_accepts_the_installed_pair_and_names_a_broken_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fuzz.check_hypothesis()  # the installed pair must work
    monkeypatch.setattr(corpus, "hypothesis_version", lambda: (6, 170, 10))
    with pytest.raises(RuntimeError, match=r"hypothesis<6\.170\.10"):
        fuzz.check_hypothesis()


NEW_EVENT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["ticket", "when", "count", "meta", "labels", "state", "ref"],
    "properties": {
        "ticket": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "when": {"type": "string", "format": "date-time"},
        "count": {"type": "integer", "exclusiveMinimum": 5, "maximum": 90, "multipleOf": 7},
        "meta": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id"],
            "properties": {"id": {"type": "string", "format": "uuid"}, "n": {"type": "null"}},
        },
        "labels": {
            "type": "array",
            "minItems": 2,
            "uniqueItems": True,
            "items": {"enum": [1, 2, 3]},
        },
        "state": {"oneOf": [{"const": "open"}, {"type": "integer", "minimum": 1}]},
        "ref": {
            "$comment": "an existing shared pattern",
            "pattern": "^refs/(heads|tags|remotes)/.+$",
        },
        "note": {"type": "string", "maxLength": 3},
    },
    "if": {"properties": {"state": {"const": "open"}}, "required": ["state"]},
    "then": {"required": ["note"]},
}


def test_a_new_event_needs_no_generator_code() -> None:
    """Patterns, formats and keywords no provider knows still yield valid, varied payloads."""
    from random import Random

    import jsonschema_rs

    from toolkit.fuzz.generate import Generator

    gen = Generator(NEW_EVENT_SCHEMA)
    check = jsonschema_rs.Draft7Validator(NEW_EVENT_SCHEMA, validate_formats=True)
    rng = Random(0)
    drawn = [gen.draw(rng) for _ in range(200)]
    assert all(check.is_valid(p) for p in drawn)
    assert len({p["ticket"] for p in drawn}) > 100
    assert {type(p["state"]) for p in drawn} == {str, int}
