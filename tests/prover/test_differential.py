"""The prover never says "valid" where the exact path does not, and when it does, its candidates
and fingerprint are the exact path's: over every example, test notification, invalid case,
traced release body, captured body, fuzzed payload and one-rule mutant, and mutated and hostile
lines.

Each test of a learning Prover trains a fresh one on every line it then checks, invalid ones
included (a program learned from any line must be sound), and also checks lines with skeletons
it has learned. The seeded scanner (toolkit.prover.seeded: the programs regenerate stored) is
checked on whole documents made of the same lines, compact and indented, with a final newline,
a byte-order mark, two documents in one file (toolkit.prover.mutants.documents).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import orjson
import pytest

from tests.validation.corpus import (
    captured_bodies,
    invalid_payloads,
    release_bodies,
    valid_payloads,
)
from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS
from toolkit.inputs.limits import SNIFF_BYTES
from toolkit.prover.learn import Prover
from toolkit.prover.mutants import documents, mutants
from toolkit.prover.native import built
from toolkit.prover.seeded import pass_key
from toolkit.validation.plain import plain_pass
from toolkit.validation.proven import divergence, document_divergence, mask

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
    return [orjson.dumps(p) for p in payloads] + release_bodies() + captured_bodies()


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


def test_a_special_byte_is_found_at_every_offset_of_a_string() -> None:
    """The tokenizer and the DFAs skip plain text 8 bytes at a time: a control byte, DEL, a
    byte that is not UTF-8, a quote or an escape is still seen wherever it sits."""
    prover = Prover()
    example = orjson.dumps(contract.examples("repo_push")[0])
    name = b'"latest"'  # a tag: a pattern to match, no invariant
    assert name in example
    assert _train(prover, [example.replace(name, b'"' + b"a" * 40 + b'"', 1)]) == 1
    lines, unreadable = [], []
    for offset in range(40):
        for inserted in (
            b"\x01",
            b"\x1f",
            b"\x7f",
            b"\x80",
            b"\xff",
            b"\\n",
            b'\\"',
            b"\xc3\xa9",
            b'"',
        ):
            text = b"a" * offset + inserted + b"a" * (39 - offset)
            line = example.replace(name, b'"' + text + b'"', 1)
            lines.append(line)
            if inserted in (b"\x01", b"\x1f", b"\x80", b"\xff", b'"'):
                unreadable.append(line)  # not JSON, or a stray quote: never read
    assert [prover.scanner.prove(raw) for raw in unreadable] == [-3] * len(unreadable)
    assert _diverging(prover, lines) == []
    assert prover.scanner.prove(example.replace(name, b'"' + b"a" * 40 + b'"', 1)) >= 0


def _diverging_documents(lines: Iterable[bytes]) -> tuple[list[str], int, int]:
    """(divergences, documents proven, documents) over every document form of `lines`."""
    found, proven, total = [], 0, 0
    for raw in lines:
        for data in documents(raw):
            total += 1
            proven += pass_key(data) is not None
            if (d := document_divergence(data)) is not None:
                found.append(d)
    return found, proven, total


def test_the_seeded_scanner_proves_every_contract_example() -> None:
    for event in EVENTS:
        for example in contract.examples(event):
            for data in (orjson.dumps(example), orjson.dumps(example, option=orjson.OPT_INDENT_2)):
                assert pass_key(data) == plain_pass(data) != None, (event, data)  # noqa: E711
                assert pass_key(data + b"\n") == pass_key(data)
                assert pass_key(b"\xef\xbb\xbf" + data) is None  # a byte-order mark: don't know
                assert pass_key(data + data) is None  # two documents: don't know


def test_seeded_documents_are_proven_soundly() -> None:
    found, proven, _ = _diverging_documents(_base() + _fuzzed())
    assert found == []
    assert proven > len(valid_payloads()) * 2  # every example, compact and indented, at least


def test_seeded_mutated_and_hostile_documents_are_never_proven_wrongly() -> None:
    rng = random.Random("seeded")
    lines = [orjson.dumps(p) for p in valid_payloads()] + release_bodies() + _fuzzed()
    found, proven, total = _diverging_documents(m for raw in lines for m in mutants(raw, rng, 24))
    assert found == []
    assert proven > total // 50  # mutants that keep a seeded skeleton do get proven


def test_files_in_a_directory_are_proven_soundly(tmp_path: Path) -> None:
    """The learning prover on whole files, as a directory run gives them to it (run_files):
    every document form of the corpus and of its mutants that it proves is one passing payload
    to the exact path, with the prover's candidates and fingerprint, and run_files reads the
    files as run() reads their bytes."""
    prover = Prover()
    base = _base() + _fuzzed()
    rng = random.Random("files")
    lines = base + [m for raw in base for m in mutants(raw, rng, 2)]
    _train(prover, lines)
    datas = [data for raw in lines for data in documents(raw)]
    found = [d for data in datas if (d := divergence(prover, data, whole=True)) is not None]
    assert found == []
    assert sum(prover.scanner.prove(data) >= 0 for data in datas) > 2 * len(valid_payloads())
    sample = rng.sample(datas, 400)
    paths = []
    for i, data in enumerate(sample):
        (tmp_path / f"{i}.json").write_bytes(data)
        paths.append(str(tmp_path / f"{i}.json"))
    marks = mask(prover, None)
    assert prover.scanner.run_files(paths, marks, SNIFF_BYTES) == prover.run(sample, marks)


def test_a_proven_file_of_two_payloads_is_a_divergence() -> None:
    """divergence(whole=True) reads a file as a directory run does: a scanner that proved a file
    holding two payloads, or one the exact path fails, would be caught."""
    prover = Prover()
    example = orjson.dumps(contract.examples("repo_push")[0])
    assert _train(prover, [example]) == 1
    result = prover.scanner.prove(example)

    class Claims:
        """A scanner that proves anything as the example's result."""

        def prove(self, raw: bytes) -> int:
            return result

    prover.scanner = Claims()  # type: ignore[assignment]
    assert divergence(prover, example, whole=True) is None
    indented = orjson.dumps(contract.examples("repo_push")[0], option=orjson.OPT_INDENT_2)
    assert divergence(prover, indented, whole=True) is None
    two = divergence(prover, example + b"\n" + example + b"\n", whole=True)
    assert two is not None and "holds 2 payloads" in two
    broken = example.replace(b'"repository":', b'"repository": 1, "x":', 1)
    assert (divergence(prover, broken, whole=True) or "").startswith("proven as")
