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
from typing import Any

from toolkit.contract.invariant_filters import FILTERS
from toolkit.contract.invariant_templates import Template, as_text
from toolkit.contract.invariant_text import (
    ANY,
    NEVER,
    NUMBER,
    STRING,
    SURE,
    SURE_STRING,
    SURE_TEXT,
    TEXT,
    Spec,
    concat,
    ref,
    solve,
)
from toolkit.contract.jsontypes import same

__all__ = ["ANY", "NEVER", "NUMBER", "STRING", "SURE", "SURE_STRING", "SURE_TEXT", "TEXT"]
__all__ += ["Spec", "compile_holds"]

_GUARDS = {
    ANY: "{v} is M",
    TEXT: "type({v}) not in TXT",
    STRING: "type({v}) is not str",
    NUMBER: "type({v}) not in NUM",
}
"""The test that makes an invariant not apply, per need of a field (none for a sure need)."""


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
    names = [f"v{j}" for j in range(len(spec.fields))]
    direct = set()  # fields at hand in the shared locals: no lookup
    if not spec.at:
        for j, path in enumerate(spec.fields):
            if len(path) == 1:
                names[j] = shared[str(path[0])]
                direct.add(j)
    early = [(j, c) for j, c in spec.when if j in direct]
    if early:  # most invariants with a `when` do not apply: say so before any lookup
        out += [f"if {' or '.join(_unequal(names[j], c) for j, c in early)}:", "    break"]
    if spec.at:
        top = str(spec.at[0])
        start, steps = ("p", spec.at) if top not in shared else (shared[top], spec.at[1:])
        out += [f"n = {start}"] + [f"n = {_step('n', step)}" for step in steps]
        if not (len(spec.at) == 1 and top in spec.dicts):
            out += ["if type(n) is not dict:", "    break"]
    for j, path in enumerate(spec.fields):
        if j in direct:
            continue
        name = names[j]
        if spec.at:
            out.append(f"{name} = n.get({path[0]!r}, M)")
        elif str(path[0]) in spec.dicts:  # a top-level object the schema guarantees
            out.append(f"{name} = {shared[str(path[0])]}.get({path[1]!r}, M)")
            path = path[1:]
        else:
            out.append(f"{name} = {shared[str(path[0])]}")
        out += [f"{name} = {_step(name, step)}" for step in path[1:]]
    compared = {j for j, _ in spec.when}  # a comparison with a constant also rules out M
    guards = [
        _GUARDS[need].format(v=name)
        for j, (name, need) in enumerate(zip(names, spec.needs, strict=True))
        if need in _GUARDS and not (need == ANY and j in compared)
    ]
    guards += [_unequal(names[j], c) for j, c in spec.when if (j, c) not in early]
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
            r = ref(whole, spec, names, text=False)
            if path in spec.exact:  # Python's == is JSON equality for these types
                out += [f"if {lhs} != {r}:", "    return False"]
                continue
            out.append(f"t = {r}")
            out.append(f"if not ((type({lhs}) is type(t) and type({lhs}) in SCALAR")
            out.append(f"        and {lhs} == t) or same({lhs}, t)):")
            out.append("    return False")
        elif not template.variables:
            out += [f"if {lhs} != {concat(template.segments, spec, names, {})}:"]
            out.append("    return False")
        else:
            solved.append((lhs, template))
    return out + solve(i, spec, names, solved)
