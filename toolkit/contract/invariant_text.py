"""Generated code for an invariant's templates: text built as f-strings, free variables
matched with string operations (see toolkit.contract.invariant_codegen), and the needs a
generated checker knows of each field.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Protocol

from toolkit.contract.invariant_filters import FILTERS
from toolkit.contract.invariant_templates import Path, Ref, Template, Var

ANY, TEXT, STRING, NUMBER, NEVER = "any", "text", "string", "number", "never"
SURE, SURE_TEXT, SURE_STRING = "sure", "sure-text", "sure-string"
"""Needs known to be met (toolkit.contract.invariant_fast): no test; a sure text may still be a
number, a sure string is used as it is."""


class Spec(Protocol):
    """What the generator needs of one compiled invariant (invariant_check.Compiled)."""

    @property
    def at(self) -> Path: ...
    @property
    def fields(self) -> tuple[Path, ...]: ...
    @property
    def needs(self) -> tuple[str, ...]: ...
    @property
    def when(self) -> tuple[tuple[int, Any], ...]: ...
    @property
    def equal(self) -> tuple[tuple[Path, Template], ...]: ...
    @property
    def index(self) -> dict[Path, int]: ...
    @property
    def dicts(self) -> frozenset[str]:
        """Top-level fields known to be present objects (toolkit.contract.invariant_fast)."""

    @property
    def exact(self) -> frozenset[Path]:
        """Fields whose whole-value comparison `!=` decides (no booleans beside numbers, no
        arrays or objects): toolkit.contract.invariant_fast knows them; empty otherwise."""

    def matches(self, name: str, text: str) -> bool: ...

    def known(self, name: str) -> set[str]: ...

    def generic(self, values: list[Any]) -> bool: ...


def solve(i: int, spec: Spec, names: list[str], entries: list[tuple[str, Template]]) -> list[str]:
    """Templates with free variables, matched left to right with string operations.

    A variable followed by the template's known end is forced (the text between prefix and
    suffix); one followed by more of the template is split at the first occurrence of the text
    that follows it, a guess: once a guess is made, a mismatch asks the exact solver instead of
    failing. Adjacent variables (nothing known between them) always use the exact solver.
    """
    every = [f"if not generic{i}([{', '.join(names)}]):", "    return False", "break"]
    if any(_adjacent(t) for _, t in entries):
        return every if entries else []
    out: list[str] = []
    bound: dict[str, str] = {}
    guessed = False
    for lhs, template in _order(entries):
        items = _items(template, spec, names, bound)
        zero = True  # the position is still 0, so `pos` is not needed yet
        at_end = False
        for k, (kind, value) in enumerate(items):
            if at_end:  # the known end, already matched by a forced split
                break
            fail = every if guessed else ["return False"]
            at = "" if zero else ", pos"
            if kind == "known" or value in bound:  # text, or a variable bound earlier
                text = value if kind == "known" else bound[value]
                out += [f"a = {text}", f"if not {lhs}.startswith(a{at}):", *_indent(fail)]
                out.append("pos = len(a)" if zero else "pos += len(a)")
                zero = False
                continue
            name = bound[value] = f"x_{value}"
            if k == len(items) - 1:  # the rest of the text: forced
                out.append(f"{name} = {lhs}" if zero else f"{name} = {lhs}[pos:]")
                at_end = True
            elif k == len(items) - 2:  # followed by the known end: forced
                out.append(f"b = {items[k + 1][1]}")
                if zero:  # endswith() fails when b is the longer
                    out += [f"if not {lhs}.endswith(b):", *_indent(fail)]
                    out.append(f"{name} = {lhs}[: len({lhs}) - len(b)]")
                else:
                    out.append(f"end = len({lhs}) - len(b)")
                    out += [f"if end < pos or not {lhs}.endswith(b):", *_indent(fail)]
                    out.append(f"{name} = {lhs}[pos:end]")
                at_end = True
            else:  # followed by more: split at the first occurrence, a guess
                out += [f"b = {items[k + 1][1]}", f"end = {lhs}.find(b{at})"]
                out += ["if end < 0:", *_indent(fail)]
                out.append(f"{name} = {lhs}[:end]" if zero else f"{name} = {lhs}[pos:end]")
                out.append("pos = end" if zero else f"pos += len({name})")
                zero = False
                guessed = True
            fail = every if guessed else ["return False"]
            test = f"{name} not in known{i}_{value} and not ok{i}({value!r}, {name})"
            out += [f"if {test}:", *_indent(fail)]
        if not at_end:
            fail = every if guessed else ["return False"]
            out += [f"if {'0' if zero else 'pos'} != len({lhs}):", *_indent(fail)]
    return out


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _adjacent(template: Template) -> bool:
    """Two variables with nothing between them."""
    segments = template.segments
    return any(isinstance(a, Var) and isinstance(b, Var) for a, b in pairwise(segments))


def _order(entries: list[tuple[str, Template]]) -> list[tuple[str, Template]]:
    """Templates with the fewest variables not yet bound first, so most splits are forced."""
    bound: set[str] = set()
    pending = list(entries)
    order: list[tuple[str, Template]] = []
    while pending:
        entry = min(pending, key=lambda e: len(set(e[1].variables) - bound))
        pending.remove(entry)
        order.append(entry)
        bound.update(entry[1].variables)
    return order


def _items(
    template: Template, spec: Spec, names: list[str], bound: dict[str, str]
) -> list[tuple[str, str]]:
    """The template as ("known", expression) runs (variables bound by earlier templates
    included) and ("var", name) slots."""
    items: list[tuple[str, str]] = []
    run: list[Any] = []
    for segment in template.segments:
        if isinstance(segment, Var) and segment.name not in bound:
            if run:
                items.append(("known", concat(run, spec, names, bound)))
                run = []
            items.append(("var", segment.name))
        else:
            run.append(segment)
    if run:
        items.append(("known", concat(run, spec, names, bound)))
    return items


def concat(segments: Sequence[Any], spec: Spec, names: list[str], bound: dict[str, str]) -> str:
    """The text of some segments as one expression: an f-string when it joins several pieces
    (one allocation; every piece is already a string)."""
    parts: list[tuple[bool, str]] = []  # (literal, text or expression)
    for segment in segments:
        if isinstance(segment, str):
            parts.append((True, segment))
        elif isinstance(segment, Var):
            parts.append((False, bound[segment.name]))
        else:
            parts.append((False, ref(segment, spec, names, text=True)))
    if all(literal for literal, _ in parts):
        return repr("".join(text for _, text in parts))
    if len(parts) == 1:
        return parts[0][1]
    return "f'" + "".join(_literal(t) if lit else f"{{({t})}}" for lit, t in parts) + "'"


def _literal(text: str) -> str:
    """`text` as the literal part of a single-quoted f-string."""
    escaped = text.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    return escaped.replace("{", "{{").replace("}", "}}")


def ref(slot: Ref, spec: Spec, names: list[str], *, text: bool) -> str:
    """The expression for a `{field}` slot: its value (filtered), as text when `text`."""
    value = names[spec.index[slot.path]]
    if slot.filter is not None:
        arg = names[spec.index[slot.arg]] if slot.arg else "None"
        inline = FILTERS[slot.filter].inline
        value = inline.format(x=value, arg=arg) if inline else f"f_{slot.filter}({value}, {arg})"
        return f"text({value})" if text else value
    if not text or spec.needs[spec.index[slot.path]] in (STRING, SURE_STRING):
        return value
    return f"t{spec.index[slot.path]}"
