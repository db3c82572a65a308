"""Object and array keywords of the diff rules: properties, required, additionalProperties,
patternProperties, propertyNames, dependencies, items, additionalItems and contains."""

from __future__ import annotations

import re

from toolkit.contract.registry import Schema
from toolkit.diff.delta import BOTH, NARROW, UNKNOWN, WIDEN, Compare, Delta, join
from toolkit.diff.normalize import NEVER

CONSTRAINT_CONTEXT = frozenset({"if", "then", "else", "allOf", "not", "dependencies"})


def _at(ptr: str, name: str) -> str:
    return f"{ptr}/{name.replace('~', '~0').replace('/', '~1')}"


def _unlisted(node: Schema, name: str) -> Schema | None:
    """The schema a key `name` absent from `properties` must match; None when it is forbidden."""
    names = node.get("propertyNames", {})
    if "enum" in names and name not in names["enum"]:
        return None
    matched = [s for p, s in node.get("patternProperties", {}).items() if re.search(p, name)]
    if matched:
        return matched[0] if len(matched) == 1 else {"allOf": matched}
    extra: Schema = node.get("additionalProperties", {})
    return None if extra == NEVER else extra


def fold(directions: list[str]) -> str:
    """One direction for several changes."""
    found = set(directions)
    if BOTH in found or {WIDEN, NARROW} <= found:
        return BOTH
    if UNKNOWN in found:
        return UNKNOWN
    return WIDEN if WIDEN in found else NARROW


def objects(old: Schema, new: Schema, ptr: str, kw: str, compare: Compare) -> list[Delta]:
    out: list[Delta] = []
    po, pn = old.get("properties", {}), new.get("properties", {})
    ro, rn = set(old.get("required", [])), set(new.get("required", []))
    # Inside then/else/allOf/not a `properties` entry only constrains; absent means unconstrained.
    constraint = bool(CONSTRAINT_CONTEXT & set(kw.split("/")))
    for name in sorted(set(po) | set(pn)):
        at = _at(ptr, name)
        k = join(kw, "properties")
        if name in po and name in pn:
            out += compare(po[name], pn[name], at, kw if constraint else "")
        elif constraint and (name in po and _unlisted(new, name) == {}):
            out += compare(po[name], {}, at, kw)
        elif constraint and (name in pn and _unlisted(old, name) == {}):
            out += compare({}, pn[name], at, kw)
        elif name in po:
            now = _unlisted(new, name)
            if now is None and name not in rn:
                direction = BOTH
            else:
                inner = [d.direction for d in compare(po[name], now or {}, at)]
                direction = BOTH if set(inner) - {WIDEN} else WIDEN
            out.append(Delta("property-removed", at, k, po[name], None, direction))
        else:
            was = _unlisted(old, name)
            inner = [] if was is None else [d.direction for d in compare(was, pn[name], at)]
            if name in rn:
                newly = [] if name in ro else [NARROW]
                d = BOTH if was is None else fold([*newly, *inner])
                out.append(Delta("required-property-added", at, k, None, pn[name], d))
            elif was is None:
                out.append(Delta("property-added-to-closed-object", at, k, None, pn[name], WIDEN))
            elif inner:
                out.append(Delta("property-added", at, k, None, pn[name], fold(inner)))
    for name in sorted(ro - rn):
        if name in pn or name not in po:
            at = _at(ptr, name)
            out.append(Delta("required-removed", at, join(kw, "required"), True, False, WIDEN))
    for name in sorted(rn - ro):
        if name in po or name not in pn:
            at = _at(ptr, name)
            out.append(Delta("required-added", at, join(kw, "required"), False, True, NARROW))
    ao, an = old.get("additionalProperties", {}), new.get("additionalProperties", {})
    if ao != an:
        k = join(kw, "additionalProperties")
        if an == NEVER:
            out.append(Delta("additional-properties-forbidden", ptr, k, ao, an, NARROW))
        elif ao == NEVER:
            out.append(Delta("additional-properties-allowed", ptr, k, ao, an, WIDEN))
        else:
            out += compare(ao, an, f"{ptr}/*", k)
    out += compare(
        old.get("propertyNames", {}),
        new.get("propertyNames", {}),
        ptr,
        join(kw, "propertyNames"),
    )
    out += keyed(old, new, "patternProperties", ptr, kw, compare)
    out += dependencies(old, new, ptr, kw, compare)
    return out


def keyed(old: Schema, new: Schema, key: str, ptr: str, kw: str, compare: Compare) -> list[Delta]:
    out: list[Delta] = []
    mo, mn = old.get(key, {}), new.get(key, {})
    for name in sorted(set(mo) | set(mn)):
        k = join(kw, f"{key}/{name}")
        if name in mo and name in mn:
            out += compare(mo[name], mn[name], f"{ptr}/*", k)
        elif name in mo:
            out.append(Delta(f"{key}-removed", ptr, k, mo[name], None, WIDEN))
        else:
            out.append(Delta(f"{key}-added", ptr, k, None, mn[name], NARROW))
    return out


def dependencies(old: Schema, new: Schema, ptr: str, kw: str, compare: Compare) -> list[Delta]:
    out: list[Delta] = []
    do, dn = old.get("dependencies", {}), new.get("dependencies", {})
    for name in sorted(set(do) | set(dn)):
        k = join(kw, f"dependencies/{name}")
        o, n = do.get(name), dn.get(name)
        if o == n:
            continue
        if isinstance(o, list) and isinstance(n, list):
            if set(n) - set(o):
                out.append(Delta("dependency-added", ptr, k, o, n, NARROW))
            if set(o) - set(n):
                out.append(Delta("dependency-removed", ptr, k, o, n, WIDEN))
        elif n is None:
            out.append(Delta("dependency-removed", ptr, k, o, None, WIDEN))
        elif o is None:
            out.append(Delta("dependency-added", ptr, k, None, n, NARROW))
        elif isinstance(o, dict) and isinstance(n, dict):
            out += compare(o, n, ptr, k)
        else:
            out.append(Delta("dependency-changed", ptr, k, o, n, UNKNOWN))
    return out


def arrays(old: Schema, new: Schema, ptr: str, kw: str, compare: Compare) -> list[Delta]:
    out: list[Delta] = []
    io, in_ = old.get("items", {}), new.get("items", {})
    if isinstance(io, dict) and isinstance(in_, dict):
        out += compare(io, in_, f"{ptr}/*", kw)
    elif isinstance(io, list) and isinstance(in_, list) and len(io) == len(in_):
        for i, (o, n) in enumerate(zip(io, in_, strict=True)):
            out += compare(o, n, f"{ptr}/{i}", kw)
    elif io != in_:
        out.append(Delta("items-changed", ptr, join(kw, "items"), io, in_, UNKNOWN))
    for key in ("additionalItems", "contains"):
        if key in old and key in new:
            out += compare(old[key], new[key], f"{ptr}/*", join(kw, key))
        elif key in old or key in new:
            direction = NARROW if key in new else WIDEN
            rule = f"{key}-added" if key in new else f"{key}-removed"
            out.append(Delta(rule, ptr, join(kw, key), old.get(key), new.get(key), direction))
    return out
