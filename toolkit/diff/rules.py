"""Compare two normalised schema nodes keyword by keyword and say which way each change goes.

A change *widens* when the new schema accepts instances the old one rejected (a consumer may now
receive what it did not expect), *narrows* when it rejects instances the old one accepted (a
producer's payload may now be refused), does *both*, or is *unknown* when inclusion cannot be
decided (a rewritten pattern). Pointers are instance locations (`/trigger_metadata/commit`, `*` for
any array item or extra property); `keyword` is the schema keyword path at that location.
"""

from __future__ import annotations

from typing import Any

import orjson

from toolkit.contract.registry import Schema
from toolkit.diff import containers
from toolkit.diff.delta import BOTH, FLIP, NARROW, UNKNOWN, WIDEN, Delta, join
from toolkit.diff.normalize import LOWER, UPPER, branches, types_of

__all__ = ["BOTH", "FLIP", "NARROW", "UNKNOWN", "WIDEN", "Delta", "compare"]


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


def _branches(ob: list[Schema], nb: list[Schema], ptr: str, kw: str) -> list[Delta]:
    new_keys = {_key(b) for b in nb}
    old_keys = {_key(b) for b in ob}
    old_left = [b for b in ob if _key(b) not in new_keys]
    new_left = [b for b in nb if _key(b) not in old_keys]
    if len(old_left) == 1 and len(new_left) == 1:
        return _node(old_left[0], new_left[0], ptr, kw)
    out: list[Delta] = []
    old_types = {types_of(b) for b in ob}
    # An old branch of any type already accepted what each new typed branch accepts: those are
    # compared with it (a narrowing at most), not reported as types that were added.
    anything = next((b for b in old_left if types_of(b) is None), None)
    typed_news = [b for b in new_left if types_of(b) is not None]
    # And the other way round: a new branch of any type accepts what each old typed branch did.
    everything = next((b for b in new_left if types_of(b) is None), None)
    typed_olds = [b for b in old_left if types_of(b) is not None]
    by_type: dict[frozenset[str] | None, tuple[list[Schema], list[Schema]]] = {}
    for b in old_left:
        by_type.setdefault(types_of(b), ([], []))[0].append(b)
    for b in new_left:
        by_type.setdefault(types_of(b), ([], []))[1].append(b)
    for types, (olds, news) in by_type.items():
        for o, n in zip(olds, news, strict=False):
            out += _node(o, n, ptr, kw)
        tk = join(kw, "type")
        for n in news[len(olds) :]:
            if anything is not None and types is not None:
                out += _node(anything, n, ptr, kw)
            elif n is everything and typed_olds:
                continue  # compared with each old branch below
            elif types == frozenset({"null"}):
                out.append(Delta("null-added", ptr, tk, _labels(ob), _labels(nb), WIDEN))
            elif types in old_types:
                out.append(Delta("branch-added", ptr, join(kw, "anyOf"), None, n, WIDEN))
            else:
                out.append(Delta("type-widened", ptr, tk, _labels(ob), _labels(nb), WIDEN))
        new_types = {types_of(b) for b in nb}
        for o in olds[len(news) :]:
            if o is anything and typed_news:
                continue  # compared with each new branch above
            if everything is not None and types is not None:
                out += _node(o, everything, ptr, kw)
            elif types == frozenset({"null"}):
                out.append(Delta("null-removed", ptr, tk, _labels(ob), _labels(nb), NARROW))
            elif types in new_types:
                out.append(Delta("branch-removed", ptr, join(kw, "anyOf"), o, None, NARROW))
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
    out += containers.objects(old, new, ptr, kw, compare)
    out += containers.arrays(old, new, ptr, kw, compare)
    out += _logic(old, new, ptr, kw)
    for key in sorted((set(old) | set(new)) - HANDLED):
        if old.get(key) != new.get(key):
            out.append(
                Delta("keyword-changed", ptr, join(kw, key), old.get(key), new.get(key), UNKNOWN)
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
    k = join(kw, "type")
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
    k = join(kw, "enum")
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
        out.append(Delta(rule, ptr, join(kw, key), o, n, direction))
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
        out.append(Delta(rule, ptr, join(kw, key), o, n, WIDEN if loosened else NARROW))
    o, n = old.get("multipleOf"), new.get("multipleOf")
    if o != n:
        if n is None or (o is not None and (o / n).is_integer()):
            direction = WIDEN
        elif o is None or (n / o).is_integer():
            direction = NARROW
        else:
            direction = UNKNOWN
        rule = {WIDEN: "bound-loosened", NARROW: "bound-tightened"}.get(direction, "bound-changed")
        out.append(Delta(rule, ptr, join(kw, "multipleOf"), o, n, direction))
    o, n = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
    if o != n:
        rule = "bound-tightened" if n else "bound-loosened"
        out.append(Delta(rule, ptr, join(kw, "uniqueItems"), o, n, NARROW if n else WIDEN))
    return out


def _logic(old: Schema, new: Schema, ptr: str, kw: str) -> list[Delta]:
    out: list[Delta] = []
    if old.get("not") != new.get("not"):
        if "not" in old and "not" in new:
            inner = compare(old["not"], new["not"], ptr, join(kw, "not"))
            out += [
                Delta(d.rule, d.pointer, d.keyword, d.old, d.new, FLIP[d.direction]) for d in inner
            ]
        else:
            direction = NARROW if "not" in new else WIDEN
            rule = "not-added" if "not" in new else "not-removed"
            out.append(Delta(rule, ptr, join(kw, "not"), old.get("not"), new.get("not"), direction))
    out += _conditional(old, new, ptr, kw)
    lo, ln = old.get("allOf", []), new.get("allOf", [])
    for i, (o, n) in enumerate(zip(lo, ln, strict=False)):
        out += compare(o, n, ptr, join(kw, f"allOf/{i}"))
    for n in ln[len(lo) :]:
        out.append(Delta("allof-added", ptr, join(kw, "allOf"), None, n, NARROW))
    for o in lo[len(ln) :]:
        out.append(Delta("allof-removed", ptr, join(kw, "allOf"), o, None, WIDEN))
    for key in ("anyOf", "oneOf"):
        out += _alternatives(old, new, key, ptr, kw)
    return out


def _alternatives(old: Schema, new: Schema, key: str, ptr: str, kw: str) -> list[Delta]:
    o, n = old.get(key), new.get(key)
    if o == n:
        return []
    k = join(kw, key)
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
    k = join(kw, "if")
    active_o, active_n = "if" in co and len(co) > 1, "if" in cn and len(cn) > 1
    if not active_o and active_n:
        return [Delta("conditional-added", ptr, k, None, cn, NARROW)]
    if active_o and not active_n:
        return [Delta("conditional-removed", ptr, k, co, None, WIDEN)]
    if co.get("if") != cn.get("if"):
        return [Delta("conditional-changed", ptr, k, co, cn, UNKNOWN)]
    out: list[Delta] = []
    for branch in ("then", "else"):
        out += compare(co.get(branch, {}), cn.get(branch, {}), ptr, join(kw, branch))
    return out
