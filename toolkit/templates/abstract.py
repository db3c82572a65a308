"""Evaluate a jsonpath-rw expression over an event's schema instead of over one payload.

The result says what any payload of the event can give: how many values match (at least, at
most), their kinds, why a value may be missing, which step can raise and when, and which names do
not exist at all. It follows jsonpath-rw 1.4.0's semantics: a missing key matches nothing; `[n]`
raises KeyError on a non-empty object and TypeError on a number, boolean or null; `[*]` and
slices wrap an object, string, integer or boolean into a one-item list and raise TypeError on a
float or null; `..` visits a node before its children.
"""

from __future__ import annotations

import re
from typing import Any

from toolkit.templates.matches import Absence, Crash, Miss, Outcome, Value
from toolkit.templates.shapes import MANY, Schema, Shape, shapes
from toolkit.templates.versions import sent_expression

__all__ = ["Absence", "Crash", "Miss", "Outcome", "Value", "evaluate", "member_path", "root_value"]

MAX_DESCENT = 16
"""How deep `..` follows the schema (Quay's payloads nest six levels at most)."""
_PY_TYPES = {"integer": "int", "float": "float", "boolean": "bool", "null": "NoneType"}
_NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_@-]*")
_STRING: Schema = {"type": "string"}
"""What `[n]` on a string gives."""


def root_value(schema: Schema) -> Value:
    """The event itself: exactly one value of the schema."""
    return Value(shapes([schema]), "$", 1, 1)


def evaluate(tree: Any, root: Value) -> Outcome:
    """What `tree` (a parsed jsonpath-rw expression) gives over every payload of `root`."""
    out = Outcome()
    out.values = [v for v in _eval(tree, [root], root, out) if v.high > 0]
    return out


def member_path(base: str, name: str) -> str:
    """`$.a.b`, or `$.a['odd name']` for a name that is not a bare identifier."""
    return f"{base}.{name}" if _NAME.fullmatch(name) else f"{base}[{name!r}]"


def _eval(tree: Any, inputs: list[Value], root: Value, out: Outcome) -> list[Value]:
    kind = type(tree).__name__
    if kind == "Root":
        return [Value(root.shapes, "$", v.low and 1, v.high and 1) for v in inputs]
    if kind == "This":
        return inputs
    if kind == "Child":
        return _eval(tree.right, _eval(tree.left, inputs, root, out), root, out)
    if kind == "Union":
        return [*_eval(tree.left, inputs, root, out), *_eval(tree.right, inputs, root, out)]
    if kind == "Fields":
        return [m for v in inputs for name in tree.fields for m in _fields(v, name, out)]
    if kind == "Index":
        return [m for v in inputs for m in _index(v, tree.index, out)]
    if kind == "Slice":
        return [m for v in inputs for m in _slice(v, tree.start, tree.end, tree.step, out)]
    if kind == "Descendants":
        return [
            m for v in _eval(tree.left, inputs, root, out) for m in _descend(tree, v, root, out)
        ]
    if kind == "Intersect":
        out.crashes.append(Crash("NotImplementedError", "", "$", "always", True))
        return []
    if kind == "Parent":
        found = [v.parent for v in inputs if v.parent is not None]
        if len(found) < len(inputs):
            message = "'NoneType' object has no attribute 'value'"
            out.crashes.append(
                Crash("AttributeError", message, "$", "the root has no parent", True)
            )
        return found
    out.unsupported = kind
    return []


def _fields(value: Value, name: str, out: Outcome) -> list[Value]:
    if name == "*":
        found = [_member(value, n) for n in _declared(value)]
        extra = _undeclared(value)
        return found if extra is None else [*found, extra]
    if not any(name in s.declared() for s in value.shapes if "object" in s.kinds):
        out.misses.append(Miss(name, value.path, tuple(_declared(value))))
        return []
    return [_member(value, name)]


def _undeclared(value: Value) -> Value | None:
    """Members no schema declares but none forbids (a newer Quay, a proxy): `*` matches them."""
    nodes: list[Schema] = []
    allowed = False
    for shape in value.shapes:
        if "object" not in shape.kinds or shape.empty_object():
            continue
        extra = [n.get("additionalProperties", True) for n in shape.nodes]
        if any(e is False for e in extra):
            continue
        allowed = True
        nodes.extend(e for e in extra if isinstance(e, dict))
    if not allowed:
        return None
    absence = (Absence(value.path, "when it has no undeclared member"),)
    return Value(shapes(nodes), f"{value.path}.*", 0, MANY, absence, value, declared=False)


def _declared(value: Value) -> list[str]:
    names: dict[str, None] = {}
    for shape in value.shapes:
        if "object" in shape.kinds:
            names.update(dict.fromkeys(shape.declared()))
    return list(names)


def _member(value: Value, name: str) -> Value:
    path = member_path(value.path, name)
    nodes: list[Schema] = []
    members: list[Shape] = []
    always = value.low > 0
    absences = list(value.absences)
    for shape in value.shapes:
        if shape.kinds != {"object"}:
            always = False
            absences.append(Absence(value.path, _unless_object(value.path, shape.kinds)))
            if "object" not in shape.kinds:
                continue
        found = shape.member(name)
        if not found:
            always = False
            absences.append(Absence(value.path, f"when {value.path} is {_describe(shape)}"))
            continue
        nodes.extend(found)
        members.extend(shapes(found))
        if not shape.requires(name):
            always = False
            absences.append(Absence(path, "optional"))
    annotated = dict.fromkeys(value.annotated)
    for node in nodes:
        if "x-quay-versions" in node:
            annotated[(path, sent_expression(node["x-quay-versions"]))] = None
    return Value(
        tuple(members),
        path,
        value.low if always else 0,
        value.high,
        () if always else _unique(absences),
        value,
        tuple(annotated),
    )


def _arrays(value: Value) -> tuple[tuple[Shape, ...], int, int]:
    """The item shapes of the value's array forms, and the fewest and most items they have."""
    items: list[Shape] = []
    lows, highs = [], []
    for shape in value.shapes:
        if "array" in shape.kinds:
            low, high = shape.length()
            lows.append(low if shape.kinds == {"array"} else 0)
            highs.append(high)
            items.extend(shapes(shape.items()))
    return tuple(items), min(lows, default=0), max(highs, default=0)


def _index(value: Value, index: int, out: Outcome) -> list[Value]:
    path = f"{value.path}[{index}]"
    found: list[Value] = []
    kinds = value.kinds
    items, low, high = _arrays(value)
    need = index + 1 if index >= 0 else -index
    if "array" in kinds and high >= need:
        present = value.low > 0 and low >= need and kinds == {"array"}
        why = () if present else (Absence(path, f"when {value.path} has fewer items"),)
        found.append(Value(items, path, int(present), value.high, why, value))
    if "string" in kinds:
        out.string_index.append(value.path)
        why = (Absence(value.path, f"when {value.path} is too short"),)
        found.append(Value(shapes([_STRING]), path, 0, value.high, why, value))
    if "object" in kinds and not all(s.empty_object() for s in value.shapes if "object" in s.kinds):
        certain = value.low > 0 and kinds == {"object"}
        when = f"when {value.path} is an object"
        out.crashes.append(Crash("KeyError", str(index), value.path, when, certain))
    for kind in sorted(kinds & set(_PY_TYPES)):
        _no_len(value, kind, out)
    return found


def _slice(value: Value, start: Any, end: Any, step: Any, out: Outcome) -> list[Value]:
    path = f"{value.path}[{_bounds(start, end, step)}]"
    found: list[Value] = []
    items, low, high = _arrays(value)
    if "array" in value.kinds:
        low = len(range(low)[start:end:step])
        high = len(range(min(high, MANY))[start:end:step])
        if high:
            short = "is empty" if start is None else "has too few items"
            why = () if low and value.low else (Absence(path, f"when {value.path} {short}"),)
            count = (low * value.low, min(high * value.high, MANY))
            found.append(Value(items, path, *count, why, value))
    scalars = {"object", "string", "integer", "boolean"}  # wrapped into a one-item list
    keep = tuple(Shape(s.nodes, s.kinds & scalars) for s in value.shapes if s.kinds & scalars)
    if keep and len(range(1)[start:end:step]):
        found.append(Value(keep, value.path, value.low, value.high, value.absences, value))
    for kind in ("float", "null"):
        if kind in value.kinds:
            _no_len(value, kind, out)
    return found


def _descend(tree: Any, value: Value, root: Value, out: Outcome) -> list[Value]:
    """`left..right`: `right` at the value itself, then at every descendant, depth first."""
    found: list[Value] = []
    misses: list[Miss] = []
    names: dict[str, None] = {}
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        inner = Outcome()
        found.extend(v for v in _eval(tree.right, [node], root, inner) if v.high > 0)
        out.crashes.extend(inner.crashes)
        misses.extend(inner.misses)
        if depth >= MAX_DESCENT:
            continue
        children = [_member(node, n) for n in _declared(node)]
        names.update(dict.fromkeys(_declared(node)))
        for shape in node.shapes:
            if "array" in shape.kinds and shape.items():
                items = shapes(shape.items())
                children.append(Value(items, f"{node.path}[*]", 0, node.high * MANY, (), node))
        stack.extend((child, depth + 1) for child in reversed(children))
    if not found and misses:
        out.misses.append(Miss(misses[0].name, f"{value.path} or below", tuple(names)))
    relaxed = [
        v if v.path == value.path else Value(v.shapes, v.path, 0, v.high, v.absences, v.parent)
        for v in found
    ]
    return relaxed


def _no_len(value: Value, kind: str, out: Outcome) -> None:
    message = f"object of type '{_PY_TYPES[kind]}' has no len()"
    certain = value.low > 0 and value.kinds == {kind}
    when = f"when {value.path} is {'null' if kind == 'null' else 'a ' + _PY_TYPES[kind]}"
    out.crashes.append(Crash("TypeError", message, value.path, when, certain))


def _unless_object(path: str, kinds: frozenset[str]) -> str:
    if kinds == {"null"} or kinds == {"object", "null"}:
        return f"when {path} is null"
    return f"when {path} is not an object"


def _describe(shape: Shape) -> str:
    if shape.empty_object():
        return "{}"
    return "in some of its forms"


def _bounds(start: Any, end: Any, step: Any) -> str:
    if start is None and end is None and step is None:
        return "*"
    return f"{'' if start is None else start}:{'' if end is None else end}"


def _unique(items: list[Absence]) -> tuple[Absence, ...]:
    return tuple(dict.fromkeys(items))
