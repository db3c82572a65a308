"""The fast path's lean validators: only implied patterns are dropped, and no verdict changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import regress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA
from toolkit import contract
from toolkit.contract.compiled import fast
from toolkit.contract.implied import implies
from toolkit.contract.lean import dropped, lean
from toolkit.contract.registry import EVENTS, load_all


def _patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return own.union(*(_patterns(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node))
    return set()


PATTERNS = sorted(_patterns(list(load_all().values())))
IMPLIED = [(p, q) for p in PATTERNS for q in PATTERNS if implies(p, q)]


def _ecma(pattern: str, text: str) -> bool:
    return regress.Regex(pattern).find(text) is not None


def test_the_contract_has_implied_patterns_to_drop() -> None:
    assert len(IMPLIED) >= 3  # the repository, organization and build pages imply http_url
    # The homepage of every event carries http_url under a stronger pattern; the build events'
    # also carry the repository page's, implied by the build page's: 13 + 5 (perf-hotpath.md).
    assert sum(len(dropped(event)) for event in EVENTS) == 18
    for event in EVENTS:
        assert dropped(event), event


@pytest.mark.parametrize(("specific", "general"), IMPLIED)
def test_every_implication_holds_on_fuzzed_strings(specific: str, general: str) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(specific, fullmatch=True))
    def check(text: str) -> None:
        if _ecma(specific, text):  # Python's regex dialect may generate a few ECMA rejects
            assert _ecma(general, text), text

    check()


@pytest.mark.parametrize(
    ("specific", "general"),
    [
        (r"^https?://\S+$", r"^https?://[^\s/]+/repository/\S+$"),  # the other way round
        (r"^a.b$", r"^a\S+$"),  # `.` matches a space
        (r"^a b$", r"^a\S+$"),
        (r"^a[\s/]$", r"^a\S+$"),
        (r"^ab$", r"^a\S{2,}$"),  # too short
        (r"(?i)^ab$", r"^a\S+$"),  # flags
        (r"ab", r"a\S+"),  # not anchored
        (r"^ab$", r"^ab$"),  # equal patterns imply each other: neither is dropped
        (r"^a(?:b|\u00a0)$", r"^a\S+$"),  # ECMA whitespace in an alternative
    ],
)
def test_what_is_not_proven_is_not_implied(specific: str, general: str) -> None:
    assert not implies(specific, general)


def test_each_drop_is_implied_by_a_stronger_pattern_of_the_event() -> None:
    for event in EVENTS:
        kept = _patterns(contract.resolved(event)) - {p for _, p in dropped(event)}
        for _, pattern in dropped(event):
            assert any(implies(p, pattern) for p in kept if p != pattern), (event, pattern)


def _values() -> list[Any]:
    """Every example, test body and invalid case, and each homepage bent in ways that only
    one of its patterns (or its format) may catch."""
    out: list[Any] = []
    for event in EVENTS:
        out += contract.examples(event) + contract.test_notification_examples(event)
    out += [json.loads(p.read_text())["payload"] for p in sorted(DATA.glob("invalid/*/*.json"))]
    bends = [
        lambda h: h.replace("/build/", "/x|1/build/"),
        lambda h: h.replace("/repository/", "/repo/"),
        lambda h: h.replace("https://", "ftp://"),
        lambda h: h + "\n",
        lambda h: h + "\u00a0",
        lambda h: h.replace("/repository/", "/repository/\ufeff"),
        lambda h: h.replace("/repository/", "/organization/"),
        lambda h: h.rsplit("/build/", 1)[0],
        lambda h: h.upper(),
        lambda h: h.replace("://", ":// "),
    ]
    for event in EVENTS:
        for payload in contract.examples(event):
            if isinstance(payload.get("homepage"), str):
                out += [{**payload, "homepage": bend(payload["homepage"])} for bend in bends]
    return out


def test_lean_validators_give_every_verdict_the_full_ones_give() -> None:
    values = _values()
    for event in EVENTS:
        full, thin = fast(event), lean(event)
        assert thin is not full
        verdicts = [(full.is_valid(v), thin.is_valid(v)) for v in values]
        assert all(a == b for a, b in verdicts), event
        assert any(a for a, _ in verdicts) and not all(a for a, _ in verdicts)


def test_the_full_validator_still_explains_with_every_pattern() -> None:
    payload = dict(contract.examples("build_success")[0])
    payload["homepage"] = "https://quay.io/repository/a b/build/x"
    full = [e.kind.name for e in fast("build_success").iter_errors(payload)].count("pattern")
    thin = [e.kind.name for e in lean("build_success").iter_errors(payload)].count("pattern")
    assert full >= 3 and thin == 1  # explanations keep http_url and the repository page's
