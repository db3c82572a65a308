"""Findings about one placeholder against one event: does its path match, and what it renders.

The expression is evaluated over the event's resolved schema (toolkit.templates.abstract), so
the findings hold for every payload the contract allows, not only for the examples.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from toolkit import contract
from toolkit.contract.registry import EVENTS
from toolkit.templates.abstract import Outcome, Value, evaluate, member_path, root_value
from toolkit.templates.engine import QuayError
from toolkit.templates.findings import Finding
from toolkit.templates.releases import MULTI_MATCH_FIXED, PROBES, Version
from toolkit.templates.shapes import MANY, shapes
from toolkit.templates.sites import Placeholder
from toolkit.templates.versions import sends
from toolkit.templates.worker import effect

_NOT_TEXT = {"integer", "float", "boolean", "null", "array", "object"}


@cache
def event_root(event: str, test_notification: bool = False) -> Value:
    """The event's payloads (or its test-notification bodies) as one abstract value."""
    if test_notification:
        return root_value(contract.test_notification_schema(event))
    return root_value(contract.resolved(event))


@dataclass(frozen=True)
class Scope:
    """The placeholder, the event and the release it is checked for."""

    placeholder: Placeholder
    event: str
    version: Version | None

    def finding(self, rule_id: str, message: str, **extra: Any) -> Finding:
        p = self.placeholder
        return Finding(
            rule_id, message, p.pointer, p.key, p.expression, events=(self.event,), **extra
        )

    @property
    def renders(self) -> str:
        """What a placeholder that finds nothing renders as."""
        if not self.placeholder.direct:
            return '"(none)"'
        return 'the key "null"' if self.placeholder.key else "null"


def findings(scope: Scope, tree: Any) -> Iterator[Finding]:
    """Every finding for the placeholder's expression (`tree`) against the scope's event."""
    outcome = evaluate(tree, event_root(scope.event))
    if outcome.unsupported:
        return
    yield from _crashes(scope, outcome)
    if outcome.high == 0:
        if not outcome.crashes:
            yield _never(scope, tree, outcome)
        return
    version_findings = list(_versions(scope, outcome))
    yield from version_findings
    if not any(f.rule == "path-not-sent" for f in version_findings):
        yield from _presence(scope, outcome)
    yield from _types(scope, outcome)
    for path in dict.fromkeys(outcome.string_index):
        message = f"{path} is a string: [n] gives one character"
        yield scope.finding("index-on-string", message, path=path)
    if evaluate(tree, event_root(scope.event, test_notification=True)).high == 0:
        message = f"Quay's Test Notification body has no such member: it renders {scope.renders}"
        yield scope.finding("test-notification-missing", message)


def _crashes(scope: Scope, outcome: Outcome) -> Iterator[Finding]:
    for crash in outcome.crashes:
        error = QuayError(crash.type, crash.message)
        text = f"{crash.type}: {crash.message}" if crash.message else crash.type
        when = "on every delivery" if crash.certain else crash.when
        message = f"raises {text} {when}, so the delivery fails; {effect(error).text}"
        yield scope.finding("path-crash", message, path=crash.path)


def _never(scope: Scope, tree: Any, outcome: Outcome) -> Finding:
    if not outcome.misses:
        message = f"never matches any payload: it renders {scope.renders}"
        return scope.finding("path-unknown", message)
    miss = outcome.misses[0]
    path = member_path(miss.at, miss.name) if not miss.at.endswith("below") else miss.name
    tail = f"it renders {scope.renders} on every delivery"
    if evaluate(tree, event_root(scope.event, test_notification=True)).high:
        message = f"only Quay's Test Notification body has {path}, real events never do, so {tail}"
        return scope.finding("path-test-only", message, path=path)
    others = [e for e in EVENTS if e != scope.event and evaluate(tree, event_root(e)).high]
    if not others:  # the whole path exists nowhere, but its first missing member may
        others = [e for e in EVENTS if e != scope.event and path in {p for _, p in _members(e)}]
    if others:
        named = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        message = f"{path} is a member of {named}, not of this event, so {tail}"
        return scope.finding("path-other-event", message, path=path)
    hint = _suggest(scope.event, miss.name, miss.known, miss.at)
    if _union_inside_path(tree):
        hint = (
            "in jsonpath-rw '|' binds tighter than '.': a.b|a.c means a.(b|a).c; write (a.b)|(a.c)"
        )
    message = f"no payload of this event has {path}, so {tail}"
    return scope.finding("path-unknown", message, path=path, hint=hint)


def _versions(scope: Scope, outcome: Outcome) -> Iterator[Finding]:
    for path, spec in dict.fromkeys(a for v in outcome.values for a in v.annotated):
        probes = [scope.version] if scope.version else PROBES
        answers = {sends(spec, probe) for probe in probes}
        if answers == {True} or None in answers:
            continue
        if answers == {False}:
            release = f"Quay {_shown(scope.version)}" if scope.version else "any release since 3.4"
            message = f"{path} is not sent by {release} ({spec}): it renders {scope.renders}"
            yield scope.finding("path-not-sent", message, path=path)
        else:
            message = f"{path} is sent only by Quay {spec}: other releases render {scope.renders}"
            yield scope.finding("path-version-dependent", message, path=path, releases=str(spec))


def _presence(scope: Scope, outcome: Outcome) -> Iterator[Finding]:
    if outcome.low == 0:
        reasons = [f"{a.path} is {a.reason}" if a.reason == "optional" else a.reason
                   for v in outcome.declared for a in v.absences]  # fmt: skip
        why = "; ".join(dict.fromkeys(reasons)) or "some payloads have no match"
        path = outcome.values[0].path
        message = f"may match nothing ({why}): it then renders {scope.renders}"
        yield scope.finding("path-optional", message, path=path)
    nullable = [v.path for v in outcome.declared if "null" in v.kinds]
    if nullable:
        path = nullable[0]
        message = f"{path} may be null: it then renders {scope.renders}"
        yield scope.finding("path-nullable", message, path=path)


def _types(scope: Scope, outcome: Outcome) -> Iterator[Finding]:
    p = scope.placeholder
    kinds = outcome.kinds
    path = outcome.values[0].path
    if outcome.high >= 2:
        yield from _multi(scope, outcome)
    if p.direct and p.key:
        if kinds & {"array", "object"} or outcome.high >= 2:
            what = "several values" if outcome.high >= 2 else "a list or object"
            message = (
                f"the key renders to {what}: TypeError (unhashable type), so the delivery fails; "
                + effect(QuayError("TypeError", "")).text
            )
            yield scope.finding("key-non-scalar", message, path=path)
        elif kinds & {"integer", "float", "boolean", "null"}:
            message = 'the key renders to a number, boolean or null, written as "2048", "true"'
            yield scope.finding("key-non-string", message + ' or "null"', path=path)
        return
    if p.direct:
        if outcome.high >= 2 and outcome.low <= 1:
            message = (
                f"renders {_types_by_count(outcome)}: the type in the body changes with the payload"
            )
            yield scope.finding("direct-cardinality", message, path=path)
        return
    yield from _inline(scope, outcome, path)


def _inline(scope: Scope, outcome: Outcome, path: str) -> Iterator[Finding]:
    kinds = outcome.kinds
    if outcome.high >= 2 and kinds & _NOT_TEXT:
        message = (
            f"several values inside text are joined with ',', and {_kinds(kinds & _NOT_TEXT)} "
            f"raises TypeError, so the delivery fails; " + effect(QuayError("TypeError", "")).text
        )
        yield scope.finding("inline-join-crash", message, path=path)
    for value in outcome.declared:
        for shape in value.shapes:
            if "array" not in shape.kinds:
                continue
            item_kinds = set().union(*(s.kinds for s in shapes(shape.items()))) or {"string"}
            if shape.length()[1] >= 2 and item_kinds - {"string"}:
                message = (
                    f"{value.path} is a list of {_kinds(item_kinds)}: inside text 2 or more "
                    "items are joined with ',', which raises TypeError, so the delivery fails; "
                    + effect(QuayError("TypeError", "")).text
                )
                yield scope.finding("inline-join-crash", message, path=value.path)
            break
    if "array" in kinds:
        message = "a list inside text renders as Python text: '[]' or \"['v1']\" for 0 or 1 items, "
        yield scope.finding("inline-list", message + "'a,b' for more", path=path)
    if "object" in kinds:
        message = "an object inside text renders as its Python repr (\"{'key': 'value'}\")"
        yield scope.finding("inline-object", message, path=path)
    if "boolean" in kinds:
        message = "a boolean inside text renders as Python's True or False"
        yield scope.finding("inline-boolean", message, path=path)


def _multi(scope: Scope, outcome: Outcome) -> Iterator[Finding]:
    always = "always matches" if outcome.low >= 2 else "can match"
    if scope.version is None:
        message = (
            f"{always} several values: Quay 3.4-3.5 (and older) raise AttributeError then, so "
            "the delivery fails"
        )
        yield scope.finding("multi-match-before-3.6", message, releases="<3.6")
    elif scope.version[:2] < MULTI_MATCH_FIXED:
        error = QuayError("AttributeError", "'DatumInContext' object has no attribute 'data'")
        message = (
            f"{always} several values: Quay {_shown(scope.version)} raises {error} then, so the "
            f"delivery fails; {effect(error).text}"
        )
        yield scope.finding("multi-match-crash", message)


def _union_inside_path(tree: Any) -> bool:
    """A `|` under a `.`: what `a.b|a.c` parses to."""
    kind = type(tree).__name__
    if kind == "Child":
        return any(
            type(t).__name__ == "Union" or _union_inside_path(t) for t in (tree.left, tree.right)
        )
    if kind in ("Union", "Descendants", "Where"):
        return _union_inside_path(tree.left) or _union_inside_path(tree.right)
    return False


def _types_by_count(outcome: Outcome) -> str:
    one = _kinds(outcome.kinds) if outcome.kinds else "a value"
    parts = (["null (no match)"] if outcome.low == 0 else []) + [f"{one} (one match)"]
    return ", ".join(parts) + " or a list (several matches)"


def _kinds(kinds: set[str] | frozenset[str]) -> str:
    names = {
        "integer": "a number",
        "float": "a number",
        "boolean": "a boolean",
        "null": "null",
        "array": "a list",
        "object": "an object",
        "string": "a string",
    }
    return " or ".join(sorted({names[k] for k in kinds}))


def _shown(version: Version | None) -> str:
    return ".".join(map(str, version or ()))


def _suggest(event: str, name: str, known: tuple[str, ...], at: str) -> str | None:
    """`did you mean ${...}?` from the names at that place, then from the whole event."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean ${{{_expression(member_path(at, close[0]))}}}?"
    everywhere = _members(event)
    exact = [path for member, path in everywhere if member == name]
    if not exact:
        names = difflib.get_close_matches(name, [m for m, _ in everywhere], n=1, cutoff=0.75)
        exact = [path for member, path in everywhere if names and member == names[0]]
    if exact:
        return f"did you mean ${{{_expression(exact[0])}}}?"
    return None


def _expression(path: str) -> str:
    return path[2:] if path.startswith("$.") else path


@cache
def _members(event: str) -> tuple[tuple[str, str], ...]:
    """(name, path) of every member anywhere in the event's payloads."""
    out: dict[tuple[str, str], None] = {}
    stack = [event_root(event)]
    while stack:
        value = stack.pop()
        if len(value.path) > 200:
            continue
        for shape in value.shapes:
            for name in shape.declared():
                path = member_path(value.path, name)
                out[(name, path)] = None
                stack.append(Value(shapes(shape.member(name)), path, 0, MANY))
            if "array" in shape.kinds and shape.items():
                stack.append(Value(shapes(shape.items()), value.path + "[*]", 0, MANY))
    return tuple(out)
