"""The schemas as the model generator reads them: every `pattern` rewritten for pydantic.

Only keyword positions of draft-07 are walked (never `examples`, `const`, `enum` or `x-`
annotations), so a property that happens to be called `pattern` is left alone.
"""

from __future__ import annotations

from typing import Any

from toolkit.modelgen.patterns import UnportablePatternError, rewrite

_ONE: tuple[str, ...] = ("additionalItems", "additionalProperties", "contains", "propertyNames")
_ONE += ("not", "if", "then", "else", "items")
_MANY = ("allOf", "anyOf", "oneOf", "items")
_BY_NAME = ("properties", "definitions", "dependencies", "patternProperties")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def portable(schema: Any, where: str = "#") -> Any:
    """A copy of `schema` with every pattern rewritten (`patterns.rewrite`).

    `where` names the schema (`schemas/x.schema.json#`) in an UnportablePatternError.
    """
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("pattern"), str):
        out["pattern"] = _rewrite(out["pattern"], f"{where}/pattern")
    for key in _ONE:
        if isinstance(out.get(key), dict):
            out[key] = portable(out[key], f"{where}/{key}")
    for key in _MANY:
        if isinstance(out.get(key), list):
            out[key] = [portable(s, f"{where}/{key}/{i}") for i, s in enumerate(out[key])]
    for key in _BY_NAME:
        if isinstance(out.get(key), dict):
            out[key] = {
                (_rewrite(k, f"{where}/{key}") if key == "patternProperties" else k): portable(
                    s, f"{where}/{key}/{_escape(k)}"
                )
                for k, s in out[key].items()
            }
    return out


def _rewrite(pattern: str, where: str) -> str:
    try:
        return rewrite(pattern)
    except UnportablePatternError as exc:
        raise exc.located(where) from None
