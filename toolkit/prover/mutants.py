"""Mutated and hostile lines for differential tests of the prover (tests/prover, bench/
prover_fuzz.py): byte flips, key swaps, value swaps between fields, and the bytes a strict reader
must refuse or read exactly (escapes, repeated keys, deep nesting, huge numbers, `\\u0000`,
invalid UTF-8, lone surrogates)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import orjson

HOSTILE: tuple[bytes, ...] = (
    b'"\\u0000"',
    b'"\\ud800"',
    b'"\\udc00x"',
    b'"\\ud83d\\ude00"',
    b'"\xff"',
    b'"\xc3\x28"',
    b'"\xed\xa0\x80"',
    b'"caf\xc3\xa9"',
    b'"\xc0\xaf"',
    b'"\xe0\x80\xaf"',
    b'"\xf4\x90\x80\x80"',
    b'"\xf8\x88\x80\x80\x80"',
    b'"\xe2\x98"',
    b'"\xef\xbf\xbf"',
    b'"\xf0\x9f\x98\x80"',
    b'"\xe2\x80\xa8"',
    b'"\x7f"',
    b'"https:\\/\\/quay.io\\/repository\\/acme\\/webapp"',
    b'"TEST NOTIFICATION"',
    b'"TEST\\/NOTIFICATION"',
    b'"bitbucket"',
    b'"line\\nbreak"',
    b'"a\\/b"',
    b'"a\\"b"',
    b'"tab\\tin"',
    b'"\\u0041"',
    b"123456789012345678901234567890",
    b"-0",
    b"1.0",
    b"1e3",
    b"1E+400",
    b"-1",
    b"0.5",
    b"01",
    b"true",
    b"null",
    b"[]",
    b"{}",
    b'""',
    b'" "',
    b"[" * 70 + b"]" * 70,
    b'{"a":' * 70 + b"1" + b"}" * 70,
)
"""Values spliced in place of a field's value."""


def _spans(raw: bytes) -> list[tuple[int, int]]:
    """Byte spans of the top-level values of a one-line object (approximate: by parsing)."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return []
    if type(obj) is not dict:
        return []
    spans = []
    for key, value in obj.items():
        text = orjson.dumps(value)
        head = orjson.dumps(key) + b":"
        at = raw.find(head + text)
        if at >= 0:
            spans.append((at + len(head), at + len(head) + len(text)))
    return spans


def mutants(raw: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    """`count` variants of the line `raw`."""
    spans = _spans(raw)
    for _ in range(count):
        kind = rng.randrange(9)
        if kind <= 2 and raw:  # flip, insert or delete a byte
            i = rng.randrange(len(raw))
            byte = bytes([rng.choice(b'"\\{}[],:0aZ/.- \x00\x7f\xc3\xff' + bytes([raw[i] ^ 1]))])
            yield (
                raw[:i] + byte + raw[i + 1 :]
                if kind == 0
                else raw[:i] + byte + raw[i:]
                if kind == 1
                else raw[:i] + raw[i + 1 :]
            )
        elif kind == 3 and len(spans) >= 2:  # swap two values
            (a, b), (c, d) = sorted(rng.sample(spans, 2))
            yield raw[:a] + raw[c:d] + raw[b:c] + raw[a:b] + raw[d:]
        elif kind == 4 and spans:  # a hostile value
            a, b = rng.choice(spans)
            yield raw[:a] + rng.choice(HOSTILE) + raw[b:]
        elif kind == 5 and spans:  # a value repeated under its own key (a duplicate key)
            yield _duplicate(raw, rng)
        elif kind == 6 and spans:  # change one character inside a string value
            a, b = rng.choice(spans)
            if b - a > 2 and raw[a : a + 1] == b'"':
                i = rng.randrange(a + 1, b - 1)
                yield raw[:i] + bytes([rng.choice(b"aZ09-_./: %@")]) + raw[i + 1 :]
            else:
                yield raw
        elif kind == 7:  # swap two keys
            yield _swap_keys(raw, rng)
        elif rng.randrange(2):  # slashes written as escapes (the same value, other bytes)
            yield raw.replace(b"/", b"\\/", rng.randrange(1, 4))
        else:  # a digit nudged
            yield _nudge(raw, rng)


def _duplicate(raw: bytes, rng: random.Random) -> bytes:
    obj = orjson.loads(raw)
    key = rng.choice(list(obj))
    other = rng.choice(list(obj.values()))
    return raw[:-1] + b"," + orjson.dumps(key) + b":" + orjson.dumps(other) + b"}"


def _swap_keys(raw: bytes, rng: random.Random) -> bytes:
    try:
        obj: dict[str, Any] = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    keys = list(obj) if type(obj) is dict else []
    if len(keys) < 2:
        return raw
    a, b = rng.sample(keys, 2)
    out = {(b if k == a else a if k == b else k): v for k, v in obj.items()}
    return orjson.dumps(out)


def _nudge(raw: bytes, rng: random.Random) -> bytes:
    digits = [i for i, c in enumerate(raw) if 0x30 <= c <= 0x39]
    if not digits:
        return raw
    i = rng.choice(digits)
    return raw[:i] + bytes([rng.choice(b"0123456789")]) + raw[i + 1 :]


def documents(raw: bytes) -> Iterator[bytes]:
    """Whole files made of the line `raw`, as people save them: compact, indented (two spaces,
    tabs, CRLF line ends), with a final newline, after a byte-order mark, in an array, and two
    documents in one file (one after the other, or as two lines)."""
    yield raw
    yield raw + b"\n"
    yield b"\xef\xbb\xbf" + raw
    yield raw + raw
    yield raw + b"\n" + raw + b"\n"
    yield b"[" + raw + b"]"
    yield b" \r\n\t" + raw + b"\r\n"
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    indented = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    yield indented
    yield indented + b"\n"
    yield indented.replace(b"\n", b"\r\n").replace(b"  ", b"\t")
    yield indented + b"\n" + indented + b"\n"
