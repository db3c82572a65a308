"""Compile an event's invariants into one Python function, `holds(payload) -> bool`.

The hot path of validation calls this once per payload, so it is generated as straight-line code
(as fastjsonschema does for schemas): field lookups into locals, the type guards that decide
whether each invariant applies, then string building and comparisons. A template with free
variables is solved by *forced bindings*: when the only unknown of a template is one variable
that occurs once, it is the text between the template's known prefix and suffix, so no search is
needed; templates are taken in an order that binds each variable before it is reused. An
invariant whose templates allow no such order calls the exact solver of
`toolkit.contract.invariant_check` instead. The generated source is kept on the function
(`__source__`) for review and debugging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, Protocol

from toolkit.contract.invariant_filters import FILTERS
from toolkit.contract.invariant_templates import Path, Ref, Template, Var, as_text
from toolkit.contract.jsontypes import same

ANY, TEXT, STRING, NUMBER, NEVER = "any", "text", "string", "number", "never"
_GUARDS = {
    ANY: "{v} is M",
    TEXT: "type({v}) not in TXT",
    STRING: "type({v}) is not str",
    NUMBER: "type({v}) not in NUM",
}
"""The test that makes an invariant not apply, per need of a field."""


class Spec(Protocol):
    """What the generator needs of one compiled invariant (invariant_check.Compiled)."""

    at: Path
    fields: tuple[Path, ...]
    needs: tuple[str, ...]
    when: tuple[tuple[int, Any], ...]
    equal: tuple[tuple[Path, Template], ...]
    index: dict[Path, int]

    def matches(self, name: str, text: str) -> bool: ...

    def known(self, name: str) -> set[str]: ...

    def generic(self, values: list[Any]) -> bool: ...


def compile_holds(specs: Sequence[Spec]) -> Callable[[Any], bool]:
    """One function that is true when every invariant holds (or does not apply)."""
    scope: dict[str, Any] = {
        "M": _MISSING,
        "TXT": (str, int, float),
        "NUM": (int, float),
        "SCALAR": (str, int, float, bool, type(None)),
        "ONCE": (None,),
        "same": same,
        "text": as_text,
        **{f"f_{name}": f.apply for name, f in FILTERS.items()},
    }
    # Top-level fields are looked up once, for every invariant that names them.
    top = sorted({str(f[0]) for spec in specs if not spec.at for f in spec.fields})
    shared = {name: f"g{k}" for k, name in enumerate(top)}
    lines = ["def holds(p):", "    if type(p) is not dict:", "        return True"]
    lines += [f"    {local} = p.get({name!r}, M)" for name, local in shared.items()]
    for i, spec in enumerate(specs):
        scope[f"ok{i}"] = spec.matches
        scope[f"generic{i}"] = spec.generic
        for name in {v for _, t in spec.equal for v in t.variables}:
            scope[f"known{i}_{name}"] = spec.known(name)
        # One pass of a loop per invariant: `break` goes on to the next one.
        lines += [f"    # invariant {i}", "    for _ in ONCE:"]
        lines += ["        " + line for line in _block(i, spec, shared)]
    lines.append("    return True")
    source = "\n".join(lines) + "\n"
    exec(compile(source, "<x-invariants>", "exec"), scope)  # generated from the declarations
    holds: Callable[[Any], bool] = scope["holds"]
    holds.__source__ = source  # type: ignore[attr-defined]
    return holds


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING = _Missing()


def _block(i: int, spec: Spec, shared: dict[str, str]) -> list[str]:
    """The checks of invariant `i`: `return False` when it is broken, `break` when it holds or
    does not apply. `shared` names the locals holding the payload's top-level fields."""
    if NEVER in spec.needs:
        return ["break  # two uses of one field need different types: it never applies"]
    out: list[str] = []
    if spec.at:
        out += ["n = p"] + [f"n = {_step('n', step)}" for step in spec.at]
        out += ["if type(n) is not dict:", "    break"]
    names = [f"v{j}" for j in range(len(spec.fields))]
    for name, path in zip(names, spec.fields, strict=True):
        first = f"n.get({path[0]!r}, M)" if spec.at else shared[str(path[0])]
        if len(path) == 1 and not spec.at:
            names[names.index(name)] = first  # use the shared local itself
            continue
        out.append(f"{name} = {first}")
        out += [f"{name} = {_step(name, step)}" for step in path[1:]]
    guards = [_GUARDS[need].format(v=name) for name, need in zip(names, spec.needs, strict=True)]
    guards += [_unequal(names[j], constant) for j, constant in spec.when]
    if guards:
        out += [f"if {' or '.join(guards)}:", "    break"]
    for j, need in enumerate(spec.needs):  # a number in a text template, as JSON writes it
        if need == TEXT:
            out.append(f"t{j} = {names[j]} if type({names[j]}) is str else text({names[j]})")
    return [*out, *_checks(i, spec, names), "break"]


def _step(expr: str, step: str | int) -> str:
    """One step down from the value named `expr` (a local), or M."""
    if isinstance(step, int):
        return f"{expr}[{step}] if type({expr}) is list and len({expr}) > {step} else M"
    return f"{expr}.get({step!r}, M) if type({expr}) is dict else M"


def _unequal(name: str, constant: Any) -> str:
    if constant is None or isinstance(constant, bool):
        return f"{name} is not {constant!r}"
    kind = "NUM" if isinstance(constant, int | float) else type(constant).__name__
    test = f"type({name}) not in NUM" if kind == "NUM" else f"type({name}) is not {kind}"
    return f"{test} or {name} != {constant!r}"


def _checks(i: int, spec: Spec, names: list[str]) -> list[str]:
    """`return False` where the invariant is broken; free variables last (see _solve)."""
    out: list[str] = []
    solved: list[tuple[str, Template]] = []
    for path, template in spec.equal:
        lhs = names[spec.index[path]]
        whole = template.whole
        if whole is not None:
            r = _ref(whole, spec, names, text=False)
            out.append(f"t = {r}")
            out.append(f"if not ((type({lhs}) is type(t) and type({lhs}) in SCALAR")
            out.append(f"        and {lhs} == t) or same({lhs}, t)):")
            out.append("    return False")
        elif not template.variables:
            out += [f"if {lhs} != {_concat(template.segments, spec, names, {})}:"]
            out.append("    return False")
        else:
            solved.append((lhs, template))
    return out + _solve(i, spec, names, solved)


def _solve(i: int, spec: Spec, names: list[str], entries: list[tuple[str, Template]]) -> list[str]:
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
        out.append("pos = 0")
        at_end = False
        for k, (kind, value) in enumerate(items):
            if at_end:  # the known end, already matched by a forced split
                break
            fail = every if guessed else ["return False"]
            if kind == "known":
                out += [f"a = {value}", f"if not {lhs}.startswith(a, pos):", *_indent(fail)]
                out.append("pos += len(a)")
                continue
            if value in bound:  # a variable bound earlier in this template
                out += [f"if not {lhs}.startswith({bound[value]}, pos):", *_indent(fail)]
                out.append(f"pos += len({bound[value]})")
                continue
            name = bound[value] = f"x_{value}"
            if k == len(items) - 1:  # the rest of the text: forced
                out.append(f"{name} = {lhs}[pos:]")
                at_end = True
            elif k == len(items) - 2:  # followed by the known end: forced
                out += [f"b = {items[k + 1][1]}", f"end = len({lhs}) - len(b)"]
                out += [f"if end < pos or not {lhs}.endswith(b):", *_indent(fail)]
                out.append(f"{name} = {lhs}[pos:end]")
                at_end = True
            else:  # followed by more: split at the first occurrence, a guess
                out += [f"b = {items[k + 1][1]}", f"end = {lhs}.find(b, pos)"]
                out += ["if end < 0:", *_indent(fail), f"{name} = {lhs}[pos:end]"]
                out.append(f"pos += len({name})")
                guessed = True
            fail = every if guessed else ["return False"]
            test = f"{name} not in known{i}_{value} and not ok{i}({value!r}, {name})"
            out += [f"if {test}:", *_indent(fail)]
        if not at_end:
            fail = every if guessed else ["return False"]
            out += [f"if pos != len({lhs}):", *_indent(fail)]
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
                items.append(("known", _concat(run, spec, names, bound)))
                run = []
            items.append(("var", segment.name))
        else:
            run.append(segment)
    if run:
        items.append(("known", _concat(run, spec, names, bound)))
    return items


def _concat(segments: Sequence[Any], spec: Spec, names: list[str], bound: dict[str, str]) -> str:
    parts = []
    for segment in segments:
        if isinstance(segment, str):
            parts.append(repr(segment))
        elif isinstance(segment, Var):
            parts.append(bound[segment.name])
        else:
            parts.append(_ref(segment, spec, names, text=True))
    return " + ".join(parts) or "''"


def _ref(ref: Ref, spec: Spec, names: list[str], *, text: bool) -> str:
    value = names[spec.index[ref.path]]
    if ref.filter is not None:
        arg = names[spec.index[ref.arg]] if ref.arg else "None"
        inline = FILTERS[ref.filter].inline
        value = inline.format(x=value, arg=arg) if inline else f"f_{ref.filter}({value}, {arg})"
        return f"text({value})" if text else value
    if not text or spec.needs[spec.index[ref.path]] == STRING:
        return value
    return f"t{spec.index[ref.path]}"
