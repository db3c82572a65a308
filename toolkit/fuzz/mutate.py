"""Break exactly one rule of the contract in a valid payload, and say which rule it was.

Mutation operators are chosen from the keywords of the subschemas that apply at a location of the
payload (required, type, pattern, enum/const, lengths, item counts, uniqueness, minimum, closed
objects, dependencies, conditionals) and from the invariants that apply to it (`x-invariants`:
one of the fields an invariant relates is nudged, its schema kept). Each mutant is checked with
`toolkit.validate`; it is kept only if the contract reports exactly one finding, and that
finding's keyword, path and rule (an invariant's id) become its label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.contract.invariant_check import Compiled
from toolkit.contract.versions import KEYWORD, RULE, UNSENT
from toolkit.fuzz.context import copy_json

Pointer = tuple[str | int, ...]
Label = tuple[str, str, str | None, tuple[str, ...]]
"""(keyword, JSONPath, rule or None, every path involved) of one finding."""
Check = Callable[[Any], tuple[Label, ...]]
"""Returns the Label of every finding; empty when the payload is valid."""

WRONG_TYPES: dict[str, Any] = {
    "string": 0,
    "integer": "0",
    "number": "0.5",
    "boolean": "true",
    "null": "null",
    "array": {},
    "object": [],
}


@dataclass(frozen=True)
class Violation:
    """The one rule an invalid payload breaks."""

    keyword: str
    path: str
    rule: str | None = None
    """The rule id when it is not a plain schema keyword: an invariant's id (keyword
    `x-invariants`), or `version-unsent` (keyword `x-quay-versions`, with `--quay-version`)."""
    paths: tuple[str, ...] = ()
    """Every field the rule relates (`path` first); empty for one field."""

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape: `{"keyword", "path"}`, and `rule` and `paths` for a rule."""
        out: dict[str, Any] = {"keyword": self.keyword, "path": self.path}
        if self.rule is not None:
            out["rule"] = self.rule
            out["paths"] = list(self.paths) or [self.path]
        return out


def mutate(
    payload: Any,
    schema: Any,
    rng: Any,
    check: Check,
    tries: int = 40,
    invariants: Sequence[Compiled] = (),
) -> Any:
    """A copy of `payload` that breaks exactly one rule, with its Violation; None if none found.

    `invariants` (compiled) add one kind of rule each, for those that apply to the payload.
    """
    by_kind: dict[str, list[tuple[Pointer, Op]]] = {}
    for pointer, value, schemas in _locations(payload, (), _expand([schema])):
        for kind, op in _operators(pointer, value, schemas, rng):
            by_kind.setdefault(kind, []).append((pointer, op))
    for compiled in invariants:
        for pointer, op in _invariant_operators(payload, compiled):
            by_kind.setdefault(f"x-invariants:{compiled.invariant.id}", []).append((pointer, op))
    kinds = list(by_kind)
    if not kinds:
        return None
    for _ in range(tries):
        # Choose the kind of rule first, so rare rules are broken as often as common ones.
        options = by_kind[kinds[rng.randrange(len(kinds))]]
        pointer, op = options[rng.randrange(len(options))]
        mutant = copy_json(payload)
        op(mutant, pointer)
        findings = check(mutant)
        if len(findings) == 1:
            return mutant, Violation(*findings[0])
    return None


def break_invariant(payload: Any, compiled: Compiled, rng: Any, check: Check) -> Any:
    """A copy of `payload` that breaks exactly this invariant and nothing else, with its
    Violation; None when no nudge of its fields does (or it does not apply)."""
    ops = _invariant_operators(payload, compiled)
    rng.shuffle(ops)
    for pointer, op in ops:
        mutant = copy_json(payload)
        op(mutant, pointer)
        findings = check(mutant)
        if len(findings) == 1 and findings[0][2] == compiled.invariant.id:
            return mutant, Violation(*findings[0])
    return None


def _invariant_operators(payload: Any, compiled: Compiled) -> list[tuple[Pointer, Op]]:
    """Nudges of the fields an applicable invariant relates (its `when` fields left alone)."""
    if compiled.values(payload) is None:
        return []
    invariant = compiled.invariant
    conditions = {path for path, _ in invariant.when}
    out: list[tuple[Pointer, Op]] = []
    for field in invariant.fields:
        if field in conditions:
            continue
        pointer: Pointer = (*invariant.at, *field)
        node = payload
        for step in pointer:
            node = node[step]
        out += [(pointer, _replace(new)) for new in nudges(node)]
    return out


def nudges(value: Any) -> list[Any]:
    """Small changes that usually keep a value's schema: the last digit or letter moved on, a
    character added, a number moved by one, a boolean flipped, one leaf of an object nudged."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 1, value - 1]
    if isinstance(value, str):
        out = [
            value[:at] + _next(value[at]) + value[at + 1 :]
            for test in (str.isdigit, str.isalnum)
            if (at := max((i for i, c in enumerate(value) if test(c)), default=-1)) >= 0
        ]
        return [*out, value + "x", "x" + value]
    if isinstance(value, dict):
        return [{**value, k: n} for k, v in value.items() for n in nudges(v)[:1]]
    if isinstance(value, list) and value:
        return [[n, *value[1:]] for n in nudges(value[0])[:2]]
    return []


_RINGS = ("0123456789", "abcdef", "ABCDEF", "ghijklmnopqrstuvwxyz", "GHIJKLMNOPQRSTUVWXYZ")


def _next(char: str) -> str:
    """The next character of its kind (hex digits stay hex), wrapping around."""
    for ring in _RINGS:
        if char in ring:
            return ring[(ring.index(char) + 1) % len(ring)]
    return "x"


def applicable(schema: Any, pointer: Pointer) -> list[dict[str, Any]]:
    """Every subschema that may apply at `pointer` (all branches of anyOf and conditionals)."""
    current = _expand([schema])
    for step in pointer:
        following: list[Any] = []
        for node in current:
            if isinstance(step, str):
                props = node.get("properties", {})
                extra = node.get("additionalProperties")
                following.append(props.get(step, extra))
            else:
                following.append(node.get("items"))
        current = _expand(following)
    return current


def _expand(schemas: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = [s for s in schemas if isinstance(s, dict)]
    while stack:
        node = stack.pop(0)
        out.append(node)
        for key in ("allOf", "anyOf", "oneOf"):
            stack.extend(s for s in node.get(key, ()) if isinstance(s, dict))
        stack.extend(node[k] for k in ("then", "else") if isinstance(node.get(k), dict))
    return out


def _locations(
    value: Any, pointer: Pointer, schemas: list[dict[str, Any]]
) -> Iterator[tuple[Pointer, Any, list[dict[str, Any]]]]:
    """Every location of `value` with the subschemas that may apply there."""
    yield pointer, value, schemas
    if isinstance(value, dict):
        for k, v in value.items():
            following = [
                s.get("properties", {}).get(k, s.get("additionalProperties")) for s in schemas
            ]
            yield from _locations(v, (*pointer, k), _expand(following))
    elif isinstance(value, list):
        items = _expand([s.get("items") for s in schemas])
        for i, v in enumerate(value):
            yield from _locations(v, (*pointer, i), items)


Op = Callable[[Any, Pointer], None]


def _operators(
    pointer: Pointer, value: Any, schemas: list[dict[str, Any]], rng: Any
) -> list[tuple[str, Op]]:
    """(kind of rule, operator) pairs for one location, in a deterministic order."""
    ops: list[tuple[str, Op]] = []
    kws = {k: [s[k] for s in schemas if k in s] for s in schemas for k in s}
    if isinstance(value, dict):
        required = dict.fromkeys(k for req in kws.get("required", ()) for k in req if k in value)
        ops += [("required", _delete(key)) for key in required]
        for deps in kws.get("dependencies", ()):
            ops += [
                ("dependencies", _delete(d))
                for k, ds in deps.items()
                if k in value and isinstance(ds, list)
                for d in ds
                if d in value
            ]
        for props in kws.get("properties", ()):  # a key the release never sends, added
            ops += [
                (KEYWORD, _setkey(k, "x"))
                for k, s in props.items()
                if k not in value and isinstance(s, dict) and s.get(RULE) == UNSENT
            ]
        if any(a is False for a in kws.get("additionalProperties", ())) or "propertyNames" in kws:
            ops.append(("additionalProperties", _setkey("unexpected_key", "x")))
        if any(most == len(value) for most in kws.get("maxProperties", ())):
            ops.append(("maxProperties", _setkey("unexpected_key", "x")))
    if pointer:
        types = {t for ts in kws.get("type", ()) for t in ([ts] if isinstance(ts, str) else ts)}
        wrong = [v for t, v in WRONG_TYPES.items() if types and t not in types]
        ops += [("type", _replace(w)) for w in wrong[:3]]
        ops.append(("null", _replace(None)))
        ops += [(kind, _replace(v)) for kind, v in _bad_values(value, kws, rng)]
    return ops


def _bad_values(value: Any, kws: dict[str, list[Any]], rng: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(value, str):
        if "pattern" in kws:
            bad = [value + "\n", " " + value, value + "/", value.upper(), "\u2028" + value]
            out += [("pattern", b) for b in bad]
        if "enum" in kws or "const" in kws:
            out += [("enum", v) for v in (value.upper(), value.capitalize(), value + "-unknown")]
        out += [("minLength", "") for _ in kws.get("minLength", ())]
        out += [("maxLength", "x" * (n + 1)) for n in kws.get("maxLength", ())]
        if "format" in kws:
            out.append(("format", "https://exa mple.com/%zz"))
    elif isinstance(value, list):
        out += [("minItems", []) for n in kws.get("minItems", ()) if n > 0]
        out += [("maxItems", value + value[:1] * (n + 1)) for n in kws.get("maxItems", ()) if value]
        if any(kws.get("uniqueItems", ())) and value:
            out.append(("uniqueItems", [*value, value[rng.randrange(len(value))]]))
    elif isinstance(value, int) and not isinstance(value, bool):
        out += [("minimum", m - 1) for m in kws.get("minimum", ())]
        out += [("maximum", m + 1) for m in kws.get("maximum", ())]
        if "const" in kws or "enum" in kws:
            out.append(("enum", value + 1))
    return out


def _parent(payload: Any, pointer: Pointer) -> Any:
    node = payload
    for step in pointer[:-1]:
        node = node[step]
    return node


def _delete(key: str) -> Op:
    def op(payload: Any, pointer: Pointer) -> None:
        node = _parent(payload, (*pointer, key))
        node.pop(key, None)

    return op


def _setkey(key: str, value: Any) -> Op:
    def op(payload: Any, pointer: Pointer) -> None:
        _parent(payload, (*pointer, key))[key] = value

    return op


def _replace(new: Any) -> Op:
    def op(payload: Any, pointer: Pointer) -> None:
        _parent(payload, pointer)[pointer[-1]] = copy_json(new)

    return op
