"""The prover never says "valid" where the exact path does not, and when it does, its candidates
and fingerprint are the exact path's: over every example, test notification, invalid case,
traced release body, fuzzed payload and one-rule mutant, and mutated and hostile lines.

Each test trains a fresh Prover on every line it then checks, invalid ones included (a program
learned from any line must be sound), and also checks lines with skeletons it has learned.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import orjson
import pytest

from tests.validation.corpus import invalid_payloads, release_bodies, valid_payloads
from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS
from toolkit.prover.learn import Prover
from toolkit.prover.mutants import mutants
from toolkit.prover.native import built
from toolkit.validation.proven import divergence

pytestmark = pytest.mark.skipif(not built(), reason="the native prover is not built")


def _train(prover: Prover, lines: Iterable[bytes]) -> int:
    learned = 0
    for raw in lines:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if type(obj) is dict:
            learned += prover.learn(raw, obj)
    return learned


def _diverging(prover: Prover, lines: Iterable[bytes], target: str | None = None) -> list[str]:
    return [d for raw in lines if (d := divergence(prover, raw, target)) is not None]


def _base() -> list[bytes]:
    notes = [p for e in EVENTS for p in contract.test_notification_examples(e)]
    payloads = valid_payloads() + invalid_payloads() + notes
    return [orjson.dumps(p) for p in payloads] + release_bodies()


def _fuzzed() -> list[bytes]:
    drawn = fuzz.samples(None, 12, seed=18) + fuzz.samples(None, 12, seed=18, invalid=True)
    return [orjson.dumps(s.payload) for s in drawn]


def test_the_contract_corpus_is_proven_soundly() -> None:
    prover = Prover()
    lines = _base() + _fuzzed()
    assert _train(prover, lines) > 20
    assert _diverging(prover, lines) == []
    proven = sum(prover.scanner.prove(raw) >= 0 for raw in lines)
    assert proven > len(lines) // 3  # it does prove: most valid lines have a program


@pytest.mark.parametrize("target", [None, "3.8.0", "3.3.4", "3.12.0"])
def test_mutated_and_hostile_lines_are_never_proven_wrongly(target: str | None) -> None:
    prover = Prover()
    base = _base() + _fuzzed()
    _train(prover, base)
    rng = random.Random(f"prover-{target}")
    lines = [m for raw in base for m in mutants(raw, rng, 12)]
    _train(prover, lines)  # mutants that still pass teach it more skeletons
    assert _diverging(prover, lines, target) == []
    assert _diverging(prover, base, target) == []


def test_what_the_scanner_refuses() -> None:
    prover = Prover()
    example = orjson.dumps(contract.examples("repo_push")[0])
    assert _train(prover, [example]) == 1
    assert prover.scanner.prove(example) >= 0
    name = orjson.loads(example)["name"].encode()
    refused = [
        example.replace(b'"' + name + b'"', b'"\\u0061"', 1),  # \u escapes
        example.replace(b'"' + name + b'"', b'"\xff"', 1),  # invalid UTF-8
        example.replace(b'"' + name + b'"', b'"\xed\xa0\x80"', 1),  # a UTF-8 surrogate
        example.replace(b'"' + name + b'"', b'"\xc0\xaf"', 1),  # an overlong form
        example[:-1] + b',"name":"x"}',  # a repeated key
        example.replace(b"{", b"{ ", 1)[:-1] + b",}",  # a trailing comma
        b"\xef\xbb\xbf" + example,  # a byte-order mark
        example + b" x",
        example.replace(b'"' + name + b'"', b'"caf\xc3\xa9"', 1),  # non-ASCII in a pattern field
        example.replace(b'"' + name + b'"', b'"a\\tb"', 1),  # a tab (escaped) in it
    ]
    found = [prover.scanner.prove(raw) for raw in refused]
    assert found == [-3, -3, -3, -3, -2, -3, -3, -3, -1, -1]
    assert prover.scanner.prove(b" " + example + b"\r") >= 0  # white space is JSON's
