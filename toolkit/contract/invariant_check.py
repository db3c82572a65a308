"""Compiled invariant checkers: is a payload true to its event's `x-invariants`, and if not, why.

An invariant applies to a payload when the object that declares it is there, every `when` field
equals its constant, and every field it names is present with a usable type: a string (or a
number) inside a text template, the filter's input type behind a filter, anything in a whole-value
comparison. A field that is missing or of another type is the schema's business, not the
invariant's: the invariant then holds vacuously. So invariants are checked on every payload,
valid or not, and each violation is its own finding.

`Compiled` is the reference: an exact interpreter of one invariant, which also words a
violation. `Checker.holds` is the hot path, generated from the same declarations as
straight-line code (toolkit.contract.invariant_codegen); a test holds the two to the same
answers. The message of a violation is built only when one is found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache, cached_property
from typing import Any, NamedTuple

import regress

from toolkit.contract.invariant_codegen import compile_holds
from toolkit.contract.invariant_filters import FILTERS, accepts
from toolkit.contract.invariant_templates import Chunk, Path, Ref, Var, as_text, json_path, solve
from toolkit.contract.invariant_words import sentence
from toolkit.contract.invariants import Invariant, for_event
from toolkit.contract.jsontypes import same
from toolkit.contract.releases import Releases
from toolkit.contract.versions import releases_of

_MISSING = object()
ANY, TEXT, NEVER = "any", "text", "never"
_CACHE_MAX = 4096


class Violation(NamedTuple):
    """One invariant a payload breaks."""

    rule: str
    """The invariant's id."""
    paths: tuple[str, ...]
    """JSONPaths of every field involved; the first is the field derived from the others."""
    pointers: tuple[tuple[str | int, ...], ...]
    message: str
    releases: Releases
    """The releases the invariant holds in (its `quay-versions`; every release without one):
    none of them could have sent the payload."""


def _get(node: Any, path: Path) -> Any:
    for step in path:
        if type(step) is int:
            if type(node) is not list or not 0 <= step < len(node):
                return _MISSING
            node = node[step]
        elif type(node) is dict:
            node = node.get(step, _MISSING)
            if node is _MISSING:
                return _MISSING
        else:
            return _MISSING
    return node


class Compiled:
    """One invariant, ready to evaluate."""

    def __init__(self, invariant: Invariant) -> None:
        self.invariant = invariant
        self.releases = _releases(invariant.quay_versions)
        """The releases the invariant holds in."""
        self.at = invariant.at
        self.equal = invariant.equal
        self.fields = invariant.fields
        self.index = {path: i for i, path in enumerate(self.fields)}
        needs: dict[Path, str] = dict.fromkeys(self.fields, ANY)

        def need(path: Path, kind: str) -> None:
            needs[path] = _combine(needs[path], kind)

        for path, template in invariant.equal:
            if template.whole is None:
                need(path, "string")
            for ref in template.refs:
                if ref.filter:
                    need(ref.path, FILTERS[ref.filter].accepts)
                elif template.whole is None:
                    need(ref.path, TEXT)
                if ref.arg:
                    need(ref.arg, FILTERS[str(ref.filter)].accepts)
        self.needs = tuple(needs[p] for p in self.fields)
        self.exact: frozenset[Path] = frozenset()
        self.dicts: frozenset[str] = frozenset()
        """Known only where the schema's types are (toolkit.contract.invariant_fast)."""
        self.when = tuple((self.index[p], v) for p, v in invariant.when)
        self._patterns = {name: regress.Regex(f"^(?:{p})$") for name, p in invariant.where}
        self._known: dict[str, set[str]] = {name: set() for name, _ in invariant.where}

    def values(self, payload: Any) -> list[Any] | None:
        """The values of every field named, or None when the invariant does not apply."""
        node = _get(payload, self.invariant.at) if self.invariant.at else payload
        if type(node) is not dict:
            return None
        out = []
        for path, need in zip(self.fields, self.needs, strict=True):
            value = node.get(path[0], _MISSING) if len(path) == 1 else _get(node, path)
            if value is _MISSING or not _usable(need, value):
                return None
            out.append(value)
        for i, constant in self.when:
            if not same(out[i], constant):
                return None
        return out

    def fails(self, payload: Any) -> bool:
        """Whether the payload breaks the invariant (the exact interpreter)."""
        values = self.values(payload)
        return values is not None and not self._holds(values, self.invariant.equal)

    def _holds(self, values: list[Any], entries: Sequence[tuple[Path, Any]]) -> bool:
        pairs: list[tuple[tuple[Chunk, ...], str]] = []
        for path, template in entries:
            value = values[self.index[path]]
            whole = template.whole
            if whole is not None:
                if not same(value, self._render(whole, values)):
                    return False
                continue
            chunks = self._chunks(template.segments, values)
            if len(chunks) == 1 and isinstance(chunks[0], str):
                if value != chunks[0]:
                    return False
            else:
                pairs.append((chunks, value))
        return not pairs or solve(pairs, {}, self.matches) is not None

    def _render(self, ref: Ref, values: list[Any]) -> Any:
        value = values[self.index[ref.path]]
        if ref.filter is None:
            return value
        arg = values[self.index[ref.arg]] if ref.arg else None
        return FILTERS[ref.filter].apply(value, arg)

    def _chunks(self, segments: Sequence[Any], values: list[Any]) -> tuple[Chunk, ...]:
        out: list[Chunk] = []
        for segment in segments:
            piece = (
                segment
                if isinstance(segment, str | Var)
                else as_text(self._render(segment, values))
            )
            if isinstance(piece, str) and out and isinstance(out[-1], str):
                out[-1] += piece
            elif piece is not None:
                out.append(piece)
        return tuple(out)

    def generic(self, values: list[Any]) -> bool:
        """The exact check on the values of `fields` (any templates, any variables)."""
        return self._holds(values, self.equal)

    def matches(self, name: str, text: str) -> bool:
        """Whether `text` matches variable `name`'s ECMA-262 pattern; a match is remembered
        in `known(name)`, which the generated code consults first."""
        good = self._known[name]
        if text in good:
            return True
        if self._patterns[name].find(text) is None:
            return False
        if len(good) >= _CACHE_MAX:
            good.clear()
        good.add(text)
        return True

    def known(self, name: str) -> set[str]:
        """Texts already seen to match variable `name`'s pattern (a bounded cache)."""
        return self._known[name]

    def violation(self, payload: Any) -> Violation | None:
        """The violation with its message, or None when the invariant holds.

        Its first path is the derived field of the first relation that is broken on its own
        (all of them when only the shared variables disagree), and the message names the values.
        """
        values = self.values(payload)
        inv = self.invariant
        if values is None or self._holds(values, inv.equal):
            return None
        bad = [e for e in inv.equal if not self._holds(values, [e])]
        shown = bad[:1] or list(inv.equal)
        fields = [field for field, _ in shown] + list(inv.fields)
        full = tuple(dict.fromkeys((*inv.at, *f) for f in fields))
        paths = tuple(json_path(p) for p in full)
        return Violation(inv.id, paths, full, self._say(values, bad), self.releases)

    def _say(self, values: list[Any], bad: list[tuple[Path, Any]]) -> str:
        inv = self.invariant

        def named(path: Path) -> str:
            return f"{json_path((*inv.at, *path))} is {_show(values[self.index[path]])}"

        if bad:
            field, template = bad[0]
            sources = [r.path for r in template.refs] + [r.arg for r in template.refs if r.arg]
            others = [named(p) for p in dict.fromkeys(sources) if p != field]
            text = named(field) + (" but " + _join(others) if others else "")
            return f"{text}: {sentence(inv, entries=[bad[0]])}{self._when()}"
        text = _join([named(field) for field, _ in inv.equal])
        return f"{text}, which do not agree on one {_join([f'<{n}>' for n, _ in inv.where])}: " + (
            sentence(inv) + self._when()
        )

    def _when(self) -> str:
        """The releases a ranged invariant holds in, for its message."""
        return "" if self.invariant.quay_versions is None else f" It holds in {self.releases}."


def _releases(expr: str | None) -> Releases:
    return Releases.every() if expr is None else releases_of(expr)


def _combine(had: str, kind: str) -> str:
    """The stricter of two needs on one field (`never` when they cannot both be met)."""
    if had in (ANY, kind):
        return kind
    if kind == ANY or (kind == TEXT and had in ("string", "number")):
        return had
    if had == TEXT and kind in ("string", "number"):
        return kind
    return NEVER


def _usable(need: str, value: Any) -> bool:
    if need == ANY:
        return True
    if need == TEXT:
        return type(value) in (str, int, float)
    if need == NEVER:
        return False
    return accepts(need, value)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 100 else text[:99] + "…"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class Checker:
    """Every invariant of one event (or variant), compiled."""

    def __init__(self, invariants: Sequence[Invariant]) -> None:
        self.compiled = tuple(Compiled(inv) for inv in invariants)

    @cached_property
    def holds(self) -> Callable[[Any], bool]:
        """Whether a payload is true to every invariant: generated code (invariant_codegen),
        compiled on first use (the hot paths compile their own, per shape)."""
        return compile_holds(self.compiled)

    def violations(self, payload: Any) -> tuple[Violation, ...]:
        """Every invariant the payload breaks, in declaration order (the generated check first:
        most payloads break none, and it costs a fraction of the exact interpreter)."""
        if not self.compiled or self.holds(payload):
            return ()
        found = (c.violation(payload) for c in self.compiled)
        return tuple(v for v in found if v is not None)


def checker(event: str, *, test_notification: bool = False) -> Checker:
    """The compiled invariants of an event of the installed contract (events with the same
    invariants, such as those of one shared shape, share one Checker)."""
    return compiled_for(for_event(event, test_notification=test_notification))


@cache
def compiled_for(invariants: tuple[Invariant, ...]) -> Checker:
    """A Checker for a set of invariants, compiled once per process."""
    return Checker(invariants)


def check(payload: Any, event: str, *, test_notification: bool = False) -> tuple[Violation, ...]:
    """Every invariant of `event` (or of its test-notification body) that `payload` breaks."""
    return checker(event, test_notification=test_notification).violations(payload)


@cache
def holds_for(
    candidates: tuple[str, ...], *, test_notification: bool = False
) -> Callable[[Any], bool] | None:
    """A predicate for payloads detected as `candidates`: true when no candidate is ruled out by
    an invariant (so the detection stands as it is). None when no candidate has invariants."""
    checkers = {checker(e, test_notification=test_notification) for e in candidates}
    if not any(c.compiled for c in checkers):
        return None
    if len(checkers) == 1:
        return next(iter(checkers)).holds
    every = tuple(c.holds for c in checkers)
    return lambda payload: all(holds(payload) for holds in every)
