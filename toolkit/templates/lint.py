"""Static checks of one template against events: what saving does, and every finding.

`lint(config_value, events)` takes the template as the notification config holds it (normally a
string of JSON text) and returns what Quay's save answers plus the findings, each located in the
template's text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from toolkit.contract.registry import EVENTS
from toolkit.inputs.locate import locate
from toolkit.templates import paths
from toolkit.templates.engine import Saved, direct_expression, save
from toolkit.templates.findings import Finding, merge
from toolkit.templates.jsonpath import ExpressionError, parse
from toolkit.templates.releases import Version, family
from toolkit.templates.sites import Placeholder, oddities, placeholders
from toolkit.templates.source import Index, index

ENVELOPE_DATA = "${$}"


@dataclass
class Lint:
    """What saving the template does, and what is wrong with it."""

    saved: Saved
    findings: list[Finding] = field(default_factory=list)
    value: Any = None
    """The parsed template (None when it does not parse or there is none)."""
    text: str | None = None


def lint(config_value: Any, events: Iterable[str], version: Version | None = None) -> Lint:
    """Check a template (the config's value) against `events` for one release (or all)."""
    events = tuple(events)
    saved = save(config_value, family(version))
    if not config_value:
        message = "no template: Quay posts the event itself (json.dumps of the payload)"
        return Lint(saved, [Finding("no-template", message, events=events)])
    if not isinstance(config_value, str):
        shown = json.dumps(json.dumps(config_value))
        message = (
            f"the config holds a JSON {type(config_value).__name__} instead of a string of JSON "
            f"text: saving answers 500 ({saved.error}) and no delivery is sent"
        )
        hint = f'store the template as a string: "template": {shown[:120]}'
        return Lint(saved, [Finding("template-not-string", message, events=events, hint=hint)])
    text = config_value
    result = Lint(saved, text=text)
    try:
        result.value = json.loads(text)
    except ValueError as exc:
        result.findings.append(_invalid_json(exc, saved, events, text))
        return result
    except RecursionError:
        pass
    if saved.unstable or (saved.error and saved.error.type == "RecursionError"):
        rule_id = "deep-nesting" if saved.unstable else "save-crash"
        what = saved.unstable or f"saving answers 500 ({saved.error})"
        result.findings.append(Finding(rule_id, what, events=events))
        return result
    where = index(text)
    found = [*_placeholders(result.value, events, version), *_text(result.value, where, events)]
    crash = list(_save_crash(saved, events))
    if crash:  # the template cannot be saved: what a delivery would do is moot at that place
        places = {(f.pointer, f.key, f.expression) for f in crash}
        found = [f for f in found if (f.pointer, f.key, f.expression) not in places]
    result.findings = merge(_located(f, where) for f in [*found, *crash])
    return result


def locate_all(findings: Iterable[Finding], text: str) -> list[Finding]:
    """Findings given the line:column of their place in the template `text`, merged."""
    where = index(text)
    return merge(_located(f, where) for f in findings)


def _invalid_json(exc: ValueError, saved: Saved, events: tuple[str, ...], text: str) -> Finding:
    message = f"saving answers 400: {saved.error.message if saved.error else exc}"
    line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    offset = getattr(exc, "pos", None)
    hint = None
    if text.startswith("\ufeff"):
        hint = "the text starts with a byte-order mark (U+FEFF): remove it"
    elif "'" in text and '"' not in text:
        hint = "JSON strings take double quotes"
    return Finding(
        "invalid-json", message, events=events, line=line, column=column, offset=offset, hint=hint
    )


def _placeholders(
    value: Any, events: tuple[str, ...], version: Version | None
) -> Iterator[Finding]:
    found = placeholders(value)
    if not found:
        yield Finding("no-placeholder", "the template has no ${...}: every body is the same")
    for p in found:
        try:
            if not p.expression:
                raise ExpressionError("Empty expression found")
            tree = parse(p.expression)
        except ExpressionError as exc:
            text = f"For expression `{p.expression}`: {exc}" if p.expression else str(exc)
            yield Finding(
                "invalid-jsonpath",
                f"saving answers 400: {text}",
                p.pointer,
                p.key,
                p.expression,
                events=events,
                hint=_jsonpath_hint(p),
                offset=p.start,
            )
            continue
        for event in events:
            for f in paths.findings(paths.Scope(p, event, version), tree):
                yield replace(f, offset=p.start)
    yield from _envelope(value, events)


def _jsonpath_hint(p: Placeholder) -> str | None:
    expression = p.expression
    if p.direct and p.text.endswith("\n") and direct_expression(p.text) == expression:
        return "a newline follows the placeholder, so Quay reads the expression as " + (
            f"`{expression}`: remove the newline"
        )
    if "?" in expression or "@." in expression:
        return "jsonpath-rw has no filters ([?(...)]): match the whole list instead"
    if expression.lstrip().startswith(".."):
        return f"descendants need a start: ${{${expression.strip()}}}"
    if "{" in expression:
        return "placeholders do not nest"
    return None


def _envelope(value: Any, events: tuple[str, ...]) -> Iterator[Finding]:
    if not (isinstance(value, dict) and set(value) == {"event", "data"}):
        return
    name, data = value["event"], value["data"]
    if not isinstance(name, str) or not isinstance(data, str) or "${" not in data:
        return
    if name not in EVENTS:
        message = f"the envelope names {name!r}, which is not a Quay event"
        yield Finding("unknown-event", message, ("event",), events=events, offset=0)
    elif set(events) - {name}:
        others = ", ".join(e for e in events if e != name)
        message = f"the envelope names {name}, but the body is sent for {others}"
        yield Finding("envelope-event-mismatch", message, ("event",), events=events, offset=0)
    if data != ENVELOPE_DATA:
        message = (
            "a body of exactly {event, data} is unwrapped by validate, listen and report, which "
            f'then check "data" as a whole {name} payload; "data": "{data}" is not the whole event'
        )
        yield Finding("envelope-partial", message, ("data",), events=events, offset=0)
    else:
        message = f"envelope template: receivers see the event name {name!r} beside the payload"
        yield Finding("envelope-template", message, ("data",), events=events, offset=0)


def _text(value: Any, where: Index, events: tuple[str, ...]) -> Iterator[Finding]:
    for odd in oddities(value):
        message = {
            "no-escape": "there is no escape: '$${x}' renders '$' followed by the value of x",
            "unclosed-placeholder": "'${' without a closing '}' is sent as literal text",
        }[odd.kind]
        yield Finding(odd.kind, message, odd.pointer, odd.key, events=events, offset=odd.start)
    for pointer, offset in where.repeated:
        message = f"the key {pointer[-1]!r} repeats: the last value wins, at the first's position"
        line, column = where.position(offset)
        yield Finding(
            "duplicate-key",
            message,
            pointer,
            True,
            events=events,
            offset=offset,
            line=line,
            column=column,
        )
    for pointer, number in _non_standard(value):
        message = f"{number} is not JSON: Quay sends it as {json.dumps(number)}"
        yield Finding("non-standard-json", message, pointer, events=events)


def _non_standard(value: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield at, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _non_standard(item, (*at, i))
    elif isinstance(value, dict):
        for name, member in value.items():
            yield from _non_standard(member, (*at, name))


def _save_crash(saved: Saved, events: tuple[str, ...]) -> Iterator[Finding]:
    if saved.status != 500 or saved.error is None:
        return
    site = saved.error.site
    message = f"saving answers 500: rendering against {{}} raises {saved.error}"
    if site is None:
        yield Finding("save-crash", message, events=events)
        return
    yield Finding(
        "save-crash", message, site.pointer, site.key, site.expression, events=events, offset=0
    )


def _located(f: Finding, where: Index) -> Finding:
    """Give a finding the line:column of its place in the template text."""
    if f.line is not None:
        return f
    offset = where.offset(f.pointer, f.key, f.offset or 0)
    if offset is None:
        offset = locate(where.text, f.pointer)
    line, column = where.position(offset)
    return replace(f, offset=offset, line=line, column=column)
