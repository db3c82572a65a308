"""Bytes to a JSON value, with a precise reason when that is impossible.

orjson does the parsing (it rejects NaN/Infinity, invalid UTF-8 and nesting deeper than 1024
levels without recursing in Python); this module turns its errors into messages that say what
the input really is (empty, binary, latin-1, UTF-16, truncated, too deep ...) and where. A value
nested deeper than MAX_DEPTH is refused here, once, so that nothing downstream recurses into it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

from toolkit.inputs.limits import MAX_DEPTH

BOM = b"\xef\xbb\xbf"
_NONFINITE = re.compile(rb"-?(?:NaN|Infinity)")
_COMMENT_OR_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class DecodeError(ValueError):
    """The bytes are not a JSON value; the message says why and where."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A parsed value and anything worth noting about how it was written."""

    value: Any
    notes: tuple[str, ...] = ()
    text: bytes = b""
    """The bytes that were parsed (BOM and comments removed, same line structure)."""


def decode(data: bytes, *, allow_comments: bool = False, check_duplicates: bool = True) -> Decoded:
    """Parse `data` as one JSON value.

    A UTF-8 byte-order mark is stripped and noted. Duplicate object keys are noted (JSON parsers
    disagree on which value wins). Raises DecodeError with a precise message otherwise.
    """
    notes: list[str] = []
    if data.startswith(BOM):
        data = data[len(BOM) :]
        notes.append("UTF-8 byte-order mark (BOM) stripped; Quay never sends one")
    if allow_comments and b"/" in data:
        data = strip_comments(data)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(explain(data, exc)) from None
    if isinstance(value, dict | list):
        try:  # the re-serialisation that proves no key repeats also bounds the depth
            again = orjson.dumps(value)
        except orjson.JSONEncodeError:
            raise DecodeError(too_deep(data)) from None
        if check_duplicates and _may_repeat(data, again):
            notes.extend(duplicate_keys(data))
    return Decoded(value, tuple(notes), data)


def too_deep(data: bytes, pos: int | None = None) -> str:
    """The message for a value nested deeper than MAX_DEPTH, at the first bracket too deep."""
    if pos is None:
        pos = deep_offset(data)
    line, col = position(data, pos)
    return (
        f"nested deeper than {MAX_DEPTH} levels at line {line} column {col}: the limit of every "
        "reader (Quay's payloads nest 5)"
    )


def deep_offset(data: bytes, limit: int = MAX_DEPTH) -> int:
    """The byte offset of the first bracket that opens level `limit + 1` (0 if none does)."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(data):
        char = match.group()
        if char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif char in (b"]", b"}"):
            depth -= 1
    return 0


def explain(data: bytes, exc: orjson.JSONDecodeError) -> str:
    """A message that says what is wrong with `data`, naming line and column."""
    if not data.strip():
        return "empty: no JSON value" if not data else "blank: only whitespace, no JSON value"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text (byte-order mark FF FE / FE FF); JSON must be UTF-8"
    if _is_binary(data):
        return "binary data, not JSON text"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = position(data, err.start)
        return (
            f"not UTF-8: byte 0x{data[err.start]:02x} at line {line} column {col} "
            "(latin-1 or another legacy encoding?); JSON must be UTF-8"
        )
    message = str(exc).split(": line ")[0]
    pos = _byte_offset(data, exc.pos)
    line, col = position(data, pos)
    where = f"line {line} column {col}"
    if _NONFINITE.match(data, pos):
        return f"NaN/Infinity is not valid JSON at {where}"
    if "depth limit" in message:
        return too_deep(data, deep_offset(data))
    if "unexpected end of data" in message or "EOF" in message:
        return f"truncated JSON: input ends inside a value ({where})"
    if "content after document" in message:
        return f"more than one JSON value: extra content at {where}"
    if data[pos : pos + 2] in (b"//", b"/*"):
        return f"comment at {where} (JSON has no comments; use --allow-comments)"
    return f"invalid JSON: {message} at {where}"


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of byte `offset`; the column counts characters."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _byte_offset(data: bytes, char_pos: int) -> int:
    """orjson reports character positions; convert to a byte offset."""
    if data.isascii():
        return min(char_pos, len(data))
    return len(data.decode("utf-8", "replace")[:char_pos].encode("utf-8"))


def _is_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 10


def strip_comments(data: bytes) -> bytes:
    """Blank out `//` and `/* */` comments (outside strings), keeping every line and column."""

    def blank(match: re.Match[bytes]) -> bytes:
        text = match.group()
        if text.startswith(b'"'):
            return text
        return re.sub(rb"[^\n]", b" ", text)

    return _COMMENT_OR_STRING.sub(blank, data)


def may_repeat_keys(data: bytes, value: Any) -> bool:
    """A cheap pre-check; False proves that parsing `data` into `value` dropped no repeated key.

    orjson re-serialises `value` escaping only what JSON requires, one backslash per escaped
    character, and `data` needs at least as many for the same text. So as many backslashes in
    both means every kept character was written alike (no colon hidden as `\\u003a`); then as
    many colons means as many keys, since each key adds one colon and each kept string the same
    number. Spacing around colons does not matter. When this says True, the exact check runs.
    Compact text (as orjson or `jq -c` write it) is settled by one comparison. A value too deep
    to re-serialise says True: the exact path (`decode`) reports it.
    """
    try:
        again = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return True
    return _may_repeat(data, again)


def _may_repeat(data: bytes, again: bytes) -> bool:
    """may_repeat_keys, given `again`, the value re-serialised."""
    if data == again:
        return False
    if data.count(b":") != again.count(b":"):
        return True
    return b"\\" in data and data.count(b"\\") != again.count(b"\\")


def duplicate_keys(data: bytes) -> list[str]:
    """A note per object that repeats a key (orjson keeps the last value silently)."""
    if data.count(b":") < 2:
        return []
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen and len(found) < 20:
                    found.append(f"duplicate key {key!r}: the last value wins")
                seen.add(key)
        return out

    try:
        json.loads(data, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return []
    return found
