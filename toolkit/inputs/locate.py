"""Where a JSON value sits in its text: a JSON pointer to line:column, computed on failure only."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*+[\s\S][ \t\n\r]*+")
"""White space, the one character after a member's name (its `:`), white space."""
_NEXT = re.compile(r"[ \t\n\r]*+(?:,[ \t\n\r]*+)?")
"""White space after a value, and a comma with the white space after it, if there is one."""

Pointer = Sequence[str | int]


def locate(text: str, pointer: Pointer) -> int | None:
    """The character offset where the value at `pointer` starts, or None if it is not there.

    Values are skipped with the C scanner, so this costs about one parse of the text.
    """
    return Locator(text)(pointer)


class Locator:
    """locate() for any number of pointers into one text: each object on the way is read once
    (a verdict's findings often sit in the same object)."""

    __slots__ = ("_members", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._members: dict[int, dict[str, int]] = {}

    def __call__(self, pointer: Pointer) -> int | None:
        text = self.text
        try:
            i = _ws(text, 0)
            for step in pointer:
                if text[i] == "{":
                    found = self._object(i).get(str(step))
                else:
                    found = _array_item(text, i, step)
                if found is None:
                    return None
                i = found
        except (ValueError, IndexError):
            return None
        return i

    def _object(self, start: int) -> dict[str, int]:
        """Each member's name -> where its value starts, in the object at `start` (with
        repeated names the last one wins, as in the decoded payload)."""
        known = self._members.get(start)
        if known is None:
            known = self._members[start] = _object_members(self.text, start)
        return known


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    assert match is not None  # `*` matches the empty string too
    return match.end()


def _object_members(text: str, i: int) -> dict[str, int]:
    """The members of the object at `i` (raises ValueError or IndexError if it is cut short)."""
    found: dict[str, int] = {}
    colon, following, decode = _COLON.match, _NEXT.match, _DECODER.raw_decode
    i = _ws(text, i + 1)
    while text[i] != "}":
        key, i = scanstring(text, i + 1)
        after = colon(text, i)
        if after is None:
            raise ValueError("a member without a value")
        i = after.end()
        found[key] = i
        end = decode(text, i)[1]
        gap = following(text, end)
        assert gap is not None  # every part is optional
        i = gap.end()
    return found


def _array_item(text: str, i: int, step: str | int) -> int | None:
    if text[i] != "[" or not isinstance(step, int):
        return None
    i = _ws(text, i + 1)
    index = 0
    while text[i] != "]":
        if index == step:
            return i
        gap = _NEXT.match(text, _DECODER.raw_decode(text, i)[1])
        assert gap is not None  # every part is optional
        i = gap.end()
        index += 1
    return None
