"""Whether a schema document can be used at all, said in one sentence with its JSON path.

Checked before anything else touches a schema: the metaschema of its draft (draft-07 unless it
names another), with `pattern` and `patternProperties` compiled as ECMA-262 regular expressions
(as JSON Schema says, and as both validation engines use them), and a bound on nesting, so that
no recursive walk over a hostile schema can exhaust the stack.
"""

from __future__ import annotations

from typing import Any

import regress
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

MAX_DEPTH = 100
"""Deepest nesting of objects and arrays accepted in a schema (Quay's, inlined, reach 12)."""

_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("regex", raises=regress.RegressError)
def _ecma_regex(value: object) -> bool:
    if isinstance(value, str):
        regress.Regex(value)
    return True


def depth(value: Any) -> int:
    """How deeply objects and arrays nest in `value` (a scalar is 0), without recursion."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, level = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            todo += [
                (child, level + 1) for child in (node.values() if isinstance(node, dict) else node)
            ]
    return deepest


def problem(schema: Any) -> str | None:
    """Why `schema` cannot be used (`$.path: what is wrong`), or `None` when it is well-formed."""
    if depth(schema) > MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels; no schema needs that many"
    cls = validator_for(schema, default=Draft7Validator)
    error = best_match(cls(cls.META_SCHEMA, format_checker=_FORMATS).iter_errors(schema))
    if error is None:
        return None
    message = error.message
    if error.validator == "format" and error.validator_value == "regex":
        cause = f" ({error.cause})" if error.cause else ""
        message = f"{error.instance!r} is not an ECMA-262 regular expression{cause}"
    if len(message) > 200:
        message = message[:199] + "…"
    return f"{error.json_path}: {message}"
