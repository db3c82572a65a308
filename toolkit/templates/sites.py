"""The placeholders of a parsed template, in the order Quay renders them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from toolkit.templates.engine import PLACEHOLDER, direct_expression

Pointer = tuple[str | int, ...]

_OPEN = re.compile(r"\$\{")


@dataclass(frozen=True)
class Placeholder:
    """One `${expr}` in one string of the template."""

    pointer: Pointer
    key: bool
    expression: str
    direct: bool
    """The string is exactly this placeholder: it renders to the matched value itself."""
    start: int
    """Index of its `$` in the (decoded) string."""
    text: str
    """The whole string."""


@dataclass(frozen=True)
class Oddity:
    """Placeholder-like text that is not what it seems: `$${x}`, or `${` never closed."""

    pointer: Pointer
    key: bool
    start: int
    kind: str
    """`no-escape` or `unclosed-placeholder`."""


def strings(value: Any, at: Pointer = ()) -> Iterator[tuple[Pointer, bool, str]]:
    """(pointer, is_key, text) of every string of a parsed template: keys before their values."""
    if isinstance(value, str):
        yield at, False, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, (*at, i))
    elif isinstance(value, dict):
        for name, member in value.items():
            yield (*at, name), True, name
            yield from strings(member, (*at, name))


def placeholders(value: Any) -> list[Placeholder]:
    """Every placeholder, in rendering order."""
    out: list[Placeholder] = []
    for pointer, key, text in strings(value):
        expression = direct_expression(text)
        if expression is not None:
            out.append(Placeholder(pointer, key, expression, True, 0, text))
            continue
        for match in PLACEHOLDER.finditer(text):
            out.append(Placeholder(pointer, key, match.group(1), False, match.start(), text))
    return out


def oddities(value: Any) -> list[Oddity]:
    """`$` right before a placeholder, and `${` that no `}` closes."""
    out: list[Oddity] = []
    for pointer, key, text in strings(value):
        spans = [m.span() for m in PLACEHOLDER.finditer(text)]
        for start, _ in spans:
            if start and text[start - 1] == "$":
                out.append(Oddity(pointer, key, start - 1, "no-escape"))
        for match in _OPEN.finditer(text):
            if not any(s <= match.start() < e for s, e in spans):
                out.append(Oddity(pointer, key, match.start(), "unclosed-placeholder"))
    return out
