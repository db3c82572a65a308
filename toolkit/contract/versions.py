"""`x-quay-versions`: which Quay releases send a field (or an event), and the contract narrowed
to a set of releases.

The annotation is `{"sent": ">=3.8.2", "always": true, "note": "..."}`. `sent` is PEP 440
specifier sets (comma = and) joined by ` || ` (or), evaluated over the known releases
(`toolkit.contract.releases`); `always` says the key is present whenever its object is (or, for a
property with a `dependencies` entry, whenever the keys it depends on are).

`narrow(schema, target)` rewrites a resolved schema so that it accepts exactly what the releases
of `target` send. What narrowing adds is marked with `x-rule` (`version-unsent`,
`version-missing`), so a validation error is mapped to its rule by its schema path (`marker`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson

from toolkit.contract import tables
from toolkit.contract.registry import Schema
from toolkit.contract.releases import Releases, known

KEYWORD = "x-quay-versions"
RULE = "x-rule"
UNSENT = "version-unsent"
MISSING = "version-missing"
_FIELD, _SENT, _WHAT, _WITH = "x-field", "x-sent", "x-what", "x-with"
_SKIP = frozenset({"definitions", "examples", "x-examples"})
_SCHEMAS = ("additionalProperties", "items", "not", "if", "then", "else", "contains")
_LISTS = ("allOf", "anyOf", "oneOf")


class AnnotationError(ValueError):
    """An `x-quay-versions` value that does not follow the syntax."""


@dataclass(frozen=True)
class Annotation:
    """One parsed `x-quay-versions` annotation."""

    sent: Releases
    """The releases that send the field (or the event)."""
    expr: str
    """`sent` as written."""
    always: bool = False
    note: str | None = None


def annotation(node: Any) -> Annotation | None:
    """The annotation on a schema node, if it has one."""
    if not isinstance(node, dict) or KEYWORD not in node:
        return None
    value = node[KEYWORD]
    if not isinstance(value, dict) or not isinstance(value.get("sent"), str):
        raise AnnotationError(f"{KEYWORD} must be an object with a `sent` string, not {value!r}")
    unknown = set(value) - {"sent", "always", "note"}
    if unknown or not isinstance(value.get("always", False), bool):
        raise AnnotationError(f"{KEYWORD}: unknown keys or a non-boolean `always` in {value!r}")
    note = value.get("note")
    return Annotation(releases_of(value["sent"]), value["sent"], value.get("always", False), note)


def releases_of(expr: str) -> Releases:
    """The releases a `sent` expression selects (from the regenerated table when it is there)."""
    stored = tables.sent_ranges()
    if stored is not None and expr in stored:
        return Releases.from_ranges(stored[expr])
    return evaluate(expr)


@cache
def evaluate(expr: str) -> Releases:
    """Evaluate a `sent` expression with `packaging` (PEP 440 specifier sets, ` || ` = or)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    selected: set[str] = set()
    for part in expr.split("||"):
        try:
            spec = SpecifierSet(part.strip())
        except InvalidSpecifier as exc:
            raise AnnotationError(f"{KEYWORD}: {expr!r}: {exc}") from None
        if not part.strip():
            raise AnnotationError(f"{KEYWORD}: {expr!r} has an empty alternative")
        selected.update(v for v in known() if Version(v) in spec)
    return Releases.of(selected)


def narrow(schema: Schema, target: Releases, *, what: str) -> Schema:
    """`schema` (resolved) narrowed to what the releases of `target` send.

    A field none of them sends becomes `{"not": {}}` and leaves `required` and `dependencies`; a
    field all of them always send is required (in an `allOf` member of the node that declares
    it, or as a `dependencies` entry when the field has one); an `anyOf`/`oneOf` alternative, or
    the `then`/`else` of a conditional, that none of them sends can no longer match. If none of
    them sends the event at all (`what`), nothing is valid. Every such addition carries `x-rule`.
    """
    event = annotation(schema)
    if event is not None and not event.sent & target:
        return _marker(UNSENT, event, what=what)
    out = _node(schema, target)
    assert isinstance(out, dict)
    return out


def _marker(rule: str, ann: Annotation, **extra: Any) -> Schema:
    out: Schema = {} if rule == MISSING else {"not": {}}
    out.update({RULE: rule, _SENT: str(ann.sent)})
    out.update({f"x-{k}": v for k, v in extra.items() if v is not None})
    return out


def _node(node: Any, target: Releases) -> Any:
    if not isinstance(node, dict):
        return node
    out: Schema = {}
    unsent: set[str] = set()
    added: list[Schema] = []
    found = node.get("dependencies")
    deps: dict[str, Any] = found if isinstance(found, dict) else {}
    for key, value in node.items():
        if key in _SKIP:
            continue
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            props = {}
            for name, sub in value.items():
                ann = annotation(sub) if key == "properties" else None
                if ann is not None and not ann.sent & target:
                    props[name] = _marker(UNSENT, ann, field=name)
                    unsent.add(name)
                    continue
                if ann is not None and ann.always and target.issubset(ann.sent):
                    added.append(_required(name, ann, deps.get(name)))
                props[name] = _node(sub, target)
            out[key] = props
        elif key in ("then", "else") and (ann := annotation(value)) and not ann.sent & target:
            out[key] = _marker(UNSENT, ann)  # a conditional alternative these releases never send
        elif key in _SCHEMAS:
            out[key] = (
                [_node(v, target) for v in value]
                if isinstance(value, list)
                else (_node(value, target))
            )
        elif key in _LISTS and isinstance(value, list):
            out[key] = [_member(v, target) if key != "allOf" else _node(v, target) for v in value]
        else:
            out[key] = value
    if unsent and "required" in out:
        out["required"] = [n for n in out["required"] if n not in unsent]
    if isinstance(out.get("dependencies"), dict):
        out["dependencies"] = {
            k: [n for n in v if n not in unsent] if isinstance(v, list) else _node(v, target)
            for k, v in out["dependencies"].items()
            if k not in unsent
        }
    if added:
        out["allOf"] = [*out.get("allOf", []), *added]
    return out


def _member(node: Any, target: Releases) -> Any:
    """An `anyOf`/`oneOf` alternative; one that no release of `target` sends cannot match."""
    ann = annotation(node)
    if ann is None or ann.sent & target:
        return _node(node, target)
    plain = {k: v for k, v in node.items() if k != KEYWORD}
    return {"allOf": [_node(plain, target), _marker(UNSENT, ann)]}


def _required(name: str, ann: Annotation, deps: Any) -> Schema:
    """The requirement narrowing adds for a field that every target release always sends."""
    if isinstance(deps, list) and deps:
        rule = _marker(MISSING, ann, field=name, **{"with": list(deps)})
        rule["dependencies"] = {dep: [name] for dep in deps}
        return rule
    rule = _marker(MISSING, ann, field=name)
    rule["required"] = [name]
    return rule


def marker(schema: Schema, schema_path: Any) -> Schema | None:
    """The deepest node carrying `x-rule` on the way down `schema_path` (an error's), if any."""
    node: Any = schema
    found = node if isinstance(node, dict) and RULE in node else None
    for step in schema_path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and RULE in node:
            found = node
    return found


def message(mark: Schema, release: str, value: Any = None, *, conditional: bool = False) -> str:
    """A marker's finding in words, for `release` (`Quay 3.10`). `value` is the offending value
    (named when the marker is on an alternative, not a field); `conditional`: the marker sits in
    the `then`/`else` of a condition the payload meets."""
    sent = mark.get(_SENT, "")
    field = mark.get(_FIELD)
    case = " in this case" if conditional else ""
    if mark[RULE] == MISSING:
        with_ = mark.get(_WITH)
        beside = f" with {_words(with_)}" if with_ else ""
        return f"{release} always sends `{field}`{beside}{case} (sent by {sent})"
    value_here = f"the value {_json(value)} here"
    what = f"`{field}`{case}" if field else mark.get(_WHAT) or value_here
    return f"{release} does not send {what} (sent by {sent})"


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _words(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
