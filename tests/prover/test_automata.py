"""The pattern automata read the contract's ECMA-262 patterns exactly (on the printable ASCII the
scanner lets them see), and the uri automaton accepts only what `format: uri` accepts."""

from __future__ import annotations

import random

import jsonschema_rs
import pytest
import regress

from toolkit.contract.registry import load_all
from toolkit.prover.automata import URI, Unsupported, compile_pattern, included
from toolkit.prover.tables import URI_KEY, automata, patterns

PRINTABLE = "".join(map(chr, range(0x20, 0x7F)))
SEEDS = [
    "quay.io/acme/webapp",
    "https://quay.io/repository/acme/webapp/build/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    "https://quay.io/organization/acme",
    "refs/heads/main",
    "sha256:" + "ab" * 32,
    "0a1b2c3",
    "1.05 GB",
    "120 bytes",
    "7 days",
    "acme/webapp",
    "v1.2.3_rc-1",
    "http://example.com:8080/a/b",
]


def _strings(rng: random.Random, n: int) -> list[str]:
    out = [*SEEDS, ""]
    for _ in range(n):
        base = list(rng.choice(SEEDS))
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(base) + 1)
            op = rng.randrange(3)
            if op == 0 and base:
                base[min(i, len(base) - 1)] = rng.choice(PRINTABLE)
            elif op == 1:
                base.insert(i, rng.choice(PRINTABLE))
            elif base:
                del base[min(i, len(base) - 1)]
        out.append("".join(base))
    out += ["".join(rng.choice(PRINTABLE) for _ in range(rng.randrange(12))) for _ in range(n)]
    return out


@pytest.mark.parametrize("pattern", patterns(load_all().values()))
def test_each_automaton_matches_the_ecma_engine(pattern: str) -> None:
    try:
        dfa = compile_pattern(pattern)
    except Unsupported:
        assert pattern not in automata()[0]  # never proven: its fields stay "don't know"
        return
    regex = regress.Regex(pattern)
    for text in _strings(random.Random(pattern), 1500):
        assert dfa.accepts(text.encode()) == (regex.find(text) is not None), (pattern, text)


def test_every_schema_pattern_has_an_automaton() -> None:
    """A pattern without one leaves its field "don't know" on every line that has it: a schema
    edit (a new escape, a new construct) must not switch the prover off unnoticed. `\\xHH`
    means one code point in ECMA-262 and in Python alike."""
    refused = []
    for pattern in patterns(load_all().values()):
        try:
            compile_pattern(pattern)
        except Unsupported as e:
            refused.append((pattern, str(e)))
    assert refused == []


def test_the_uri_automaton_accepts_only_uris() -> None:
    dfa = compile_pattern(URI, exact=False)
    checker = jsonschema_rs.validator_for({"format": "uri"}, validate_formats=True)
    accepted = [t for t in _strings(random.Random("uri"), 6000) if dfa.accepts(t.encode())]
    assert len(accepted) > 200
    assert [t for t in accepted if not checker.is_valid(t)] == []
    assert not dfa.exact and URI_KEY in automata()[0]


def test_bytes_outside_printable_ascii_are_never_accepted() -> None:
    dfa = compile_pattern("^.*$")
    assert dfa.accepts(b"anything printable ~")
    assert not dfa.accepts(b"tab\there") and not dfa.accepts("café".encode())


def test_inclusion_of_automata() -> None:
    build = compile_pattern(r"^https?://[^\s/]+/repository/\S+/build/[0-9a-f]{8}$")
    http = compile_pattern(r"^https?://\S+$")
    assert included(build, http) and not included(http, build)


@pytest.mark.parametrize("pattern", [r"(?=a)b", r"\p{L}", r"(a)\1", r"\u0041", r"[\b]", "é"])
def test_constructs_outside_the_subset_are_refused(pattern: str) -> None:
    with pytest.raises(Unsupported):
        compile_pattern(pattern)
