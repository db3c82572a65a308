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
SURE, SURE_TEXT, SURE_STRING = "sure", "sure-text", "sure-string"
"""Needs known to be met (toolkit.contract.invariant_fast): no test; a sure text may still be a
number, a sure string is used as it is."""
_GUARDS = {
    ANY: "{v} is M",
    TEXT: "type({v}) not in TXT",
    STRING: "type({v}) is not str",
    NUMBER: "type({v}) not in NUM",
}
"""The test that makes an invariant not apply, per need of a field (none for a sure need)."""


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
    def exact(self) -> frozenset[Path]:
        """Fields whose whole-value comparison `!=` decides (no booleans beside numbers, no
        arrays or objects): toolkit.contract.invariant_fast knows them; empty otherwise."""

    def matches(self, name: str, text: str) -> bool: ...

    def known(self, name: str) -> set[str]: ...

    def generic(self, values: list[Any]) -> bool: ...


def compile_holds(
    specs: Sequence[Spec], present: frozenset[str] | None = None
) -> Callable[[Any], bool]:
    """One function that is true when every invariant holds (or does not apply).

    With `present`, it is only ever given objects whose top-level keys are exactly these
    (toolkit.contract.invariant_fast), so it reads them without defaults."""
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
    top = {str(f[0]) for spec in specs if not spec.at for f in spec.fields}
    if present is None:
        lines = ["def holds(p):", "    if type(p) is not dict:", "        return True"]
        lookup = "p.get({name!r}, M)"
    else:
        top = (top | {str(spec.at[0]) for spec in specs if spec.at}) & present
        lines, lookup = ["def holds(p):"], "p[{name!r}]"
    shared = {name: f"g{k}" for k, name in enumerate(sorted(top))}
    lines += [f"    {local} = {lookup.format(name=name)}" for name, local in shared.items()]
    for i, spec in enumerate(specs):
        scope[f"ok{i}"] = spec.matches
        scope[f"generic{i}"] = spec.generic
        for name in {v for _, t in spec.equal for v in t.variables}:
            scope[f"known{i}_{name}"] = spec.known(name)
        block = _block(i, spec, shared)
        lines.append(f"    # invariant {i}")
        if any(line.strip() == "break" for line in block[:-1]):
            # One pass of a loop: `break` goes on to the next invariant.
            lines += ["    for _ in ONCE:", *("        " + line for line in block)]
        else:  # nothing to skip: straight code
            lines += ["    " + line for line in block[:-1]]
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
        start, steps = (
            ("p", spec.at) if spec.at[0] not in shared else (shared[spec.at[0]], spec.at[1:])
        )
        out += [f"n = {start}"] + [f"n = {_step('n', step)}" for step in steps]
        out += ["if type(n) is not dict:", "    break"]
    names = [f"v{j}" for j in range(len(spec.fields))]
    for name, path in zip(names, spec.fields, strict=True):
        first = f"n.get({path[0]!r}, M)" if spec.at else shared[str(path[0])]
        if len(path) == 1 and not spec.at:
            names[names.index(name)] = first  # use the shared local itself
            continue
        out.append(f"{name} = {first}")
        out += [f"{name} = {_step(name, step)}" for step in path[1:]]
    compared = {j for j, _ in spec.when}  # a comparison with a constant also rules out M
    guards = [
        _GUARDS[need].format(v=name)
        for j, (name, need) in enumerate(zip(names, spec.needs, strict=True))
        if need in _GUARDS and not (need == ANY and j in compared)
    ]
    guards += [_unequal(names[j], constant) for j, constant in spec.when]
    if guards:
        out += [f"if {' or '.join(guards)}:", "    break"]
    for j, need in enumerate(spec.needs):  # a number in a text template, as JSON writes it
        if need in (TEXT, SURE_TEXT):
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
    if isinstance(constant, str):  # only a string equals a string
        return f"{name} != {constant!r}"
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
            if path in spec.exact:  # Python's == is JSON equality for these types
                out += [f"if {lhs} != {r}:", "    return False"]
                continue
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
                items.append(("known", _concat(run, spec, names, bound)))
                run = []
            items.append(("var", segment.name))
        else:
            run.append(segment)
    if run:
        items.append(("known", _concat(run, spec, names, bound)))
    return items


def _concat(segments: Sequence[Any], spec: Spec, names: list[str], bound: dict[str, str]) -> str:
    """The text of some segments as one expression: an f-string when it joins several pieces
    (one allocation; every piece is already a string)."""
    parts: list[tuple[bool, str]] = []  # (literal, text or expression)
    for segment in segments:
        if isinstance(segment, str):
            parts.append((True, segment))
        elif isinstance(segment, Var):
            parts.append((False, bound[segment.name]))
        else:
            parts.append((False, _ref(segment, spec, names, text=True)))
    if all(literal for literal, _ in parts):
        return repr("".join(text for _, text in parts))
    if len(parts) == 1:
        return parts[0][1]
    return "f'" + "".join(_literal(t) if lit else f"{{({t})}}" for lit, t in parts) + "'"


def _literal(text: str) -> str:
    """`text` as the literal part of a single-quoted f-string."""
    escaped = text.encode("unicode_escape").decode("ascii").replace("'", "\\'")
    return escaped.replace("{", "{{").replace("}", "}}")


def _ref(ref: Ref, spec: Spec, names: list[str], *, text: bool) -> str:
    value = names[spec.index[ref.path]]
    if ref.filter is not None:
        arg = names[spec.index[ref.arg]] if ref.arg else "None"
        inline = FILTERS[ref.filter].inline
        value = inline.format(x=value, arg=arg) if inline else f"f_{ref.filter}({value}, {arg})"
        return f"text({value})" if text else value
    if not text or spec.needs[spec.index[ref.path]] in (STRING, SURE_STRING):
        return value
    return f"t{spec.index[ref.path]}"
