"""The pattern rewrite: ECMA-262 meaning in pydantic's Rust engine, or a refusal that says why."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Annotated, Any

import pytest
import regress
from pydantic import Field, StrictStr, TypeAdapter, ValidationError

from tests.conftest import DATA
from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS, load_file, schema_files
from toolkit.modelgen import UnportablePatternError, rewrite
from toolkit.modelgen.schemas import patterns

TABLE = json.loads((DATA / "patterns" / "rewrite.json").read_text(encoding="utf-8"))

DIALECT = ("\u0085", "\ufeff", "\r", "\n", "\u2028", "\u2029", "\u00a0", "\u3000", "\t", "\x0b")
DIALECT += ("\u0661", "\u00e9", "\U0001f600", " ", "/")
"""Characters that ECMA-262 and Rust regex (or Python's re) classify differently, and a few that
every engine classifies alike, as controls."""

CODE_POINTS = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
"""Every Unicode scalar value (lone surrogates cannot reach either engine: JSON text is UTF-8)."""


@cache
def ecma(pattern: str) -> Callable[[str], bool]:
    """Search with ECMA-262 semantics (regress, the rich validator's engine)."""
    compiled = regress.Regex(pattern)
    return lambda text: compiled.find(text) is not None


@cache
def model(pattern: str) -> Callable[[str], bool]:
    """Whether a pydantic field with this `pattern` (Rust regex) accepts a string."""
    adapter: TypeAdapter[str] = TypeAdapter(Annotated[StrictStr, Field(pattern=pattern)])

    def accepts(text: str) -> bool:
        try:
            adapter.validate_python(text)
        except ValidationError:
            return False
        return True

    return accepts


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda c: c["ecma"])
def test_rewrite_means_in_rust_what_the_pattern_means_in_ecma262(case: dict[str, Any]) -> None:
    assert rewrite(case["ecma"]) == case["rewritten"], case["why"]
    for text in case["matches"]:
        assert ecma(case["ecma"])(text), f"the table is wrong: ECMA-262 misses {text!r}"
        assert model(case["rewritten"])(text), f"{case['why']}: pydantic misses {text!r}"
    for text in case["misses"]:
        assert not ecma(case["ecma"])(text), f"the table is wrong: ECMA-262 matches {text!r}"
        assert not model(case["rewritten"])(text), f"{case['why']}: pydantic matches {text!r}"


@pytest.mark.parametrize("case", TABLE["unportable"], ids=lambda c: c["ecma"])
def test_constructs_without_an_equivalent_are_refused(case: dict[str, Any]) -> None:
    with pytest.raises(UnportablePatternError) as info:
        rewrite(case["ecma"])
    assert (info.value.construct, info.value.position) == (case["construct"], case["offset"])
    assert f"{case['construct']} at offset {case['offset']} of " in str(info.value)


def _split(pattern: str) -> tuple[str, str]:
    """Every code point that ECMA-262 `pattern` matches, and every other, each as one string."""
    compiled = regress.Regex(pattern)
    inside: list[str] = []
    outside: list[str] = []
    for char in CODE_POINTS:
        (inside if compiled.find(char) is not None else outside).append(char)
    return "".join(inside), "".join(outside)


@pytest.mark.parametrize("escape", ["s", "d", "w"])
def test_class_escapes_agree_with_ecma262_on_every_code_point(escape: str) -> None:
    members, others = _split(rf"^\{escape}$")
    # The rewrite of \X is [...] and that of its negation [^...] with the same members, so
    # accepting every member and every non-member respectively pins both down exactly.
    assert rewrite(rf"\{escape.upper()}") == "[^" + rewrite(rf"\{escape}")[1:]
    assert model(rewrite(rf"^\{escape}+$"))(members)
    assert model(rewrite(rf"^\{escape.upper()}+$"))(others)
    assert model(rewrite(rf"^[^\{escape}]+$"))(others)


def test_dot_agrees_with_ecma262_on_every_code_point() -> None:
    members, excluded = _split("^.$")
    assert excluded == "\n\r\u2028\u2029"
    assert model(rewrite("^.+$"))(members)
    assert not any(model(rewrite("."))(c) for c in excluded)


def schema_patterns() -> list[Any]:
    """(pointer, pattern) for every pattern of the contract."""
    return [
        pytest.param(pattern, id=pointer)
        for path in schema_files()
        for pointer, pattern in patterns(load_file(path), f"{path.name}#")
    ]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@cache
def corpus() -> tuple[str, ...]:
    """Every string of the examples, test-notification bodies and 100 fuzzed payloads per event."""
    payloads: list[Any] = [p for e in EVENTS for p in contract.examples(e)]
    payloads += [p for e in EVENTS for p in contract.test_notification_examples(e)]
    payloads += fuzz.sample(None, 100, seed="patterns")
    return tuple(sorted({s for p in payloads for s in _strings(p)}))


def test_the_contract_has_patterns_and_the_corpus_strings() -> None:
    assert len(schema_patterns()) >= 20 and len(corpus()) >= 1000


@pytest.mark.parametrize("pattern", schema_patterns())
def test_every_contract_pattern_reads_alike_in_both_engines(pattern: str) -> None:
    rewritten = rewrite(pattern)
    original, ported = ecma(pattern), model(rewritten)
    matching = [s for s in corpus() if original(s)][:60]
    texts = set(corpus()[:200]) | set(matching)
    for base in matching:
        middle = len(base) // 2
        texts |= {f"{c}{base}" for c in DIALECT} | {f"{base}{c}" for c in DIALECT}
        texts |= {base[:middle] + c + base[middle:] for c in DIALECT}
    assert matching, f"no string of the corpus matches {pattern!r}"
    disagree = sorted(t for t in texts if original(t) != ported(t))
    assert not disagree, f"{pattern!r} -> {rewritten!r} differ on {disagree[:5]!r}"
