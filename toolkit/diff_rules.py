"""Compare two normalised schema nodes keyword by keyword and say which way each change goes.

A change *widens* when the new schema accepts instances the old one rejected (a consumer may now
receive what it did not expect), *narrows* when it rejects instances the old one accepted (a
producer's payload may now be refused), does *both*, or is *unknown* when inclusion cannot be
decided (a rewritten pattern). Pointers are instance locations (`/trigger_metadata/commit`, `*` for
any array item or extra property); `keyword` is the schema keyword path at that location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from toolkit.diff_normalize import LOWER, NEVER, UPPER, branches, types_of
from toolkit.registry import Schema

WIDEN, NARROW, BOTH, UNKNOWN = "widen", "narrow", "both", "unknown"
FLIP = {WIDEN: NARROW, NARROW: WIDEN, BOTH: BOTH, UNKNOWN: UNKNOWN}


@dataclass(frozen=True)
class Delta:
    """One semantic difference between two schema nodes."""

    rule: str
    pointer: str
    keyword: str
    old: Any
    new: Any
    direction: str


def compare(old: Schema, new: Schema, ptr: str = "", kw: str = "") -> list[Delta]:
    """Every difference between two normalised schemas, in a stable order."""
    if old == new:
        return []
    ob, nb = branches(old), branches(new)
    if len(ob) > 1 or len(nb) > 1:
        return _branches(ob, nb, ptr, kw)
    return _node(old, new, ptr, kw)


def _key(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _join(kw: str, key: str) -> str:
    return f"{kw}/{key}" if kw else key


def _branches(ob: list[Schema], nb: list[Schema], ptr: str, kw: str) -> list[Delta]:
    new_keys = {_key(b) for b in nb}
    old_keys = {_key(b) for b in ob}
    old_left = [b for b in ob if _key(b) not in new_keys]
    new_left = [b for b in nb if _key(b) not in old_keys]
    if len(old_left) == 1 and len(new_left) == 1:
        return _node(old_left[0], new_left[0], ptr, kw)
    out: list[Delta] = []
    old_types = {types_of(b) for b in ob}
    by_type: dict[frozenset[str] | None, tuple[list[Schema], list[Schema]]] = {}
    for b in old_left:
        by_type.setdefault(types_of(b), ([], []))[0].append(b)
    for b in new_left:
        by_type.setdefault(types_of(b), ([], []))[1].append(b)
    for types, (olds, news) in by_type.items():
        for o, n in zip(olds, news, strict=False):
            out += _node(o, n, ptr, kw)
        tk = _join(kw, "type")
        for n in news[len(olds) :]:
            if types == frozenset({"null"}):
                out.append(Delta("null-added", ptr, tk, _labels(ob), _labels(nb), WIDEN))
            elif types in old_types:
                out.append(Delta("branch-added", ptr, _join(kw, "anyOf"), None, n, WIDEN))
            else:
                out.append(Delta("type-widened", ptr, tk, _labels(ob), _labels(nb), WIDEN))
        new_types = {types_of(b) for b in nb}
        for o in olds[len(news) :]:
            if types == frozenset({"null"}):
                out.append(Delta("null-removed", ptr, tk, _labels(ob), _labels(nb), NARROW))
            elif types in new_types:
                out.append(Delta("branch-removed", ptr, _join(kw, "anyOf"), o, None, NARROW))
            else:
                out.append(Delta("type-narrowed", ptr, tk, _labels(ob), _labels(nb), NARROW))
    return out


def _labels(branches_: list[Schema]) -> list[str] | str:
    """The JSON types a list of alternatives accepts, for display."""
    found = [types_of(b) for b in branches_]
    if any(t is None for t in found):
        return "any"
    return sorted({t for ts in found if ts for t in ts})


HANDLED = frozenset(
    {
        "type",
        "enum",
        "pattern",
        "format",
        *LOWER,
        *UPPER,
        "multipleOf",
        "uniqueItems",
        "required",
        "properties",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "dependencies",
        "items",
        "additionalItems",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "allOf",
        "anyOf",
        "oneOf",
    }
)


def _node(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out = _types(old, new, ptr, kw) + _enum(old, new, ptr, kw)
    out += _strings(old, new, ptr, kw) + _bounds(old, new, ptr, kw)
    out += _objects(old, new, ptr, kw) + _arrays(old, new, ptr, kw)
    out += _logic(old, new, ptr, kw)
    for key in sorted((set(old) | set(new)) - HANDLED):
        if old.get(key) != new.get(key):
            out.append(
                Delta("keyword-changed", ptr, _join(kw, key), old.get(key), new.get(key), UNKNOWN)
            )
    return out


def _covers(outer: frozenset[str] | None, inner: frozenset[str] | None) -> bool:
    if outer is None:
        return True
    if inner is None:
        return False
    return all(t in outer or (t == "integer" and "number" in outer) for t in inner)


def _types(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    to = frozenset(old["type"]) if "type" in old else None
    tn = frozenset(new["type"]) if "type" in new else None
    if to == tn:
        return []
    k = _join(kw, "type")
    show_o, show_n = (sorted(t) if t else "any" for t in (to, tn))
    wider, narrower = not _covers(to, tn), not _covers(tn, to)
    if wider and narrower:
        return [Delta("type-changed", ptr, k, show_o, show_n, BOTH)]
    if wider:
        null = to is not None and tn is not None and tn - to == {"null"}
        return [Delta("null-added" if null else "type-widened", ptr, k, show_o, show_n, WIDEN)]
    null = to is not None and tn is not None and to - tn == {"null"}
    return [Delta("null-removed" if null else "type-narrowed", ptr, k, show_o, show_n, NARROW)]


def _enum(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    eo, en = old.get("enum"), new.get("enum")
    if eo == en:
        return []
    k = _join(kw, "enum")
    if en is None:
        return [Delta("enum-removed", ptr, k, eo, None, WIDEN)]
    if eo is None:
        return [Delta("enum-added", ptr, k, None, en, NARROW)]
    ko, kn = {_key(v) for v in eo}, {_key(v) for v in en}
    added = [v for v in en if _key(v) not in ko]
    removed = [v for v in eo if _key(v) not in kn]
    out = []
    if None in added:
        out.append(Delta("null-added", ptr, k, eo, en, WIDEN))
    if [v for v in added if v is not None]:
        out.append(Delta("enum-widened", ptr, k, eo, en, WIDEN))
    if removed:
        out.append(Delta("enum-narrowed", ptr, k, eo, en, NARROW))
    return out


def _strings(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out = []
    for key in ("pattern", "format"):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        if n is None:
            direction, rule = WIDEN, f"{key}-removed"
        elif o is None:
            direction, rule = NARROW, f"{key}-added"
        else:
            direction, rule = UNKNOWN, f"{key}-changed"
        out.append(Delta(rule, ptr, _join(kw, key), o, n, direction))
    return out


def _bounds(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out = []
    for key in (*LOWER, *UPPER):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        lower = key in LOWER
        if n is None:
            loosened = True
        elif o is None:
            loosened = False
        else:
            loosened = n < o if lower else n > o
        rule = "bound-loosened" if loosened else "bound-tightened"
        out.append(Delta(rule, ptr, _join(kw, key), o, n, WIDEN if loosened else NARROW))
    o, n = old.get("multipleOf"), new.get("multipleOf")
    if o != n:
        if n is None or (o is not None and (o / n).is_integer()):
            direction = WIDEN
        elif o is None or (n / o).is_integer():
            direction = NARROW
        else:
            direction = UNKNOWN
        rule = {WIDEN: "bound-loosened", NARROW: "bound-tightened"}.get(direction, "bound-changed")
        out.append(Delta(rule, ptr, _join(kw, "multipleOf"), o, n, direction))
    o, n = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
    if o != n:
        rule = "bound-tightened" if n else "bound-loosened"
        out.append(Delta(rule, ptr, _join(kw, "uniqueItems"), o, n, NARROW if n else WIDEN))
    return out


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


def _objects(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    po, pn = old.get("properties", {}), new.get("properties", {})
    ro, rn = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(set(po) | set(pn)):
        at = _at(ptr, name)
        k = _join(kw, "properties")
        if name in po and name in pn:
            out += compare(po[name], pn[name], at)
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
            out.append(Delta("required-removed", at, _join(kw, "required"), True, False, WIDEN))
    for name in sorted(rn - ro):
        if name in po or name not in pn:
            at = _at(ptr, name)
            out.append(Delta("required-added", at, _join(kw, "required"), False, True, NARROW))
    ao, an = old.get("additionalProperties", {}), new.get("additionalProperties", {})
    if ao != an:
        k = _join(kw, "additionalProperties")
        if an == NEVER:
            out.append(Delta("additional-properties-forbidden", ptr, k, ao, an, NARROW))
        elif ao == NEVER:
            out.append(Delta("additional-properties-allowed", ptr, k, ao, an, WIDEN))
        else:
            out += compare(ao, an, f"{ptr}/*", k)
    out += compare(
        old.get("propertyNames", {}), new.get("propertyNames", {}), ptr, _join(kw, "propertyNames")
    )
    out += _keyed(old, new, "patternProperties", ptr, kw)
    out += _dependencies(old, new, ptr, kw)
    return out


def _keyed(old: Schema, new: Schema, key: str, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    mo, mn = old.get(key, {}), new.get(key, {})
    for name in sorted(set(mo) | set(mn)):
        k = _join(kw, f"{key}/{name}")
        if name in mo and name in mn:
            out += compare(mo[name], mn[name], f"{ptr}/*", k)
        elif name in mo:
            out.append(Delta(f"{key}-removed", ptr, k, mo[name], None, WIDEN))
        else:
            out.append(Delta(f"{key}-added", ptr, k, None, mn[name], NARROW))
    return out


def _dependencies(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    do, dn = old.get("dependencies", {}), new.get("dependencies", {})
    for name in sorted(set(do) | set(dn)):
        k = _join(kw, f"dependencies/{name}")
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


def _arrays(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    io, in_ = old.get("items", {}), new.get("items", {})
    if isinstance(io, dict) and isinstance(in_, dict):
        out += compare(io, in_, f"{ptr}/*", kw)
    elif isinstance(io, list) and isinstance(in_, list) and len(io) == len(in_):
        for i, (o, n) in enumerate(zip(io, in_, strict=True)):
            out += compare(o, n, f"{ptr}/{i}", kw)
    elif io != in_:
        out.append(Delta("items-changed", ptr, _join(kw, "items"), io, in_, UNKNOWN))
    for key in ("additionalItems", "contains"):
        if key in old and key in new:
            out += compare(old[key], new[key], f"{ptr}/*", _join(kw, key))
        elif key in old or key in new:
            direction = NARROW if key in new else WIDEN
            rule = f"{key}-added" if key in new else f"{key}-removed"
            out.append(Delta(rule, ptr, _join(kw, key), old.get(key), new.get(key), direction))
    return out


def _logic(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    if old.get("not") != new.get("not"):
        if "not" in old and "not" in new:
            inner = compare(old["not"], new["not"], ptr, _join(kw, "not"))
            out += [
                Delta(d.rule, d.pointer, d.keyword, d.old, d.new, FLIP[d.direction]) for d in inner
            ]
        else:
            direction = NARROW if "not" in new else WIDEN
            rule = "not-added" if "not" in new else "not-removed"
            out.append(
                Delta(rule, ptr, _join(kw, "not"), old.get("not"), new.get("not"), direction)
            )
    out += _conditional(old, new, ptr, kw)
    lo, ln = old.get("allOf", []), new.get("allOf", [])
    for i, (o, n) in enumerate(zip(lo, ln, strict=False)):
        out += compare(o, n, ptr, _join(kw, f"allOf/{i}"))
    for n in ln[len(lo) :]:
        out.append(Delta("allof-added", ptr, _join(kw, "allOf"), None, n, NARROW))
    for o in lo[len(ln) :]:
        out.append(Delta("allof-removed", ptr, _join(kw, "allOf"), o, None, WIDEN))
    for key in ("anyOf", "oneOf"):
        out += _alternatives(old, new, key, ptr, kw)
    return out


def _alternatives(old: Schema, new: Schema, key: str, ptr: str, kw: str) -> list[Delta]:
    o, n = old.get(key), new.get(key)
    if o == n:
        return []
    k = _join(kw, key)
    if o is None:
        return [Delta(f"{key.lower()}-added", ptr, k, None, n, NARROW)]
    if n is None:
        return [Delta(f"{key.lower()}-removed", ptr, k, o, None, WIDEN)]
    inner = _branches(o, n, ptr, k)
    if key == "oneOf":
        # Narrowing one branch of a oneOf can admit instances that used to match two branches.
        inner = [
            Delta(d.rule, d.pointer, d.keyword, d.old, d.new, UNKNOWN)
            if d.direction == NARROW
            else d
            for d in inner
        ]
    return inner


def _conditional(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    keys = ("if", "then", "else")
    co = {k: old[k] for k in keys if k in old}
    cn = {k: new[k] for k in keys if k in new}
    if co == cn:
        return []
    k = _join(kw, "if")
    active_o, active_n = "if" in co and len(co) > 1, "if" in cn and len(cn) > 1
    if not active_o and active_n:
        return [Delta("conditional-added", ptr, k, None, cn, NARROW)]
    if active_o and not active_n:
        return [Delta("conditional-removed", ptr, k, co, None, WIDEN)]
    if co.get("if") != cn.get("if"):
        return [Delta("conditional-changed", ptr, k, co, cn, UNKNOWN)]
    out: list[Delta] = []
    for branch in ("then", "else"):
        out += compare(co.get(branch, {}), cn.get(branch, {}), ptr, _join(kw, branch))
    return out
