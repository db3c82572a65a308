"""Templates of the `x-invariants` keyword: parse them, and match a value against one.

A template is literal text with `{...}` slots. `{a.b}` is the value of the field at that dotted
path (a numeric step indexes an array), `{a|f}` or `{a|f:b}` the field passed through a filter
(`toolkit.contract.invariant_filters`), and `{name}` for a name listed in the invariant's `where`
a free variable. A template that is exactly one field slot compares values, not text.

Matching renders the field slots to text, which leaves literal text and variables; variables are
then solved left to right, trying every split (so the result is exact, not greedy), each piece
checked against the variable's ECMA-262 pattern and bound to the same text wherever it recurs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from toolkit.contract.invariant_filters import FILTERS

Step = str | int
Path = tuple[Step, ...]


class TemplateError(ValueError):
    """A declaration the toolkit cannot read; the message says what is wrong."""


class Ref(NamedTuple):
    """A field slot: the field's value, optionally through a filter with a field argument."""

    path: Path
    filter: str | None = None
    arg: Path | None = None


class Var(NamedTuple):
    """A free-variable slot."""

    name: str


Segment = str | Ref | Var


class Template(NamedTuple):
    """A parsed template."""

    text: str
    segments: tuple[Segment, ...]

    @property
    def whole(self) -> Ref | None:
        """The one field slot, when the template is nothing else (a value comparison)."""
        if len(self.segments) == 1 and isinstance(self.segments[0], Ref):
            return self.segments[0]
        return None

    @property
    def refs(self) -> tuple[Ref, ...]:
        """The field slots, in order."""
        return tuple(s for s in self.segments if isinstance(s, Ref))

    @property
    def variables(self) -> tuple[str, ...]:
        """The free variables, in order of first use."""
        return tuple(dict.fromkeys(s.name for s in self.segments if isinstance(s, Var)))


def _is_name(text: str) -> bool:
    """`[A-Za-z_][A-Za-z0-9_-]*` (no regex: parsing runs at start-up)."""
    rest = text.replace("_", "").replace("-", "")
    return (
        bool(text)
        and text.isascii()
        and (text[0].isalpha() or text[0] == "_")
        and (rest.isalnum() or not rest)
    )


def parse_path(text: str) -> Path:
    """`a.b.0` -> `("a", "b", 0)`."""
    steps = text.split(".")
    if not _is_name(steps[0]) or not all(_is_name(s) or s.isdigit() for s in steps[1:]):
        raise TemplateError(f"{text!r} is not a field path (dotted names, numeric array steps)")
    return tuple(int(step) if step.isdigit() else step for step in steps)


def dotted(path: Path) -> str:
    """`("a", "b", 0)` -> `a.b.0`."""
    return ".".join(str(step) for step in path)


def json_path(path: Path) -> str:
    """`("a", "b", 0)` -> `$.a.b[0]`."""
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += f".{step}"
        else:
            out += "[" + json.dumps(step) + "]"
    return out


def parse_template(text: str, variables: frozenset[str]) -> Template:
    """Parse one template; `variables` are the names the invariant's `where` lists."""
    segments: list[Segment] = []
    last = 0
    while (start := text.find("{", last)) >= 0:
        end = text.find("}", start)
        if end < 0:
            break
        _literal(text[last:start], segments)
        segments.append(_slot(text[start + 1 : end], variables, text))
        last = end + 1
    _literal(text[last:], segments)
    return Template(text, tuple(segments))


def _literal(text: str, segments: list[Segment]) -> None:
    if "{" in text or "}" in text:
        raise TemplateError(f"unbalanced brace in template text {text!r}")
    if text:
        segments.append(text)


def _slot(inner: str, variables: frozenset[str], template: str) -> Segment:
    name, bar, spec = inner.partition("|")
    filter_name, colon, arg = spec.partition(":")
    shapes = [not bar or _is_name(filter_name), not colon or bool(arg), "{" not in inner]
    if not all(shapes) or not name or not (_is_name(name.split(".")[0])):
        raise TemplateError(f"{{{inner}}} in {template!r} is not `{{field}}` or `{{field|filter}}`")
    if not bar:
        filter_name, arg = "", ""
    if name in variables:
        if filter_name:
            raise TemplateError(f"free variable {name!r} cannot take a filter in {template!r}")
        return Var(name)
    if not filter_name:
        return Ref(parse_path(name))
    found = FILTERS.get(filter_name)
    if found is None:
        known = ", ".join(sorted(FILTERS))
        raise TemplateError(f"unknown filter {filter_name!r} in {template!r} (known: {known})")
    if found.takes_argument != bool(arg):
        need = "takes a field argument" if found.takes_argument else "takes no argument"
        raise TemplateError(f"filter {filter_name!r} {need} ({template!r})")
    return Ref(parse_path(name), filter_name, parse_path(arg) if arg else None)


def as_text(value: Any) -> str | None:
    """A field value as it appears inside a text template: strings as they are, numbers as
    JSON writes them; None for any other type (the invariant then does not apply)."""
    kind = type(value)
    if kind is str:
        return str(value)
    if kind is int:
        return str(value)
    if kind is float:
        return json.dumps(value)
    return None


Chunk = str | Var
Check = Callable[[str, str], bool]
"""(variable, candidate text) -> whether the text matches the variable's pattern."""


def solve(
    pairs: list[tuple[tuple[Chunk, ...], str]], bound: dict[str, str], ok: Check
) -> dict[str, str] | None:
    """Bindings under which every (chunks, text) pair matches, or None. Exact: every split of the
    text between variables is tried."""
    if not pairs:
        return bound
    (chunks, text), rest = pairs[0], pairs[1:]
    for found in _matches(chunks, 0, text, 0, bound, ok):
        solved = solve(rest, found, ok)
        if solved is not None:
            return solved
    return None


def _matches(
    chunks: tuple[Chunk, ...], i: int, text: str, pos: int, bound: dict[str, str], ok: Check
) -> Iterator[dict[str, str]]:
    if i == len(chunks):
        if pos == len(text):
            yield bound
        return
    chunk = chunks[i]
    if isinstance(chunk, str):
        if text.startswith(chunk, pos):
            yield from _matches(chunks, i + 1, text, pos + len(chunk), bound, ok)
        return
    known = bound.get(chunk.name)
    if known is not None:
        if text.startswith(known, pos):
            yield from _matches(chunks, i + 1, text, pos + len(known), bound, ok)
        return
    for end in _ends(chunks, i, text, pos):
        piece = text[pos:end]
        if ok(chunk.name, piece):
            yield from _matches(chunks, i + 1, text, end, {**bound, chunk.name: piece}, ok)


def _ends(chunks: tuple[Chunk, ...], i: int, text: str, pos: int) -> Iterator[int]:
    """Where a variable's piece may end: before each occurrence of the literal that follows."""
    if i + 1 == len(chunks):
        yield len(text)
        return
    after = chunks[i + 1]
    if not isinstance(after, str):
        yield from range(pos, len(text) + 1)
        return
    at = text.find(after, pos)
    while at >= 0:
        yield at
        at = text.find(after, at + 1)
