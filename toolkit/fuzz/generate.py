"""Draw valid instances of a JSON Schema from a seeded random source.

The schema is interpreted directly (`allOf` merged, one `anyOf`/`oneOf` branch and one side of each
`if`/`then`/`else` chosen per draw), leaves come from `toolkit.fuzz.providers`, and every drawn
value is checked against its (sub)schema with jsonschema-rs, so what comes out is valid by
construction of the check, not by trust in the generator. Any `random.Random`-like source works; the
Hypothesis strategies pass one seeded by Hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jsonschema_rs

from toolkit.contract.invariants import Invariant, collect
from toolkit.fuzz import providers
from toolkit.fuzz.coherence import cohere
from toolkit.fuzz.conjunction import Flat, Piece, negate
from toolkit.fuzz.context import Ctx, copy_json

Path = tuple[str, ...]
Conj = tuple[Any, ...]
"""A conjunction of subschemas that one value must satisfy."""

ITEM = "[]"
"""The path step for an array item."""
MAX_TRIES = 40
EXTRA_KEYS = ("x_forwarded_by", "quay_version", "cluster", "extra")


class GenerationError(RuntimeError):
    """The schema admits values the generator cannot find within its retry budget."""


class _Contradiction(Exception):
    """The branches chosen for this draw require a key no value can fill: choose again."""


class Generator:
    """Draws instances of one schema; `pools` maps instance paths to example values."""

    def __init__(
        self,
        schema: Any,
        pools: dict[Path, list[Any]] | None = None,
        invariants: Sequence[Invariant] | None = None,
    ) -> None:
        """`invariants` default to those the schema declares (`x-invariants`)."""
        self.schema = schema
        self.pools = pools or {}
        self.invariants: dict[Path, list[Invariant]] = {}
        for inv in collect(schema) if invariants is None else invariants:
            self.invariants.setdefault(tuple(str(s) for s in inv.at), []).append(inv)
        self._checks: dict[tuple[int, ...], tuple[Conj, Callable[[Any], bool]]] = {}
        self._pieces: dict[int, Piece] = {}
        self._static: dict[tuple[int, ...], Flat] = {}

    def draw(self, rng: Any) -> Any:
        """One instance."""
        ctx = Ctx(rng, providers.host(rng), providers.scheme(rng))  # the server of every URL
        return self.value((self.schema,), (), ctx)

    def check(self, conj: Conj, key: tuple[int, ...] | None = None) -> Callable[[Any], bool]:
        """A compiled validator for the conjunction (cached by identity)."""
        key = key or tuple(map(id, conj))
        hit = self._checks.get(key)
        if hit is None:
            schema = conj[0] if len(conj) == 1 else {"allOf": list(conj)} if conj else {}
            if not isinstance(schema, dict):
                schema = {} if schema else {"not": {}}
            validator = jsonschema_rs.Draft7Validator(schema, validate_formats=True)
            hit = self._checks[key] = (conj, validator.is_valid)
        return hit[1]

    def value(self, conj: Conj, path: Path, ctx: Ctx) -> Any:
        """A value satisfying every schema in `conj`."""
        key = tuple(map(id, conj))
        ok = self.check(conj, key)
        for _ in range(MAX_TRIES):
            flat = self._static.get(key) or self._expand(conj, ctx.rng, key)
            try:
                candidate = self._draw(flat, path, ctx)
            except _Contradiction:
                continue
            if ok(candidate):
                return candidate
        where = "$" + "".join(f"[{p}]" if p == ITEM else f".{p}" for p in path)
        raise GenerationError(f"no valid value found for {where} after {MAX_TRIES} tries")

    def _expand(self, conj: Iterable[Any], rng: Any, key: tuple[int, ...]) -> Flat:
        flat = Flat()
        for schema in conj:
            self._absorb(schema, flat, rng)
        if not flat.branched:
            self._static[key] = flat  # no choice was made: the same every time
        return flat

    def _absorb(self, schema: Any, flat: Flat, rng: Any) -> None:
        piece = self._pieces.get(id(schema))
        if piece is None:
            piece = self._pieces[id(schema)] = Piece.of(schema)
        for key, value in piece.kw:
            flat.kw.setdefault(key, []).append(value)
        for name, sub in piece.props:
            flat.props.setdefault(name, []).append(sub)
        flat.branched = flat.branched or bool(piece.choices or piece.conds)
        for options in piece.choices:
            self._absorb(options[rng.randrange(len(options))], flat, rng)
        for if_, then, else_ in piece.conds:
            if rng.random() < 0.5:
                self._absorb(if_, flat, rng)
                self._absorb(then, flat, rng)
            else:
                self._absorb(else_, flat, rng)
                self._absorb(negate(if_), flat, rng)

    def _draw(self, flat: Flat, path: Path, ctx: Ctx) -> Any:
        rng = ctx.rng
        consts = flat.get("const")
        if consts:
            return copy_json(consts[0])
        enums = flat.get("enum")
        if enums:
            choices = [v for v in enums[0] if all(v in e for e in enums[1:])]
            return copy_json(choices[rng.randrange(len(choices))]) if choices else None
        kind = _pick_type(flat, rng)
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("integer", "number"):
            return _integer(flat, path, rng)
        if kind == "string":
            return self._string(flat, path, ctx)
        if kind == "array":
            return self._array(flat, path, ctx)
        if kind == "object":
            return self._object(flat, path, ctx)
        pool = self.pools.get(path)
        return copy_json(pool[rng.randrange(len(pool))]) if pool else providers.text(rng)

    def _string(self, flat: Flat, path: Path, ctx: Ctx) -> Any:
        rng = ctx.rng
        patterns = flat.get("pattern")
        if patterns:
            known = [p for p in patterns if p in providers.BY_PATTERN]
            if known:
                return providers.BY_PATTERN[max(known, key=len)](rng)
            return _xeger(max(patterns, key=len), rng)
        pool = self.pools.get(path)
        name = path[-1] if path else ""
        if pool and rng.random() < (0.8 if name in providers.POOL_FIRST else 0.4):
            return copy_json(pool[rng.randrange(len(pool))])
        parent = path[-2] if len(path) > 1 else ""
        provider = providers.BY_PARENT_NAME.get((parent, name)) or providers.BY_NAME.get(name)
        if provider is not None:
            return provider(rng)
        for fmt in flat.get("format"):
            if fmt in providers.BY_FORMAT:
                return providers.BY_FORMAT[fmt](rng)
        low = max(flat.get("minLength"), default=0)
        high = min(flat.get("maxLength"), default=None)
        out = providers.text(rng)
        out = out if len(out) >= low else out + "x" * (low - len(out))
        return out if high is None else out[:high]

    def _array(self, flat: Flat, path: Path, ctx: Ctx) -> list[Any]:
        rng = ctx.rng
        items = tuple(i for i in flat.get("items") if isinstance(i, dict | bool))
        low = max(flat.get("minItems"), default=0)
        high = min(flat.get("maxItems"), default=max(low, 4))
        n = 0 if low == 0 and rng.random() < 0.15 else rng.choice((1, 1, 1, 2, 2, 3, 5))
        n = min(max(n, low), high)
        unique = any(flat.get("uniqueItems"))
        out: list[Any] = []
        for _ in range(n * 3):
            if len(out) == n:
                break
            item = self.value(items, (*path, ITEM), ctx)
            if not (unique and item in out):
                out.append(item)
        return out

    def _object(self, flat: Flat, path: Path, ctx: Ctx) -> dict[str, Any]:
        rng = ctx.rng
        required = {k for req in flat.get("required") for k in req}
        names = flat.get("propertyNames")
        allowed = _allowed_names(names)
        forbidden = {k for n in flat.get("not") if set(n) == {"required"} for k in n["required"]}
        forbidden |= {k for k, subs in flat.props.items() if any(map(_never, subs))}
        if required & forbidden:
            raise _Contradiction
        keys = [
            k
            for k, subs in flat.props.items()
            if k in required
            or (k not in forbidden and (allowed is None or k in allowed) and _include(subs, rng))
        ]
        keys += [k for k in sorted(required) if k not in flat.props]
        for deps in flat.get("dependencies"):
            for k in list(keys):
                for dep in deps.get(k, ()) if isinstance(deps.get(k), list) else ():
                    if dep not in keys:
                        keys.append(dep)
        most = min(flat.get("maxProperties"), default=None)
        if most is not None and len(keys) > most:
            keys = [k for k in keys if k in required][:most]
        closed = any(a is False for a in flat.get("additionalProperties")) or names
        if not closed and most is None and rng.random() < (0.1 if not path else 0.02):
            keys.append(EXTRA_KEYS[rng.randrange(len(EXTRA_KEYS))])
        least = max(flat.get("minProperties"), default=0)
        spare = [k for k in flat.props if k not in keys and k not in forbidden]
        while len(keys) < least and spare:
            keys.append(spare.pop(0))
        extra = tuple(a for a in flat.get("additionalProperties") if isinstance(a, dict))
        obj = {k: self.value(tuple(flat.props.get(k, extra)), (*path, k), ctx) for k in keys}
        checks = {k: self.check(tuple(subs)) for k, subs in flat.props.items() if k in obj}
        cohere(obj, self.invariants.get(path, ()), checks, ctx)
        return obj


def _pick_type(flat: Flat, rng: Any) -> str | None:
    allowed: set[str] | None = None
    for t in flat.get("type"):
        now = {t} if isinstance(t, str) else set(t)
        if "number" in now:
            now.add("integer")
        allowed = now if allowed is None else allowed & now
    if allowed is None:
        kw = flat.kw
        if flat.props or "required" in kw:
            return "object"
        if "items" in kw or "minItems" in kw:
            return "array"
        if "pattern" in kw or "minLength" in kw or "format" in kw:
            return "string"
        if "minimum" in kw or "maximum" in kw:
            return "integer"
        return None
    options = sorted(allowed)
    if len(options) > 1 and "null" in options:
        if rng.random() < 0.15:
            return "null"
        options.remove("null")
    return options[rng.randrange(len(options))] if options else None


def _integer(flat: Flat, path: Path, rng: Any) -> int:
    low = max(flat.get("minimum"), default=0)
    high = min(flat.get("maximum"), default=None)
    name = path[-1] if path else ""
    if name.endswith("_bytes"):
        value = int(2 ** (rng.random() * 44))
    elif name == "threshold_percent":
        value = rng.choice((50, 75, 80, 90, 100))
    elif name.endswith("percent"):
        value = rng.randrange(121)
    else:
        value = rng.randrange(1001)
    for above in flat.get("exclusiveMinimum"):
        low = max(low, math.floor(above) + 1)
    for below in flat.get("exclusiveMaximum"):
        high = min(high, math.ceil(below) - 1) if high is not None else math.ceil(below) - 1
    value = max(math.ceil(low), value)
    value = value if high is None else min(math.floor(high), value)
    for step in flat.get("multipleOf"):
        if isinstance(step, int) and step > 0:
            value -= value % step
            value += step if value < low else 0
    return value


def _never(schema: Any) -> bool:
    """A schema no value satisfies (`{"not": {}}`, e.g. a field the chosen release never
    sends): its key must be left out."""
    return schema is False or (isinstance(schema, dict) and schema.get("not") == {})


def _include(subs: list[Any], rng: Any) -> bool:
    legacy = any(isinstance(s, dict) and s.get("x-legacy") for s in subs)
    return bool(rng.random() < (0.05 if legacy else 0.6))


def _allowed_names(names: list[Any]) -> set[str] | None:
    allowed: set[str] | None = None
    for n in names:
        if isinstance(n, dict) and "enum" in n:
            allowed = set(n["enum"]) if allowed is None else allowed & set(n["enum"])
    return allowed


def _xeger(pattern: str, rng: Any) -> str:
    """A string for a pattern no provider knows (Python-regex semantics; the caller's check
    rejects what ECMA-262 would not match)."""
    from rstr.xeger import Xeger

    class _Short(Xeger):
        def _handle_repeat(self, start: int, end: int, value: Any) -> str:
            return str(super()._handle_repeat(start, min(end, start + 8), value))

    return str(_Short(rng).xeger(pattern))


def example_pools(examples: Iterable[Any]) -> dict[Path, list[Any]]:
    """Every value at every instance path of the examples (array items under `[]`)."""
    pools: dict[Path, list[Any]] = {}

    def walk(node: Any, path: Path) -> None:
        if path:
            pool = pools.setdefault(path, [])
            if node not in pool:
                pool.append(node)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for v in node:
                walk(v, (*path, ITEM))

    for example in examples:
        walk(example, ())
    return pools
