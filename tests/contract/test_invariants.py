"""`x-invariants`: every declaration is well-formed, reached, true to Quay's own payloads, and
checked exactly as the keyword's reference says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress

from tests.conftest import DATA, ROOT, example_cases, notification_cases, valid_cases
from toolkit import contract
from toolkit.contract.invariant_check import Checker, Compiled, check
from toolkit.contract.invariant_filters import FILTERS, percent_of, quay_bytes
from toolkit.contract.invariant_templates import TemplateError, dotted
from toolkit.contract.invariant_words import sentence
from toolkit.contract.invariants import (
    EXEMPT,
    KEYWORD,
    DeclarationError,
    Invariant,
    collect,
    exemptions,
    for_event,
    of_variant,
    parse,
)
from toolkit.contract.jsontypes import same
from toolkit.contract.registry import EVENTS, load_file, schema_files

META = json.loads((ROOT / "toolkit/formats/invariants.schema.json").read_text())
RELEASES = DATA / "releases"


def _declaring_nodes(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if KEYWORD in node or EXEMPT in node:
            found.append((where, node))
        for key, value in node.items():
            if key not in (KEYWORD, EXEMPT):
                found += _declaring_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _declaring_nodes(value, f"{where}/{i}")
    return found


DECLARING = [
    pytest.param(node, id=f"{path.relative_to(ROOT / 'schemas')}#{where}")
    for path in schema_files(ROOT / "schemas")
    for where, node in _declaring_nodes(load_file(path), "")
]


# --- the declarations ----------------------------------------------------------------------


@pytest.mark.parametrize("node", DECLARING)
def test_every_declaration_matches_the_keywords_own_schema(node: dict[str, Any]) -> None:
    own = {k: node[k] for k in (KEYWORD, EXEMPT) if k in node}
    jsonschema.Draft7Validator(META).validate(own)
    for declaration in node.get(KEYWORD, ()):
        parse(declaration)  # the toolkit reads it too
        for pattern in declaration.get("where", {}).values():
            regress.Regex(pattern)  # an ECMA-262 pattern


def test_the_meta_schema_names_exactly_the_registered_filters() -> None:
    template = META["definitions"]["template"]["pattern"]
    group = re.search(r"\\\|\(\?:(.*?)\)\)\?", template)
    assert group is not None
    assert {part.split(":")[0] for part in group.group(1).split("|")} == set(FILTERS)


def test_declarations_cover_the_relations_quay_builds() -> None:
    ids = {inv.id for event in EVENTS for inv in for_event(event)}
    assert ids == {
        "repository-path",
        "server-urls",
        "organization-page",
        "short-sha",
        "repo-name",
        "trigger-manual",
        "bitbucket-git-url",
        "bitbucket-run-urls",
        "gitlab-run-commit-url",
        "build-name",
        "usage-percent",
        "usage-formatted",
        "limit-formatted",
        "first-vulnerability",
    }


def test_every_declaration_applies_to_some_event() -> None:
    """Nothing is silently ignored: each declaration is one an event (or variant) uses."""
    used = {
        inv.canonical
        for e in EVENTS
        for t in (False, True)
        for inv in for_event(e, test_notification=t)
    }
    for param in DECLARING:
        (node,) = param.values
        for declaration in node.get(KEYWORD, ()):
            assert parse(declaration).canonical in used, declaration["id"]


def _declared(node: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if not isinstance(node, dict):
        return out
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, ()):
            out |= _declared(sub, prefix)
    for name, sub in node.get("properties", {}).items():
        out.add((*prefix, name))
        out |= _declared(sub, (*prefix, name))
    return out


@pytest.mark.parametrize("event", EVENTS)
def test_every_field_an_invariant_names_is_declared(event: str) -> None:
    declared = _declared(contract.resolved(event))
    for inv in for_event(event):
        for path in inv.absolute_fields:
            fields = tuple(s for s in path if isinstance(s, str))  # an array item: its array
            assert fields in declared, (inv.id, dotted(path))


@pytest.mark.parametrize("event", EVENTS)
def test_build_events_override_the_repository_homepage_with_the_build_page(event: str) -> None:
    urls = next(inv for inv in for_event(event) if inv.id in ("server-urls", "organization-page"))
    homepage = dict(urls.equal)[("homepage",)].text
    if event.startswith("build_"):
        assert homepage.endswith("/repository/{repository}/build/{build_id}")
    elif event.startswith("quota_"):
        assert homepage.endswith("/organization/{namespace}")
    else:
        assert homepage.endswith("/repository/{repository}")


@pytest.mark.parametrize("event", EVENTS)
def test_exemptions_are_needed_and_explained(event: str) -> None:
    """An exemption names an invariant the variant's own samples really break, with a reason."""
    variant = contract.test_notification_schema(event)
    exempt = exemptions(variant)
    lifted = Checker(for_event(event))
    for ident, reason in exempt.items():
        assert len(reason) > 20
        for sample in contract.test_notification_examples(event):
            assert ident in {v.rule for v in lifted.violations(sample)}, (ident, sample)
    kept = {inv.id for inv in for_event(event, test_notification=True)}
    assert kept == {inv.id for inv in for_event(event)} - set(exempt)


def test_exemptions_only_where_the_findings_say_quay_samples_break() -> None:
    exempted = {e: set(exemptions(contract.test_notification_schema(e))) for e in EVENTS}
    builds = ("build_start", "build_success", "build_failure", "build_cancelled")
    assert {e for e, ids in exempted.items() if ids} == {*builds, "quota_warning", "quota_error"}
    assert all(exempted[e] == {"build-name"} for e in builds)
    assert exempted["quota_warning"] == exempted["quota_error"] == {"usage-percent"}


# --- Quay's own payloads are true to them ---------------------------------------------------


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_holds(event: str, index: int, payload: Any) -> None:
    assert check(payload, event) == ()


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_every_test_notification_holds_less_its_exemptions(event: str, payload: Any) -> None:
    assert check(payload, event, test_notification=True) == ()


@pytest.mark.parametrize(("event", "case"), valid_cases())
def test_every_production_shape_holds(event: str, case: dict[str, Any]) -> None:
    assert check(case["payload"], event) == ()


def _releases() -> list[Any]:
    index = json.loads((RELEASES / "index.json").read_text())
    return [pytest.param(entry, id=entry["file"]) for entry in index["files"]]


@pytest.mark.parametrize("entry", _releases())
def test_every_traced_per_release_payload_holds(entry: dict[str, Any]) -> None:
    """The bodies traced from Quay's code at each release tag (tests/data/releases/)."""
    payload = json.loads((RELEASES / entry["file"]).read_bytes())
    found = check(payload, entry["event"], test_notification=entry["test_notification"])
    assert found == (), [v.message for v in found]


def test_the_traced_test_bodies_break_exactly_what_is_exempted() -> None:
    index = json.loads((RELEASES / "index.json").read_text())
    for entry in index["files"]:
        if entry["test_notification"]:
            event = entry["event"]
            payload = json.loads((RELEASES / entry["file"]).read_bytes())
            broken = {v.rule for v in check(payload, event)}
            assert broken == set(exemptions(contract.test_notification_schema(event))), entry


def test_every_invariant_applies_to_some_valid_payload() -> None:
    """No invariant is vacuous: each has a valid payload (example, test data or traced body)
    where all its fields are present, so the checks above are real."""
    payloads: dict[str, list[Any]] = {e: list(contract.examples(e)) for e in EVENTS}
    for param in valid_cases():
        event, case = param.values
        payloads[event].append(case["payload"])
    for event in EVENTS:
        for inv in for_event(event):
            compiled = Compiled(inv)
            assert any(compiled.values(p) is not None for p in payloads[event]), (event, inv.id)


# --- semantics ------------------------------------------------------------------------------


def _one(declaration: dict[str, Any]) -> Compiled:
    return Compiled(parse(declaration))


URLS = {
    "id": "urls",
    "equal": {"a": "{host}/{repo}", "b": "{scheme}://{host}/r/{repo}"},
    "where": {"scheme": "https?", "host": "[^/?#\\s]+"},
}


def test_a_free_variable_takes_one_value_in_every_template() -> None:
    urls = _one(URLS)
    good = {"repo": "x/y", "a": "q.io:8443/x/y", "b": "https://q.io:8443/r/x/y"}
    assert not urls.fails(good)
    assert urls.fails({**good, "b": "https://other.io/r/x/y"})  # two hosts
    assert urls.fails({**good, "b": "ftp://q.io:8443/r/x/y"})  # scheme outside its pattern
    violation = urls.violation({**good, "b": "https://other.io/r/x/y"})
    assert violation is not None and "do not agree on one <scheme> and <host>" in violation.message


def test_matching_tries_every_split_not_just_the_first() -> None:
    """`{a}-{b}` on `x-y-z` with `b` = `y-z` needs the second `-`: exact, not greedy."""
    inv = _one(
        {"id": "split", "equal": {"t": "{a}-{b}"}, "where": {"a": "[a-z]", "b": "[a-z]-[a-z]"}}
    )
    assert not inv.fails({"t": "x-y-z"})
    assert inv.fails({"t": "x-y"})


def test_a_template_of_one_field_compares_values_not_text() -> None:
    inv = _one({"id": "same", "equal": {"a": "{b}"}})
    assert not inv.fails({"a": True, "b": True})
    assert inv.fails({"a": 1, "b": True})  # JSON: true is not 1
    assert not inv.fails({"a": 1, "b": 1.0})
    assert inv.fails({"a": {"k": [1]}, "b": {"k": [2]}})
    assert same([1, {"x": False}], [1.0, {"x": False}]) and not same([0], [False])


def test_an_invariant_holds_vacuously_when_a_field_is_missing_or_of_another_type() -> None:
    inv = _one({"id": "path", "equal": {"r": "{n}/{m}"}})
    assert not inv.fails({"r": "a/b", "n": "a"})  # `m` missing: the schema's business
    assert not inv.fails({"r": "a/b", "n": "a", "m": None})
    assert not inv.fails({"r": 3, "n": "a", "m": "b"})
    assert not inv.fails(["not", "an", "object"])
    assert inv.fails({"r": "a/c", "n": "a", "m": "b"})
    numbers = _one({"id": "n", "equal": {"r": "{n}-{m}"}})
    assert not numbers.fails({"r": "1-2.5", "n": 1, "m": 2.5})  # numbers render as JSON


def test_when_limits_an_invariant_to_matching_payloads() -> None:
    inv = _one(
        {
            "id": "w",
            "when": {"k": "bitbucket", "m": True},
            "equal": {"u": "git@{h}"},
            "where": {"h": ".+"},
        }
    )
    assert not inv.fails({"k": "github", "m": True, "u": "x"})
    assert not inv.fails({"k": "bitbucket", "m": 1, "u": "x"})  # 1 is not true
    assert inv.fails({"k": "bitbucket", "m": True, "u": "x"})
    assert not inv.fails({"k": "bitbucket", "m": True, "u": "git@x"})


def test_nested_declarations_apply_at_their_object() -> None:
    schema = {
        "properties": {
            "meta": {KEYWORD: [{"id": "short", "equal": {"info.short": "{commit|first7}"}}]}
        }
    }
    (inv,) = collect(schema)
    assert inv.at == ("meta",) and inv.absolute_fields == (
        ("meta", "info", "short"),
        ("meta", "commit"),
    )
    checker = Checker([inv])
    bad = {"meta": {"commit": "0123456789", "info": {"short": "0123457"}}}
    (violation,) = checker.violations(bad)
    assert violation.paths == ("$.meta.info.short", "$.meta.commit")
    assert violation.message.startswith('$.meta.info.short is "0123457" but $.meta.commit is')
    assert checker.holds({"meta": {"commit": "0123456789", "info": {"short": "0123456"}}})


def test_the_nearest_declaration_wins_and_variants_keep_the_events() -> None:
    base = {KEYWORD: [{"id": "page", "equal": {"h": "/r/{n}"}}]}
    event = {"allOf": [base], KEYWORD: [{"id": "page", "equal": {"h": "/r/{n}/b/{b}"}}]}
    (inv,) = collect(event)
    assert dict(inv.equal)[("h",)].text == "/r/{n}/b/{b}"
    variant = {"allOf": [base], EXEMPT: {}}
    assert [i.equal for i in of_variant(event, variant)] == [inv.equal]
    with pytest.raises(DeclarationError, match="do not apply"):
        of_variant(event, {"allOf": [base], EXEMPT: {"nothing": "no such invariant here"}})


def test_two_declarations_of_one_id_are_an_error() -> None:
    twice = {
        "allOf": [
            {KEYWORD: [{"id": "a", "equal": {"x": "{y}"}}]},
            {KEYWORD: [{"id": "a", "equal": {"x": "{z}"}}]},
        ]
    }
    with pytest.raises(DeclarationError, match="declared twice"):
        collect(twice)
    apart = {
        KEYWORD: [{"id": "a", "equal": {"x": "{y}"}}],
        "properties": {"o": {KEYWORD: [{"id": "a", "equal": {"x": "{y}"}}]}},
    }
    with pytest.raises(DeclarationError, match="two locations"):
        collect(apart)


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ({"id": "x", "equal": {"a": "{b|shout}"}}, "unknown filter 'shout'"),
        ({"id": "x", "equal": {"a": "{b|percent_of}"}}, "takes a field argument"),
        ({"id": "x", "equal": {"a": "{b|first7:c}"}}, "takes no argument"),
        ({"id": "x", "equal": {"a": "b}"}}, "unbalanced brace"),
        ({"id": "x", "equal": {"a..b": "{c}"}}, "is not a field path"),
        ({"id": "x", "equal": {"a": "{h|first7}"}, "where": {"h": ".+"}}, "cannot take a filter"),
        ({"id": "x", "equal": {"a": "{b}"}, "where": {"h": ".+"}}, "the templates use"),
        ({"id": "x", "equal": {"a": "{b}"}, "sais": "typo"}, "unknown keys"),
        ({"equal": {"a": "{b}"}}, "needs an `id`"),
    ],
)
def test_a_malformed_declaration_is_refused_with_its_reason(declaration: Any, message: str) -> None:
    with pytest.raises((DeclarationError, TemplateError), match=re.escape(message)):
        parse(declaration)


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1.00 KB"),
        (858993459, "819.20 MB"),
        (1073741824, "1.00 GB"),
        (10871635968, "10.12 GB"),  # 10.125 GB: round half to even on the binary value
        (1024**5 * 3, "3072.00 TB"),  # TB is the largest unit
    ],
)
def test_quay_bytes(n: int, text: str) -> None:
    assert quay_bytes(n) == text


def test_percent_of_truncates_and_is_zero_without_a_limit() -> None:
    assert percent_of(858993459, 1073741824) == 79  # Quay's test body says 80
    assert percent_of(1127428915, 1073741824) == 104  # and 105
    assert percent_of(5, 0) == 0
    assert percent_of(3, 3) == 100


def test_sentences_say_the_relation_in_words() -> None:
    (path,) = [i for i in for_event("repo_push") if i.id == "repository-path"]
    assert sentence(path) == "`repository` is `<namespace>/<name>`."
    (name,) = [i for i in for_event("build_start") if i.id == "build-name"]
    assert sentence(name) == "`build_name` is the first 7 characters of `trigger_metadata.commit`."
    (run,) = [i for i in for_event("build_queued") if i.id == "gitlab-run-commit-url"]
    assert sentence(run).startswith('When `trigger_kind` is `"gitlab"` and `is_manual` is `true`, ')


def test_invariant_is_a_plain_value() -> None:
    inv = parse({"id": "x", "equal": {"a": "{b}"}}, ("o",))
    assert isinstance(inv, Invariant) and inv == parse({"id": "x", "equal": {"a": "{b}"}}, ("o",))
    assert hash(inv) == hash(parse({"id": "x", "equal": {"a": "{b}"}}, ("o",)))


def test_the_docs_reference_lists_every_filter() -> None:
    text = Path(ROOT / "docs/reference/invariants.md").read_text()
    for name in FILTERS:
        assert f"`{name}`" in text


# --- the generated checker and the exact solver agree ---------------------------------------


def _adversarial() -> list[tuple[str, Any]]:
    """Payloads built to trip a string-splitting checker: hosts and schemes that repeat, URLs
    with several `://`, numbers where strings are expected, missing and mistyped fields."""
    push = dict(contract.examples("repo_push")[0])
    build = dict(contract.examples("build_start")[0])
    quota = dict(contract.examples("quota_error")[0])
    vuln = dict(contract.examples("vulnerability_found")[0])
    out: list[tuple[str, Any]] = []
    for homepage in (
        "https://quay.io/repository/dgangaia/test",
        "https://https://quay.io/repository/dgangaia/test",
        "http://quay.io://quay.io/repository/dgangaia/test",
        "quay.io/repository/dgangaia/test",
        "https://quay.io/repository/dgangaia/test/repository/dgangaia/test",
        "https://other.io/repository/dgangaia/test",
        "https:///repository/dgangaia/test",
    ):
        for docker_url in ("quay.io/dgangaia/test", "/dgangaia/test", "quay.io/x/dgangaia/test"):
            out.append(("repo_push", {**push, "homepage": homepage, "docker_url": docker_url}))
    out += [
        ("repo_push", {**push, "name": 7}),
        ("repo_push", {**push, "namespace": None}),
        ("repo_push", {**push, "repository": ["dgangaia/test"]}),
        ("build_start", {**build, "build_id": 12}),
        ("build_start", {**build, "trigger_metadata": []}),
        ("build_start", {**build, "trigger_metadata": {"commit": 5}}),
        ("build_start", {**build, "trigger_kind": "bitbucket"}),
        ("quota_error", {**quota, "homepage": "https://q.io/organization/organization/acme"}),
        ("quota_error", {**quota, "homepage": "https://q.io://q.io/organization/acme"}),
        ("quota_error", {**quota, "usage_percent": 105.0}),
        ("quota_error", {**quota, "usage_percent": True}),
        ("quota_error", {**quota, "limit_bytes": 0, "usage_percent": 0}),
        ("quota_error", {**quota, "usage_bytes": 2.5}),
        ("vulnerability_found", {**vuln, "vulnerabilities": []}),
        ("vulnerability_found", {**vuln, "vulnerabilities": [{**vuln["vulnerability"], "x": 1}]}),
    ]
    return out


def _agreement_cases() -> list[Any]:
    from toolkit import fuzz

    cases: list[tuple[str, Any]] = _adversarial()
    for event in EVENTS:
        cases += [(event, p) for p in contract.examples(event)]
        cases += [(event, s.payload) for s in fuzz.samples(event, 30, seed="agree", invalid=True)]
    return [pytest.param(e, p, id=f"{e}-{i}") for i, (e, p) in enumerate(cases)]


@pytest.mark.parametrize(("event", "payload"), _agreement_cases())
def test_the_generated_checker_agrees_with_the_exact_solver(event: str, payload: Any) -> None:
    from toolkit.contract.invariant_check import checker

    compiled = checker(event)
    exact = not any(c.fails(payload) for c in compiled.compiled)
    assert compiled.holds(payload) == exact
    assert (compiled.violations(payload) == ()) == exact


def test_the_generated_checker_is_kept_for_review() -> None:
    from toolkit.contract.invariant_check import checker

    source = checker("repo_push").holds.__source__  # type: ignore[attr-defined]
    assert source.startswith("def holds(p):") and "# invariant 1" in source


def _valid_agreement_cases() -> list[Any]:
    """The agreement cases (and valid fuzzed payloads) that the event's production schema
    accepts: what the hot path's specialised checkers see."""
    from toolkit import fuzz

    cases = [(p.values[0], p.values[1]) for p in _agreement_cases()]
    for event in EVENTS:
        cases += [(event, s.payload) for s in fuzz.samples(event, 30, seed="specialised")]
    kept = [
        (e, p)
        for e, p in cases
        if isinstance(p, dict)
        and contract.fast(e).is_valid(p)
        and not contract.is_test_notification(p, e)
    ]
    return [pytest.param(e, p, id=f"{e}-{i}") for i, (e, p) in enumerate(kept)]


@pytest.mark.parametrize(("event", "payload"), _valid_agreement_cases())
def test_the_checker_specialised_for_a_shape_agrees_on_valid_payloads(
    event: str, payload: Any
) -> None:
    from toolkit.contract.invariant_check import checker
    from toolkit.contract.invariant_fast import holds_valid

    exact = not any(c.fails(payload) for c in checker(event).compiled)
    specialised = holds_valid((event,), tuple(payload))
    assert (True if specialised is None else specialised(payload)) == exact


def test_the_valid_cases_break_invariants_too() -> None:
    from toolkit.contract.invariant_check import checker

    broken = [
        p.values for p in _valid_agreement_cases() if not checker(p.values[0]).holds(p.values[1])
    ]
    assert len(broken) >= len(EVENTS)  # the agreement is tested on both answers


def test_a_specialised_checker_tests_only_what_the_schema_and_keys_leave_open() -> None:
    from toolkit.contract.invariant_fast import holds_valid

    push = contract.examples("repo_push")[0]
    source = holds_valid(("repo_push",), tuple(push)).__source__  # type: ignore[union-attr]
    assert "type(" not in source and ".get(" not in source  # strings the schema guarantees
    queued = contract.examples("build_queued")[0]
    assert "trigger_manual" not in queued
    source = holds_valid(("build_queued",), tuple(queued)).__source__  # type: ignore[union-attr]
    assert "trigger_manual" not in source and "'repo'" in source
    assert holds_valid(("repo_push",), ("repository", "namespace")) is None  # nothing applies
