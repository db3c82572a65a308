"""When one `pattern` implies another: every string the first matches, the second matches too.

Decided structurally, and only for one common form, so that a True is a proof: both patterns
are anchored (`^…$`); they share a prefix item for item; after it the general pattern has just
one repeated single-character class `C{m,}`, and the rest of the specific pattern can only
match at least `m` characters, every one of them in `C`. That covers the contract's URL
patterns: `^https?://[^\\s/]+/repository/\\S+$` implies `^https?://\\S+$`. Anything else,
including flags and constructs whose meaning differs between ECMA-262 and Python, answers
False. Patterns are parsed with Python's `re` parser; the whitespace classes are compared
under both dialects (a character counts as whitespace if either says so).
"""

from __future__ import annotations

import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]  # the `re` module's own parser
from functools import cache
from typing import Any

WHITESPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff\x1c\x1d\x1e\x1f\x85"
    + "".join(map(chr, range(0x2000, 0x200B)))
)
"""ECMA-262's `\\s` and Python's, together."""
_NOT_SPACE = (sre.IN, [(sre.CATEGORY, sre.CATEGORY_NOT_SPACE)])


def implies(specific: str, general: str) -> bool:
    """Whether every string `specific` matches is matched by `general` (see the module)."""
    a, b = _parse(specific), _parse(general)
    if a is None or b is None or a == b:
        return False
    k = 0
    while k < min(len(a), len(b) - 1) and a[k] == b[k]:
        k += 1
    tail = b[k:]
    if len(tail) != 1 or tail[0][0] is not sre.MAX_REPEAT:
        return False
    low, high, body = tail[0][1]
    if high != sre.MAXREPEAT or body != [_NOT_SPACE]:
        return False
    least = _least_non_space(a[k:])
    return least is not None and least >= low


@cache
def _parse(pattern: str) -> list[Any] | None:
    """The items between `^` and `$`, as plain nested lists and tuples; None when the pattern
    is not anchored at both ends, has flags, or cannot be parsed."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, ValueError):
        return None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None
    items = _plain(parsed)
    if (
        len(items) < 2
        or items[0] != (sre.AT, sre.AT_BEGINNING)
        or items[-1]
        != (
            sre.AT,
            sre.AT_END,
        )
    ):
        return None
    return list(items[1:-1])


def _plain(node: Any) -> Any:
    if isinstance(node, sre_parse.SubPattern):
        return [_plain(item) for item in node.data]
    if isinstance(node, (list, tuple)):
        return type(node)(_plain(item) for item in node)
    return node


def _least_non_space(items: list[Any]) -> int | None:
    """The fewest characters `items` match, if every character they can match is in `\\S`;
    None otherwise (or when unsure)."""
    total = 0
    for op, av in items:
        if op is sre.LITERAL:
            if chr(av) in WHITESPACE:
                return None
            total += 1
        elif op is sre.IN:
            if not _class_non_space(av):
                return None
            total += 1
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _, body = av
            inner = _least_non_space(body)
            if inner is None:
                return None
            total += low * inner
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = av
            inner = _least_non_space(body)
            if add_flags or del_flags or inner is None:
                return None
            total += inner
        elif op is sre.BRANCH:
            options = [_least_non_space(body) for body in av[1]]
            if not options or any(n is None for n in options):
                return None
            total += min(n for n in options if n is not None)
        else:
            return None  # `.`, anchors, back references ...: not proven
    return total


def _class_non_space(members: list[Any]) -> bool:
    """A character class that contains no whitespace character."""
    if members and members[0] == (sre.NEGATE, None):
        return (sre.CATEGORY, sre.CATEGORY_SPACE) in members[1:]
    for op, av in members:
        if op is sre.LITERAL and chr(av) not in WHITESPACE:
            continue
        if op is sre.RANGE and not any(chr(c) in WHITESPACE for c in range(av[0], av[1] + 1)):
            continue
        if op is sre.CATEGORY and av in (sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE):
            continue
        return False
    return True
