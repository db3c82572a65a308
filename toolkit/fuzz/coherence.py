"""Make one drawn object true to the invariants declared on it (`x-invariants`).

Fields are drawn independently; then each relation declared at the object sets its derived field
from its template, in dependency order (`repository` before the URLs built from it), but only
where the result still satisfies that field's schema, so coherence can never make a payload
invalid. Free variables take one value per draw: `host` and `scheme` from the draw context (so
every URL of a payload points at one server), others from `providers.BY_VARIABLE` or, failing
that, from their pattern.
Nothing here is written per field or per event: the declarations say it all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import regress

from toolkit.contract.invariant_filters import FILTERS, accepts
from toolkit.contract.invariant_templates import Path, Ref, Template, Var, as_text
from toolkit.contract.invariants import Invariant
from toolkit.contract.jsontypes import same
from toolkit.fuzz.context import Ctx, copy_json

_MISSING = object()
Entry = tuple[Invariant, Path, Template]


def cohere(
    obj: dict[str, Any],
    invariants: Sequence[Invariant],
    checks: Mapping[str, Callable[[Any], bool]],
    ctx: Ctx,
) -> None:
    """Overwrite the derived fields of `obj` in place; `checks` validates each top-level field."""
    for invariant, field, template in ordered(invariants):
        if not all(same(_get(obj, p), v) for p, v in invariant.when):
            continue
        value = _render(obj, invariant, template, ctx)
        if value is _MISSING or _put(obj, field, value, checks):
            continue
        whole = template.whole
        current = _get(obj, field)
        if whole is not None and whole.filter is None and current is not _MISSING:
            _put(obj, whole.path, copy_json(current), checks)  # the source follows the field


def ordered(invariants: Sequence[Invariant]) -> list[Entry]:
    """Every (invariant, field, template), a field set before the templates that read it."""
    entries = [(inv, field, template) for inv in invariants for field, template in inv.equal]
    done: list[Entry] = []
    pending = list(entries)
    while pending:
        for entry in pending:
            sources = _sources(entry[2])
            if not any(other is not entry and other[1] in sources for other in pending):
                break
        else:
            entry = pending[0]  # a cycle: keep the declaration order
        pending.remove(entry)
        done.append(entry)
    return done


def _sources(template: Template) -> set[Path]:
    return {ref.path for ref in template.refs} | {ref.arg for ref in template.refs if ref.arg}


def _get(node: Any, path: Path) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or not 0 <= step < len(node):
                return _MISSING
        elif not isinstance(node, dict) or step not in node:
            return _MISSING
        node = node[step]
    return node


def _render(obj: dict[str, Any], invariant: Invariant, template: Template, ctx: Ctx) -> Any:
    """The template filled in from `obj` and the draw's variables; _MISSING if it cannot be."""
    whole = template.whole
    if whole is not None:
        return _value(obj, whole)
    out = []
    for segment in template.segments:
        if isinstance(segment, str):
            out.append(segment)
        elif isinstance(segment, Var):
            out.append(variable(ctx, segment.name, invariant.variables[segment.name]))
        else:
            text = as_text(_value(obj, segment))
            if text is None:
                return _MISSING
            out.append(text)
    return "".join(out)


def _value(obj: dict[str, Any], ref: Ref) -> Any:
    value = _get(obj, ref.path)
    if value is _MISSING or ref.filter is None:
        return copy_json(value) if value is not _MISSING else _MISSING
    found = FILTERS[ref.filter]
    arg = _get(obj, ref.arg) if ref.arg else None
    if not accepts(found.accepts, value) or (ref.arg and not accepts(found.accepts, arg)):
        return _MISSING
    return found.apply(value, arg)


def variable(ctx: Ctx, name: str, pattern: str) -> str:
    """The draw's value of a free variable: the context's (`host`, `scheme`) when it matches the
    pattern, else drawn from the pattern once and kept for the rest of the draw."""
    known = ctx.variables.get(name)
    check = _whole(pattern)
    if known is not None and check.find(known) is not None:
        return known
    from rstr.xeger import Xeger

    from toolkit.fuzz.providers import BY_VARIABLE

    provider = BY_VARIABLE.get(name)
    drawn = ""
    for _ in range(20):
        drawn = str(provider(ctx.rng) if provider else Xeger(ctx.rng).xeger(pattern))
        if check.find(drawn) is not None and drawn.isprintable():
            break
        provider = None  # its value does not fit this pattern: draw from the pattern
    ctx.variables[name] = drawn
    return drawn


@cache
def _whole(pattern: str) -> Any:
    return regress.Regex(f"^(?:{pattern})$")


def _put(
    obj: dict[str, Any], path: Path, value: Any, checks: Mapping[str, Callable[[Any], bool]]
) -> bool:
    """Set an existing field, keeping the change only if its top-level field still validates."""
    parent = _get(obj, path[:-1])
    key = path[-1]
    if isinstance(key, int):
        if not isinstance(parent, list) or not 0 <= key < len(parent):
            return False
    elif not isinstance(parent, dict) or key not in parent:
        return False
    old = parent[key]
    parent[key] = value
    check = checks.get(str(path[0]))
    if check is not None and not check(obj[path[0]]):  # type: ignore[index]
        parent[key] = old
        return False
    return True
