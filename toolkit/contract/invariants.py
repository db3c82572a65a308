"""`x-invariants`: relations between fields that Quay's code guarantees, declared in `schemas/`.

JSON Schema cannot say that `repository` is `<namespace>/<name>`; these declarations can. Each is
read from the resolved schema of an event (its bases through `allOf`, nested objects through
`properties`, alternatives through `anyOf`/`oneOf`), compiled once into a checker, and evaluated
by validation, fuzzing, the diff and the docs alike. The keyword is documented in
`docs/reference/invariants.md`; its own schema is `toolkit/formats/invariants.schema.json`.

Which declarations apply to an event: every one reachable as above, the nearest winning when two
share an id (so an event overrides what a base says). A test-notification variant is held to its
event's invariants (and any only it reaches), less those its `x-invariants-exempt` names.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

import orjson

from toolkit.contract.invariant_templates import (
    Path,
    Template,
    TemplateError,
    dotted,
    parse_path,
    parse_template,
)
from toolkit.contract.registry import Schema

KEYWORD = "x-invariants"
EXEMPT = "x-invariants-exempt"
_KEYS = frozenset({"id", "equal", "where", "when", "says", "source", "quay-versions"})


class DeclarationError(TemplateError):
    """An `x-invariants` declaration that cannot be read."""


class Invariant(NamedTuple):
    """One declared relation, at the instance location of the object that declares it."""

    id: str
    equal: tuple[tuple[Path, Template], ...]
    """(field, template) pairs, paths relative to `at`."""
    where: tuple[tuple[str, str], ...] = ()
    """Free variables and their ECMA-262 patterns (matched against the variable's whole value)."""
    when: tuple[tuple[Path, Any], ...] = ()
    """The invariant applies only where each of these fields equals its constant."""
    says: str | None = None
    source: str | None = None
    quay_versions: str | None = None
    at: Path = ()
    canonical: str = ""
    """The declaration's validating part (equal, where, when) as sorted JSON, to compare two."""

    @property
    def fields(self) -> tuple[Path, ...]:
        """Every field named, relative to `at`: the derived ones, their sources, then `when`."""
        found: list[Path] = [path for path, _ in self.equal]
        for _, template in self.equal:
            for ref in template.refs:
                found += [ref.path] + ([ref.arg] if ref.arg else [])
        found += [path for path, _ in self.when]
        return tuple(dict.fromkeys(found))

    @property
    def absolute_fields(self) -> tuple[Path, ...]:
        """`fields`, from the payload's root."""
        return tuple((*self.at, *path) for path in self.fields)

    @property
    def variables(self) -> dict[str, str]:
        """Free variable -> pattern."""
        return dict(self.where)


def parse(declaration: Any, at: Path = ()) -> Invariant:
    """One declaration as written in a schema; raises DeclarationError naming the problem."""
    if not isinstance(declaration, dict):
        raise DeclarationError(f"an invariant must be an object, not {declaration!r}")
    ident = declaration.get("id")
    if not isinstance(ident, str) or not ident:
        raise DeclarationError(f"an invariant needs an `id`: {declaration!r}")
    unknown = set(declaration) - _KEYS
    if unknown:
        raise DeclarationError(f"invariant {ident!r}: unknown keys {sorted(unknown)}")
    where = declaration.get("where", {})
    equal = declaration.get("equal")
    when = declaration.get("when", {})
    if not isinstance(where, dict) or not all(isinstance(p, str) for p in where.values()):
        raise DeclarationError(f"invariant {ident!r}: `where` maps names to patterns")
    if not isinstance(equal, dict) or not equal:
        raise DeclarationError(f"invariant {ident!r}: `equal` maps fields to templates")
    if not isinstance(when, dict):
        raise DeclarationError(f"invariant {ident!r}: `when` maps fields to constants")
    names = frozenset(where)
    try:
        pairs = tuple(
            (parse_path(field), parse_template(str(template), names))
            for field, template in equal.items()
        )
        conditions = tuple((parse_path(field), value) for field, value in when.items())
    except TemplateError as exc:
        raise DeclarationError(f"invariant {ident!r}: {exc}") from None
    used = {v for _, t in pairs for v in t.variables}
    if used != set(names):
        raise DeclarationError(f"invariant {ident!r}: `where` lists {sorted(names)}, "
                               f"the templates use {sorted(used)}")  # fmt: skip
    core = {k: declaration[k] for k in ("equal", "where", "when") if k in declaration}
    return Invariant(
        ident,
        pairs,
        tuple(where.items()),
        conditions,
        _text(declaration.get("says")),
        _text(declaration.get("source")),
        _text(declaration.get("quay-versions")),
        at,
        orjson.dumps(core, option=orjson.OPT_SORT_KEYS).decode(),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def collect(
    schema: Schema, schemas: dict[str, Schema] | None = None, base: str = ""
) -> tuple[Invariant, ...]:
    """Every invariant that applies to instances of a schema (see the module doc).

    The schema is a resolved one, or, with `schemas` (`$id` -> schema) and its `base` URI, one
    whose `$ref`s are followed as the walk meets them (nothing else of it is copied).
    """
    found: dict[tuple[str, Path], list[tuple[int, Invariant]]] = {}
    _walk(schema, (), 0, found, Refs(schemas, base) if schemas is not None else None)
    out: dict[str, Invariant] = {}
    for (ident, at), candidates in found.items():
        nearest = min(depth for depth, _ in candidates)
        chosen = [inv for depth, inv in candidates if depth == nearest]
        if len({inv.canonical for inv in chosen}) > 1:
            raise DeclarationError(f"invariant {ident!r} is declared twice at {dotted(at) or '$'}")
        if ident in out:
            raise DeclarationError(f"invariant id {ident!r} is used at two locations")
        out[ident] = chosen[0]
    return tuple(out.values())


class Refs:
    """Follows `$ref`s during a walk, as toolkit.contract.resolve.inline would have."""

    def __init__(self, schemas: dict[str, Schema], base: str) -> None:
        self.schemas = schemas
        self.base = base

    def follow(self, node: dict[str, Any]) -> tuple[dict[str, Any], Refs]:
        from toolkit.contract.resolve import lookup

        if "$ref" not in node:
            return node, self
        target, base = lookup(str(node["$ref"]), self.base, self.schemas)
        siblings = {k: v for k, v in node.items() if k != "$ref"}  # annotations win, as inlined
        return Refs(self.schemas, base).follow({**target, **siblings})


def _walk(
    node: Any,
    at: Path,
    depth: int,
    found: dict[tuple[str, Path], list[tuple[int, Invariant]]],
    refs: Refs | None,
) -> None:
    if not isinstance(node, dict):
        return
    if refs is not None:
        node, refs = refs.follow(node)
    for key in ("allOf", "anyOf", "oneOf"):  # bases first: their rules come first in reports
        for sub in node.get(key, ()):
            _walk(sub, at, depth + 1, found, refs)
    for declaration in node.get(KEYWORD, ()):
        invariant = parse(declaration, at)
        found.setdefault((invariant.id, at), []).append((depth, invariant))
    for name, sub in node.get("properties", {}).items():
        _walk(sub, (*at, name), 0, found, refs)


def of_variant(
    event: Schema, variant: Schema, schemas: dict[str, Schema] | None = None, base: str = ""
) -> tuple[Invariant, ...]:
    """The invariants a test-notification variant is held to: its event's, those only the
    variant reaches, less the exempted ones. The event's win on a shared id (a variant exempts
    an invariant; it does not redefine it). An exemption that names nothing is an error.
    `schemas` and `base` as for collect()."""
    merged = {inv.id: inv for inv in collect(event, schemas, base)}
    for inv in collect(variant, schemas, base):
        merged.setdefault(inv.id, inv)
    exempt = exemptions(variant)
    unknown = sorted(set(exempt) - set(merged))
    if unknown:
        raise DeclarationError(f"{EXEMPT} names invariants that do not apply: {unknown}")
    return tuple(inv for ident, inv in merged.items() if ident not in exempt)


def exemptions(variant: Schema) -> dict[str, str]:
    """Exempted invariant id -> the reason, as declared on a test-notification variant."""
    found = variant.get(EXEMPT, {})
    if not isinstance(found, dict):
        raise DeclarationError(f"{EXEMPT} maps invariant ids to reasons")
    return {str(k): str(v) for k, v in found.items()}


@cache
def for_event(event: str, *, test_notification: bool = False) -> tuple[Invariant, ...]:
    """The installed contract's invariants for an event (or for its test-notification body).

    The raw schemas are walked, following `$ref`s, so no schema is inlined on the way (a
    one-file run pays for what it reads)."""
    from toolkit.contract.compiled import raw, schema_id
    from toolkit.contract.registry import load_all

    schema, schemas, base = raw(event), load_all(), schema_id(event)
    if test_notification:
        variant = schema["definitions"]["test_notification"]
        return of_variant(schema, variant, schemas, base)
    return collect(schema, schemas, base)
