"""Rewrite a draft-07 schema in the JSON Schema 2020-12 dialect, with the same verdicts.

OpenAPI 3.1 reads Schema Objects as 2020-12, where the draft-07 keywords that 2020-12 renamed or
split are *unknown keywords, silently ignored*: a `dependencies` rule would stop rejecting
anything. `to_2020_12` rewrites each of them:

| draft-07                                | 2020-12                                          |
|-----------------------------------------|--------------------------------------------------|
| `definitions`                           | `$defs`                                          |
| `dependencies` (array value)            | `dependentRequired`                              |
| `dependencies` (schema value)           | `dependentSchemas`                               |
| `items` (array form), `additionalItems` | `prefixItems`, `items`                           |
| `additionalItems` beside no array       | dropped (draft-07 ignores it there)              |
| `$id: "#name"` (a plain-name fragment)  | `$anchor: "name"`                                |
| assertions beside `$ref`                | dropped (draft-07 ignores them; 2020-12 doesn't) |
| `$schema` of draft-07                   | the 2020-12 meta-schema                          |

and `$ref` fragments that walk through a renamed keyword (`#/definitions/x` → `#/$defs/x`).
The walk knows where subschemas sit, so annotations (`examples`, `const`, `x-…` keywords, …) are
copied verbatim, whatever they contain, and keywords it does not know are kept as they are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from toolkit.contract.registry import Schema

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
"""Keywords whose value maps names to subschemas (`dependencies` mixes schemas and arrays)."""
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_VALUES = (
    "additionalItems",
    "additionalProperties",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "not",
)
"""Keywords whose value is one subschema (`items` may be one or a list)."""

IGNORED_BESIDE_REF = frozenset(
    {
        *SCHEMA_LISTS,
        *SCHEMA_VALUES,
        "$id",
        "const",
        "contentEncoding",
        "contentMediaType",
        "dependencies",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "items",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "pattern",
        "patternProperties",
        "properties",
        "required",
        "type",
        "uniqueItems",
    }
)
"""Draft-07 keywords that a `$ref` beside them switches off, and 2020-12 would apply: dropped.
Annotations, `definitions` and unknown keywords beside a `$ref` stay."""


def to_2020_12(schema: Any) -> Any:
    """The draft-07 `schema` (a whole document or any subschema) rewritten for 2020-12."""
    return _convert(schema, schema)


def subschemas(node: Schema) -> list[tuple[tuple[str, ...], Any]]:
    """(relative JSON-pointer tokens, subschema) for every draft-07 subschema position of `node`."""
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out += [((key, name), sub) for name, sub in value.items()]
        elif key == "dependencies" and isinstance(value, dict):
            out += [((key, name), sub) for name, sub in value.items() if not isinstance(sub, list)]
        elif (key in SCHEMA_LISTS or key == "items") and isinstance(value, list):
            out += [((key, str(i)), sub) for i, sub in enumerate(value)]
        elif key in SCHEMA_VALUES or key == "items":
            out.append(((key,), value))
    return out


def _convert(node: Any, root: Any) -> Any:
    if not isinstance(node, dict):
        return node  # a boolean schema means the same in both dialects
    sub = {path: _convert(value, root) for path, value in subschemas(node)}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if "$ref" in node and key in IGNORED_BESIDE_REF:
            continue
        if key == "$ref":
            out[key] = _ref(str(value), root)
        elif key == "$schema" and value == DRAFT_07:
            out[key] = DRAFT_2020_12
        elif key == "$id" and isinstance(value, str) and "#" in value:
            base, _, anchor = value.partition("#")
            if base:
                out["$id"] = base
            if anchor:
                out["$anchor"] = anchor
        elif key == "definitions" and isinstance(value, dict):
            out["$defs"] = {name: sub[(key, name)] for name in value}
        elif key == "dependencies" and isinstance(value, dict):
            required = {k: v for k, v in value.items() if isinstance(v, list)}
            schemas = {k: sub[(key, k)] for k in value if k not in required}
            if required:
                out["dependentRequired"] = required
            if schemas:
                out["dependentSchemas"] = schemas
        elif key == "items" and isinstance(value, list):
            out["prefixItems"] = [sub[(key, str(i))] for i in range(len(value))]
            if "additionalItems" in node:
                out["items"] = sub[("additionalItems",)]
        elif key == "additionalItems":
            continue  # moved to `items` above, or meaningless without an array of `items`
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: sub[(key, name)] for name in value}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [sub[(key, str(i))] for i in range(len(value))]
        elif key in SCHEMA_VALUES or key == "items":
            out[key] = sub[(key,)]
        else:
            out[key] = value
    return out


def _ref(ref: str, root: Any) -> str:
    """`ref` with its fragment pointer translated; pointers into other documents by name alone."""
    base, hash_, fragment = ref.partition("#")
    if not hash_ or not fragment.startswith("/"):
        return ref
    tokens = [unquote(t).replace("~1", "/").replace("~0", "~") for t in fragment[1:].split("/")]
    new = translate_pointer(tokens, root if not base else None)
    safe = "$!&'()*+,;=:@"
    return (
        base
        + "#"
        + "".join("/" + quote(t.replace("~", "~0").replace("/", "~1"), safe) for t in new)
    )


def translate_pointer(tokens: list[str], document: Any = None) -> list[str]:
    """A draft-07 JSON pointer (as tokens) into the same place of the converted document.

    With the original `document` the walk knows whether `items` held an array; without it, an
    `items` followed by a number is taken for the array form.
    """
    out: list[str] = []
    node = document
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        parent = node if isinstance(node, dict) else None
        step = [token]
        if token == "definitions":
            step = ["$defs"]
        elif token == "dependencies" and nxt is not None:
            step = ["dependentSchemas"]
            if parent is not None and isinstance(parent.get(token, {}).get(nxt), list):
                step = ["dependentRequired"]
        elif token == "items" and nxt is not None and nxt.isdigit():
            array = parent is None or isinstance(parent.get("items"), list)
            step = ["prefixItems"] if array else step
        elif token == "additionalItems":
            step = ["items"]
        out += step
        node = _step(node, token)
        i += 1
    return out


def _step(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return None
