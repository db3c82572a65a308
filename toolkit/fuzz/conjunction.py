"""Merge a conjunction of subschemas for drawing: `allOf` flattened, branch points chosen.

`Piece` is one schema's keywords with its `allOf`s merged in and its branch points (`anyOf`,
`oneOf`, `if`/`then`/`else`) listed; `Flat` is what one draw collects from several pieces after
choosing a branch at each point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SKIP = frozenset({"title", "description", "examples", "$comment", "default", "$id", "$schema"})
SKIP |= {"definitions", "$defs", "readOnly", "writeOnly"}
"""Annotation keywords that do not constrain values."""


@dataclass
class Flat:
    """A conjunction with `allOf` merged and branches chosen: keyword -> every value it takes."""

    kw: dict[str, list[Any]] = field(default_factory=dict)
    props: dict[str, list[Any]] = field(default_factory=dict)
    branched: bool = False
    """Whether an anyOf/oneOf branch or a conditional side was chosen (then it is not cached)."""

    def add(self, key: str, value: Any) -> None:
        self.kw.setdefault(key, []).append(value)

    def get(self, key: str) -> list[Any]:
        return self.kw.get(key, [])


@dataclass
class Piece:
    """One schema's keywords with `allOf` merged in, and its branch points (cached per schema)."""

    kw: list[tuple[str, Any]] = field(default_factory=list)
    props: list[tuple[str, Any]] = field(default_factory=list)
    choices: list[list[Any]] = field(default_factory=list)
    conds: list[tuple[Any, Any, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, schema: Any, into: Piece | None = None) -> Piece:
        piece = into or cls()
        if not isinstance(schema, dict):
            if schema is False:
                piece.kw.append(("false", True))
            return piece
        for key, value in schema.items():
            if key in SKIP or key.startswith("x-") or key in ("then", "else"):
                continue
            if key == "allOf":
                for sub in value:
                    cls.of(sub, piece)
            elif key in ("anyOf", "oneOf"):
                piece.choices.append(value)
            elif key == "if":
                piece.conds.append((value, schema.get("then", True), schema.get("else", True)))
            elif key == "properties":
                piece.props.extend(value.items())
            else:
                piece.kw.append((key, value))
        return piece


_NEGATED: dict[int, tuple[Any, Any]] = {}


def negate(schema: Any) -> Any:
    """What the `else` side implies about properties, for an `if` of properties + required.

    `{"properties": {"p": S}, "required": ["p"]}` is false exactly when `p` is absent or does not
    match S; the generator keeps `p` present, so it constrains `p` with `not S`.
    Anything else implies nothing the generator can use (the final check still applies).
    """
    hit = _NEGATED.get(id(schema))
    if hit is None:
        out: Any = True
        if isinstance(schema, dict) and set(schema) <= {"properties", "required"}:
            props = schema.get("properties", {})
            if len(props) == 1 and set(schema.get("required", ())) == set(props):
                ((name, sub),) = props.items()
                out = {"properties": {name: {"not": sub}}}
        hit = _NEGATED[id(schema)] = (schema, out)
    return hit[1]
