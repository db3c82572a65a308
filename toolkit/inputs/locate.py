"""Where a JSON value sits in its text: a JSON pointer to line:column, computed on failure only."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def locate(text: str, pointer: tuple[str | int, ...]) -> int | None:
    """The character offset where the value at `pointer` starts, or None if it is not there.

    Values are skipped with the C scanner, so this costs about one parse of the text.
    """
    i = _ws(text, 0)
    try:
        for step in pointer:
            found = _object_member(text, i, step) if text[i] == "{" else _array_item(text, i, step)
            if found is None:
                return None
            i = found
    except (ValueError, IndexError):
        return None
    return i


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    assert match is not None  # `*` matches the empty string too
    return match.end()


def _object_member(text: str, i: int, step: str | int) -> int | None:
    if text[i] != "{":
        return None
    found = None
    i = _ws(text, i + 1)
    while text[i] != "}":
        key, i = scanstring(text, i + 1)
        i = _ws(text, _ws(text, i) + 1)  # past ':'
        if key == str(step):
            found = i  # keep looking: with duplicate keys the last one wins
        i = _ws(text, _DECODER.raw_decode(text, i)[1])
        if text[i] == ",":
            i = _ws(text, i + 1)
    return found


def _array_item(text: str, i: int, step: str | int) -> int | None:
    if text[i] != "[" or not isinstance(step, int):
        return None
    i = _ws(text, i + 1)
    index = 0
    while text[i] != "]":
        if index == step:
            return i
        i = _ws(text, _DECODER.raw_decode(text, i)[1])
        if text[i] == ",":
            i = _ws(text, i + 1)
        index += 1
    return None
