"""The schemas as the model generator reads them: every `pattern` rewritten for pydantic.

Only keyword positions of draft-07 are walked (never `examples`, `const`, `enum` or `x-`
annotations), so a property that happens to be called `pattern` is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from toolkit.modelgen.patterns import UnportablePatternError, rewrite

Visit = Callable[[str, str], str]
"""(pattern, JSON pointer of it) -> the pattern to put in its place."""

_ONE: tuple[str, ...] = ("additionalItems", "additionalProperties", "contains", "propertyNames")
_ONE += ("not", "if", "then", "else", "items")
_MANY = ("allOf", "anyOf", "oneOf", "items")
_BY_NAME = ("properties", "definitions", "dependencies", "patternProperties")


def map_patterns(schema: Any, visit: Visit, where: str = "#") -> Any:
    """A copy of `schema` with every `pattern` and `patternProperties` key replaced by `visit`."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("pattern"), str):
        out["pattern"] = visit(out["pattern"], f"{where}/pattern")
    for key in _ONE:
        if isinstance(out.get(key), dict):
            out[key] = map_patterns(out[key], visit, f"{where}/{key}")
    for key in _MANY:
        if isinstance(out.get(key), list):
            out[key] = [
                map_patterns(s, visit, f"{where}/{key}/{i}") for i, s in enumerate(out[key])
            ]
    for key in _BY_NAME:
        if isinstance(out.get(key), dict):
            out[key] = {
                (visit(name, f"{where}/{key}") if key == "patternProperties" else name): (
                    map_patterns(sub, visit, f"{where}/{key}/{_escape(name)}")
                )
                for name, sub in out[key].items()
            }
    return out


def portable(schema: Any, where: str = "#") -> Any:
    """`schema` with every pattern rewritten (`patterns.rewrite`).

    `where` names the schema (`schemas/x.schema.json#`) in an UnportablePatternError.
    """
    return map_patterns(schema, _rewrite, where)


def patterns(schema: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """Every (JSON pointer, pattern) of `schema`, in document order."""
    found: list[tuple[str, str]] = []

    def keep(pattern: str, pointer: str) -> str:
        found.append((pointer, pattern))
        return pattern

    map_patterns(schema, keep, where)
    yield from found


def _rewrite(pattern: str, where: str) -> str:
    try:
        return rewrite(pattern)
    except UnportablePatternError as exc:
        raise exc.located(where) from None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
