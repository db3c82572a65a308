"""Break exactly one rule of the contract in a valid payload, and say which rule it was.

Mutation operators are chosen from the keywords of the subschemas that apply at a location of the
payload (required, type, pattern, enum/const, lengths, item counts, uniqueness, minimum, closed
objects, dependencies, conditionals). Each mutant is checked with `toolkit.validate`; it is kept
only if the contract reports exactly one finding, and that finding's keyword and path become
its label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from toolkit.contract.versions import KEYWORD, RULE, UNSENT
from toolkit.fuzz.context import copy_json

Pointer = tuple[str | int, ...]
Check = Callable[[Any], tuple[tuple[str, str], ...]]
"""Returns the (keyword, JSONPath) of every finding; empty when the payload is valid."""

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

    def as_dict(self) -> dict[str, str]:
        """The stable JSON shape: `{"keyword", "path"}`."""
        return {"keyword": self.keyword, "path": self.path}


def mutate(payload: Any, schema: Any, rng: Any, check: Check, tries: int = 40) -> Any:
    """A copy of `payload` that breaks exactly one rule, with its Violation; None if none found."""
    by_kind: dict[str, list[tuple[Pointer, Op]]] = {}
    for pointer, value, schemas in _locations(payload, (), _expand([schema])):
        for kind, op in _operators(pointer, value, schemas, rng):
            by_kind.setdefault(kind, []).append((pointer, op))
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
            keyword, path = findings[0]
            return mutant, Violation(keyword, path)
    return None


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
