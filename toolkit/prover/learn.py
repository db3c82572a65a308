"""Programs for the scanner, learned from lines the exact path has just accepted.

When a line with a new skeleton passes the hot path's plain route, its skeleton gets a program:
the ops under which (1) the route's schema accepts, (2) detection finds no test notification
(for each test body of the group, a marker value differs or its schema rejects) and (3) every
era of each candidate event that decides the fingerprint by validation gives the same answer as
for this line. Together with the skeleton (keys, kinds, array lengths, booleans and
nulls, no repeated key) these make the line's candidates and fingerprint those of every line the
program proves. A program is added only if the scanner itself passes the exemplar. The invariant
check is compiled too (toolkit.prover.invariants) where it can be; where not, the result is
proven "valid but check the invariants" and the loop runs the specialised Python check.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from toolkit.contract import compiled
from toolkit.contract.detect import plain_group, plain_route
from toolkit.contract.detect_index import index
from toolkit.contract.fingerprint import Each, era_checks, fingerprinter, plan
from toolkit.contract.invariant_check import checker
from toolkit.contract.invariant_fast import holds_valid
from toolkit.prover.automata import Dfa, included
from toolkit.prover.derive import Deriver
from toolkit.prover.invariants import compile_invariants
from toolkit.prover.tables import automata, packed
from toolkit.prover.tree import Node, Op, canonical_int, skeleton, tree

MAX_PROGRAMS = 4096
"""Skeletons with programs, at most (each has up to 8 programs: branches of `if`/`anyOf`)."""
MAX_TRIES = 16
"""Exemplars tried per skeleton before it is left to the exact path for good."""
MAX_FAILED = 16384
_CODES = {
    "dfa": 1,
    "ndfa": 2,
    "len": 3,
    "in": 4,
    "notin": 5,
    "imin": 6,
    "imax": 7,
    "anyne": 8,
    "distinct": 9,
    "eq": 10,
    "solve": 11,
    "percent": 12,
    "qbytes": 13,
}
_CHUNKS = {"lit": 1, "leaf": 2, "prefix": 3, "var": 4}


class Result(NamedTuple):
    """What a proven line is: its candidates, fingerprints, and invariants still to check."""

    candidates: tuple[str, ...]
    each: Each
    holds: Callable[[Any], bool] | None


class Prover:
    """One process's scanner and what it has learned."""

    def __init__(self) -> None:
        from toolkit.prover import _scan

        index, tables = packed()
        self.scanner = _scan.Scanner([(moves, accepting) for moves, accepting, _ in tables])
        self.index = index
        self.results: list[Result] = []
        self._result_ids: dict[tuple[Any, ...], int] = {}
        self._sets: dict[tuple[str, tuple[str, ...]], int] = {}
        self._inclusions: dict[tuple[int, int], bool] = {}
        self.keys: dict[Any, list[Any]] = {}
        """For the caller: per target, what it counts each result as (grown with `results`)."""
        self.programs: list[tuple[bytes, bytes, int]] = []
        """Every program added, in order: (skeleton, packed ops, result) (toolkit.prover.seeds
        stores them)."""
        self.sets: list[tuple[str, tuple[bytes, ...]]] = []
        """Every set added, by id: (kind, literals)."""
        self._known: dict[bytes, int] = {}
        """Skeleton -> its number of programs."""
        self._failed: dict[bytes, int] = {}
        """Skeleton -> the exemplars that gave no program."""
        self._stopped = False

    def run(self, lines: list[bytes], mask: bytes) -> tuple[Any, ...]:
        """The scanner over `lines`: (counts per result, [index, result, ...] to check,
        indices left, the left ones whose skeleton is new)."""
        return tuple(self.scanner.run(lines, mask))

    def run_chunk(
        self, data: bytes, tail: bytes, mask: bytes
    ) -> tuple[list[int], list[int], list[int], list[int], dict[int, bytes], int]:
        """run() over the lines of `data` + `tail` (NDJSON bytes, split at newlines) without a
        bytes object per line; adds the bytes of the lines in checks and rest (by index) and the
        number of lines."""
        return self.scanner.run_chunk(data, tail, mask)

    def seed(self) -> int:
        """Start from the seed programs (toolkit.prover.seeded.stored), if the seed file is
        current: the skeletons of the contract's own payloads are proven from the first line.
        Call it on a new Prover; returns the number of programs added."""
        from toolkit.prover.seeded import stored

        seeds = stored()
        if seeds is None or self.results or self.sets:
            return 0
        for kind, items in seeds.sets:
            self._sets[(kind, tuple(item.decode() for item in items))] = self.scanner.add_set(
                kind, items
            )
            self.sets.append((kind, items))
        for candidates, union, each in seeds.results:
            key = (candidates, (union, each), id(None))
            self._result_ids[key] = len(self.results)
            self.results.append(Result(candidates, (union, each), None))
        added = 0
        for skel, ops, result in seeds.programs:
            if self.scanner.add(skel, ops, result):
                self._known[skel] = self._known.get(skel, 0) + 1
                self.programs.append((skel, ops, result))
                added += 1
        return added

    @property
    def dfas(self) -> tuple[Dfa, ...]:
        """The automata as Python objects, for deriving programs (built on first use)."""
        return automata()[1]

    @property
    def learning(self) -> bool:
        return (
            not self._stopped and len(self._known) < MAX_PROGRAMS and len(self._failed) < MAX_FAILED
        )

    def stop_learning(self) -> None:
        """Learn nothing more (after an error while learning): the programs already learned
        still prove, and every other line takes the exact path."""
        self._stopped = True

    def learn(self, raw: bytes, obj: dict[str, Any]) -> bool:
        """Learn a program from `raw`, a line the hot path's plain route has just counted
        (`obj` parsed from it); whether one was added."""
        known = self.scanner.prove(raw)
        if not self.learning or known >= 0 or known == -3 or (known == -1 and b"\\" in raw):
            return False  # proven, unreadable, or its escapes are why its programs failed
        skel = self.scanner.skeleton(raw)
        if skel is None or self._failed.get(skel, 0) >= MAX_TRIES:
            return False
        found = None if skeleton(obj) != skel else self._program(obj)
        if found is not None:
            ops, result = found
            packed = self._pack(ops)
            if self.scanner.holds(raw, packed) and self.scanner.add(skel, packed, result):
                self._known[skel] = self._known.get(skel, 0) + 1
                self.programs.append((skel, packed, result))
                return True
        self._failed[skel] = self._failed.get(skel, 0) + 1
        return False

    def _program(self, obj: dict[str, Any]) -> tuple[list[Op], int] | None:
        shape = tuple(obj)
        route = None if "received_at" in obj else plain_route(shape)
        if route is None:
            return None
        _, _, candidates = route
        leader = plain_group(shape)[0]
        node, values = tree(obj)
        d = Deriver(self.index, self.dfas, values)
        ops = d.holding(d.sat(compiled.resolved(leader), node))
        if ops is None:
            return None
        for event, consts in _tests(leader):
            found = _differs(node, consts)  # one of its test-notification values differs
            if found is None or not d.holding(found):
                found = d.fail(compiled.test_notification_schema(event), node)
            if found is None:
                return None
            ops.extend(found)
        for event in candidates:
            if plan(event).keyed:
                continue  # its fingerprint is read off keys: the skeleton fixes it
            for era in era_checks(event):
                if era.is_valid(obj):
                    found = d.holding(d.sat(era.schema, node))
                else:
                    found = d.fail(era.schema, node)
                if found is None:
                    return None
                ops.extend(found)
        each = fingerprinter(candidates).each(obj)
        holds = holds_valid(candidates, shape)
        if holds is not None:
            specs = [c for event in candidates for c in checker(event).compiled]
            found = compile_invariants(specs, node, values, self.index)
            if found is not None:
                ops.extend(found)
                holds = None  # the scanner checks them
        key = (candidates, each, id(holds))
        result = self._result_ids.get(key)
        if result is None:
            result = self._result_ids[key] = len(self.results)
            self.results.append(Result(candidates, each, holds))
        return self._pruned(list(dict.fromkeys(ops))), result

    def _pruned(self, ops: list[Op]) -> list[Op]:
        """`ops` without automaton checks another check of the same leaf implies."""
        by_leaf: dict[int, list[int]] = {}
        for op in ops:
            if op[0] == "dfa":
                by_leaf.setdefault(op[1], []).append(op[2])
        implied = set()
        for leaf, dfas in by_leaf.items():
            for b in dfas:
                if any(a != b and self._implies(a, b) and (a, leaf) not in implied for a in dfas):
                    implied.add((b, leaf))
        return [op for op in ops if op[0] != "dfa" or (op[2], op[1]) not in implied]

    def _implies(self, a: int, b: int) -> bool:
        key = (a, b)
        found = self._inclusions.get(key)
        if found is None:
            found = self._inclusions[key] = included(self.dfas[a], self.dfas[b])
        return found

    def _pack(self, ops: list[Op]) -> bytes:
        out: list[int] = []
        for op in ops:
            name = op[0]
            if name == "solve":
                _, automata, names, pairs = op
                out += [_CODES[name], len(automata), *automata, len(pairs)]
                for target, chunks in pairs:
                    out += [target, len(chunks)]
                    for kind, a, b in chunks:
                        if kind == "lit":
                            a = self._set("s", (a,))
                        elif kind == "var":
                            a = names.index(a)
                        out += [_CHUNKS[kind], a, b]
            elif name == "distinct":
                out += [_CODES[name], len(op[1]), *op[1]]
            elif name == "anyne":
                out += [_CODES[name], len(op[1])]
                for leaf, kind, literal in op[1]:
                    out += [leaf, self._set(kind, (literal,))]
            elif name in ("in", "notin"):
                out += [_CODES[name], op[1], self._set(op[2], op[3])]
            else:
                out += [_CODES[name], *op[1:]]
        return struct.pack(f"<{len(out)}q", *out)

    def _set(self, kind: str, literal: tuple[str, ...]) -> int:
        key = (kind, literal)
        found = self._sets.get(key)
        if found is None:
            items = tuple(x.encode() for x in literal)
            found = self._sets[key] = self.scanner.add_set(kind, items)
            self.sets.append((kind, items))
        return found


@cache
def _tests(event: str) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """The test-notification checks detection makes for the shape group led by `event`: each
    event of the group with test markers, and those markers (toolkit.contract.detect)."""
    data = index()
    markers = data["test_markers"]
    for group in data["groups"]:
        if group["events"][0] == event:
            return tuple(
                (e, tuple((k, v) for k, v in markers[e])) for e in group["events"] if markers[e]
            )
    raise LookupError(event)  # pragma: no cover - routes lead groups


def _differs(node: Node, consts: tuple[tuple[str, Any], ...]) -> list[Op] | None:
    """Ops under which some `payload.get(key) == value` of `consts` is false (Python `==`, as
    detection compares test markers); [] when the skeleton decides it; None when it cannot."""
    members = node[1]
    if any(key not in members for key, _ in consts):
        return []
    pairs = _combine([_pairs(members[key], value) for key, value in consts])
    if pairs is None or pairs is _SAME:
        return None
    if pairs is _ALWAYS:
        return []
    assert isinstance(pairs, list)
    return [("anyne", tuple(pairs))]


_ALWAYS = object()
_SAME = object()


def _pairs(node: Node, value: Any) -> Any:
    """(leaf, kind, literal) pairs that all hold iff node == value; _ALWAYS: never equal;
    _SAME: always equal; None: unknown."""
    kind = node[0]
    if kind in ("b", "n"):
        return _SAME if node[1] == value else _ALWAYS
    if kind == "s":
        return [(node[1], "s", value)] if type(value) is str else _ALWAYS
    if kind == "i":
        if type(value) not in (int, float, bool):
            return _ALWAYS
        text = canonical_int(int(value) if type(value) is bool else value)
        return [(node[1], "i", text)] if text is not None else _ALWAYS
    if kind == "d":
        return None if type(value) in (int, float, bool) else _ALWAYS
    if kind == "a" and type(value) is list and len(value) == len(node[1]):
        return _combine([_pairs(n, v) for n, v in zip(node[1], value, strict=True)])
    if kind == "o" and type(value) is dict and list(value) == list(node[1]):
        return _combine([_pairs(node[1][k], v) for k, v in value.items()])
    if kind == "o" and type(value) is dict and set(value) == set(node[1]):
        return _combine([_pairs(node[1][k], v) for k, v in value.items()])
    return _ALWAYS


def _combine(parts: list[Any]) -> Any:
    if any(p is _ALWAYS for p in parts):
        return _ALWAYS
    if any(p is None for p in parts):
        return None
    pairs = [x for p in parts if p is not _SAME for x in p]
    return pairs or _SAME
