"""Where things are in a template's text: every string's place, repeated keys, line:column.

Positions are character offsets into the template text. A placeholder's position is the offset
of its `$` in the source, found by walking the string literal's escapes (`\\u0024{x}` is a
placeholder too: Quay decodes the JSON before it looks for `${`).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]

from toolkit.inputs.locate import line_column

Pointer = tuple[str | int, ...]

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
MAX_DEPTH = 400
"""Deeper templates are not indexed (Quay cannot render them reliably anyway)."""


@dataclass
class Index:
    """The string literals of a template text: where each key and string value starts."""

    text: str
    strings: dict[tuple[Pointer, bool], int] = field(default_factory=dict)
    """(pointer, is_key) -> offset of the opening quote. With repeated keys, the last one."""
    repeated: list[tuple[Pointer, int]] = field(default_factory=list)
    """(pointer of the member, offset of the repeated key) for keys that occur twice."""

    def offset(self, pointer: Pointer, key: bool = False, at: int = 0) -> int | None:
        """The offset of character `at` of the string at `pointer` (its key if `key`)."""
        start = self.strings.get((pointer, key))
        if start is None:
            return None
        return literal_offset(self.text, start, at)

    def position(self, offset: int | None) -> tuple[int | None, int | None]:
        """1-based (line, column) of an offset."""
        if offset is None:
            return None, None
        return line_column(self.text, offset)


def index(text: str) -> Index:
    """Index the string literals of a JSON text; a text that does not parse indexes partly."""
    found = Index(text)
    with contextlib.suppress(ValueError, IndexError, RecursionError):
        _value(text, _ws(text, 0), (), found, 0)
    return found


def literal_offset(text: str, quote: int, at: int) -> int:
    """The source offset of decoded character `at` of the string literal opening at `quote`."""
    i = quote + 1
    for _ in range(at):
        if text[i] != "\\":
            i += 1
        elif text[i + 1] != "u":
            i += 2
        elif _pair(text, i):
            i += 12  # a surrogate pair decodes to one character
        else:
            i += 6
    return i


def _pair(text: str, i: int) -> bool:
    first = text[i + 2 : i + 6]
    second = text[i + 6 : i + 12]
    return (
        len(first) == 4
        and "d800" <= first.lower() <= "dbff"
        and second[:2] == "\\u"
        and "dc00" <= second[2:].lower() <= "dfff"
    )


def _ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    assert match is not None
    return match.end()


def _value(text: str, i: int, at: Pointer, found: Index, depth: int) -> int:
    """Index the value starting at `i`; return the offset just after it."""
    char = text[i]
    if char == '"':
        found.strings[(at, False)] = i
        return int(scanstring(text, i + 1)[1])
    if char not in "[{":
        return int(_DECODER.raw_decode(text, i)[1])
    if depth >= MAX_DEPTH:
        return int(_DECODER.raw_decode(text, i)[1])
    closing = "]" if char == "[" else "}"
    i = _ws(text, i + 1)
    count = 0
    seen: set[str] = set()
    while text[i] != closing:
        if char == "[":
            i = _value(text, i, (*at, count), found, depth + 1)
        else:
            key, end = scanstring(text, i + 1)
            member = (*at, key)
            if key in seen:
                found.repeated.append((member, i))
            seen.add(key)
            found.strings[(member, True)] = i
            i = _ws(text, _ws(text, end) + 1)  # past ':'
            i = _value(text, i, member, found, depth + 1)
        i = _ws(text, i)
        if text[i] == ",":
            i = _ws(text, i + 1)
        count += 1
    return i + 1
