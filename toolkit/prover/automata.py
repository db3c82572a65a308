"""String constraints as byte automata: an ECMA-262 `pattern`, or `format: uri`, as a DFA over
printable ASCII.

The prover only ever runs an automaton over the raw bytes of a JSON string that holds no escape
and no byte outside 0x20-0x7E; on that alphabet ECMA-262 and Python's parser read the patterns
the contract uses alike (`.` is any character, `\\s` is the space, `$` is the end: there is no
line terminator to tell them apart). A pattern with any construct outside a small, checked subset
raises Unsupported, and its field is never proven. A DFA has states 1..n (0 is the dead state,
1 the start); bytes outside the alphabet lead to 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as C
from re import _parser
from typing import Any, cast

ALPHABET = tuple(range(0x20, 0x7F))
"""The bytes an automaton reads; any other byte makes the prover say "don't know"."""
MAX_STATES = 4096
_HEX_ESCAPE = re.compile(r"\\x[0-9A-Fa-f]{2}")
_SAFE_ESCAPES = frozenset("dDwWsS./-\\[](){}*+?^$|")
_DIGIT = frozenset(range(0x30, 0x3A))
_WORD = _DIGIT | frozenset(range(0x41, 0x5B)) | frozenset(range(0x61, 0x7B)) | {0x5F}
_SPACE = frozenset({0x20})  # ECMA `\s` within the alphabet
_ALL = frozenset(ALPHABET)
_CATEGORIES = {
    C.CATEGORY_DIGIT: _DIGIT,
    C.CATEGORY_NOT_DIGIT: _ALL - _DIGIT,
    C.CATEGORY_WORD: _WORD,
    C.CATEGORY_NOT_WORD: _ALL - _WORD,
    C.CATEGORY_SPACE: _SPACE,
    C.CATEGORY_NOT_SPACE: _ALL - _SPACE,
}

URI = (
    r"^[a-z][a-z0-9+.-]*://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,4})?"
    r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@-]*)*$"
)
"""A conservative subset of RFC 3986 absolute URIs (no query, fragment, percent-escape, user
info or IP literal): what it accepts, `format: uri` accepts; the rest is "don't know"."""


class Unsupported(ValueError):
    """A pattern outside the subset the prover compiles."""


@dataclass(frozen=True)
class Dfa:
    """A deterministic automaton over bytes (see the module docstring)."""

    transitions: tuple[tuple[int, ...], ...]
    """Per state (index 0 the dead state), the next state for each byte of ALPHABET."""
    accepting: frozenset[int]
    exact: bool
    """Whether it accepts exactly what the exact path accepts on the alphabet (else a subset)."""

    def accepts(self, text: bytes) -> bool:
        state = 1
        for byte in text:
            if not 0x20 <= byte < 0x7F:
                return False
            state = self.transitions[state][byte - 0x20]
            if not state:
                return False
        return state in self.accepting


def compile_pattern(pattern: str, *, exact: bool = True) -> Dfa:
    """The DFA of an ECMA-262 pattern (searched, as JSON Schema does), or Unsupported."""
    _check_escapes(pattern)
    try:
        parsed = _parser.parse(pattern)
    except re.error as error:
        raise Unsupported(str(error)) from error
    items = list(parsed)
    start_anchor = bool(items) and items[0] == (C.AT, C.AT_BEGINNING)
    end_anchor = bool(items) and items[-1] == (C.AT, C.AT_END) and len(items) > start_anchor
    body = items[int(start_anchor) : len(items) - int(end_anchor)]
    nfa = _Nfa()
    start = nfa.new()
    head = start
    if not start_anchor:
        head = nfa.star_any(head)
    tail = nfa.sequence(body, head)
    if not end_anchor:
        tail = nfa.star_any(tail)
    return _determinise(nfa, start, tail, exact)


def _check_escapes(pattern: str) -> None:
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            if _HEX_ESCAPE.match(pattern, i):  # \xHH: one code point in ECMA-262 and in Python
                i += 4
                continue
            if i + 1 >= len(pattern) or pattern[i + 1] not in _SAFE_ESCAPES:
                raise Unsupported(f"escape at {i} of {pattern!r}")
            i += 2
            continue
        if not 0x20 <= ord(pattern[i]) < 0x7F:
            raise Unsupported(f"non-ASCII character in {pattern!r}")
        i += 1


class _Nfa:
    """A Thompson NFA: epsilon edges and single-set edges."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[frozenset[int], int]]] = []

    def new(self) -> int:
        self.eps.append([])
        self.edges.append([])
        if len(self.eps) > 20 * MAX_STATES:
            raise Unsupported("pattern too large")
        return len(self.eps) - 1

    def star_any(self, state: int) -> int:
        loop = self.new()
        self.eps[state].append(loop)
        self.edges[loop].append((_ALL, loop))
        return loop

    def sequence(self, items: list[tuple[object, object]], state: int) -> int:
        for op, arg in items:
            state = self.item(op, arg, state)
        return state

    def item(self, op: object, arg: object, state: int) -> int:
        if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY):
            chars = _charset(op, arg)
            end = self.new()
            self.edges[state].append((chars, end))
            return end
        if op is C.SUBPATTERN:
            _group, add, remove, sub = cast(tuple[Any, int, int, Any], arg)
            if add or remove:
                raise Unsupported("inline flags")
            return self.sequence(list(sub), state)
        if op is C.BRANCH:
            _, branches = cast(tuple[Any, list[Any]], arg)
            end = self.new()
            for branch in branches:
                self.eps[self.sequence(list(branch), state)].append(end)
            return end
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):  # the language is the same either way
            low, high, sub = cast(tuple[int, int, Any], arg)
            items = list(sub)
            for _ in range(low):
                state = self.sequence(items, state)
            if high == C.MAXREPEAT:
                loop = self.new()
                self.eps[state].append(loop)
                self.eps[self.sequence(items, loop)].append(loop)
                return loop
            end = self.new()
            self.eps[state].append(end)
            for _ in range(high - low):
                state = self.sequence(items, state)
                self.eps[state].append(end)
            return end
        raise Unsupported(f"construct {op}")


def _charset(op: object, arg: object) -> frozenset[int]:
    if op is C.ANY:
        return _ALL
    if op is C.LITERAL:
        return frozenset({cast(int, arg)}) & _ALL
    if op is C.NOT_LITERAL:
        return _ALL - {cast(int, arg)}
    out: set[int] = set()
    negate = False
    for kind, value in cast(list[tuple[Any, Any]], arg):
        if kind is C.NEGATE:
            negate = True
        elif kind is C.LITERAL:
            out.add(value)
        elif kind is C.RANGE:
            out.update(range(value[0], value[1] + 1))
        elif kind is C.CATEGORY and value in _CATEGORIES:
            out.update(_CATEGORIES[value])
        else:
            raise Unsupported(f"class member {kind}")
    chars = frozenset(out) & _ALL
    return _ALL - chars if negate else chars


def _determinise(nfa: _Nfa, start: int, final: int, exact: bool) -> Dfa:
    def closure(states: frozenset[int]) -> frozenset[int]:
        stack, seen = list(states), set(states)
        while stack:
            for nxt in nfa.eps[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    first = closure(frozenset({start}))
    index: dict[frozenset[int], int] = {frozenset(): 0, first: 1}
    order = [frozenset(), first]
    rows: list[tuple[int, ...]] = [(0,) * len(ALPHABET)]
    i = 1
    while i < len(order):
        current = order[i]
        row = []
        for byte in ALPHABET:
            moved = frozenset(to for s in current for chars, to in nfa.edges[s] if byte in chars)
            target = closure(moved) if moved else frozenset()
            if target not in index:
                if len(order) >= MAX_STATES:
                    raise Unsupported("automaton too large")
                index[target] = len(order)
                order.append(target)
            row.append(index[target])
        rows.append(tuple(row))
        i += 1
    accepting = frozenset(n for n, states in enumerate(order) if final in states)
    return Dfa(tuple(rows), accepting, exact)


def included(a: Dfa, b: Dfa) -> bool:
    """Whether every string `a` accepts, `b` accepts (so a check by `b` after `a` is implied)."""
    seen = {(1, 1)}
    stack = [(1, 1)]
    while stack:
        sa, sb = stack.pop()
        if sa in a.accepting and sb not in b.accepting:
            return False
        for na, nb in zip(a.transitions[sa], b.transitions[sb], strict=True):
            if na and (na, nb) not in seen:
                seen.add((na, nb))
                stack.append((na, nb))
    return True
