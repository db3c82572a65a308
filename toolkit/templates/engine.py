"""Render a webhook body template the way Quay does, byte for byte, or fail the way Quay fails.

The rules, established by running Quay's own template code on jsonpath-rw 1.4.0 (see
docs/guides/templates.md and tests/data/templates/):

- no template (absent, `""`, or any other falsy value): the body is the event itself;
- a template must be a string holding JSON (Python's dialect: NaN and Infinity are accepted, the
  last of repeated keys wins); every string in it, object keys included, is rendered;
- a string that is exactly one `${expr}` becomes the matched value: `null` for no match, the value
  for one, a list for several; inside a longer string each `${expr}` becomes text: `(none)` for
  no match or null, the items joined with `,` for several matches or a list of 2+ items, Python's
  `str()` otherwise (so `True`, `['a']`, `{'k': 'v'}`);
- the body is `json.dumps` of the result with its defaults (`", "` and `": "`, ASCII only);
- before rendering, Quay renders the template once against `{}`: when saving (a parse error is
  a 400, any other exception a 500) and again before every delivery.
"""

from __future__ import annotations

import json
import re
from typing import Any

from toolkit.templates.depth import RECURSION_LIMIT, STABLE_DEPTH, nesting, text_nesting
from toolkit.templates.jsonpath import ExpressionError, parse
from toolkit.templates.outcome import (
    DELIVERY_FAILED,
    PARSE_ERROR,
    Delivery,
    Pointer,
    QuayError,
    Saved,
    Site,
)
from toolkit.templates.releases import CURRENT, Family

Trace = dict[tuple[Pointer, bool, int | None], Any]
"""What each placeholder gave in one rendering: (pointer, is_key, index of its `$` in the string)
-> the value it stood for; (pointer of a member, True, None) -> the member's rendered key."""

__all__ = [
    "DELIVERY_FAILED",
    "PARSE_ERROR",
    "PLACEHOLDER",
    "Delivery",
    "QuayError",
    "Saved",
    "Site",
    "TemplateFailure",
    "Trace",
    "deliver",
    "direct_expression",
    "render",
    "save",
]

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
"""One `${expr}`: an expression is any run of characters other than `}`."""
_WHOLE = re.compile(r"\$\{[^}]*\}\n?")
"""A string that is one placeholder. Quay's check lets one final newline follow (Python's `$`),
and then cuts the expression one character short, so `"${x}\\n"` asks for the expression `x}`."""


class _Raised(Exception):
    def __init__(self, error: QuayError) -> None:
        super().__init__(str(error))
        self.error = error


def direct_expression(text: str) -> str | None:
    """The expression of a string that is exactly one placeholder, as Quay cuts it out."""
    return text[2:-1] if _WHOLE.fullmatch(text) else None


def save(config_value: Any, family: Family = CURRENT) -> Saved:
    """Saving a webhook notification whose config holds `config_value` as its template."""
    if not config_value:
        return Saved(201, checked=False)
    try:
        value = _load(config_value, family)
        _Walk({}, family).node(value, ())
    except _Raised as raised:
        return Saved(400 if raised.error.parse else 500, raised.error)
    except _Unstable as unstable:
        return Saved(0, unstable=unstable.reason)
    return Saved(201)


def deliver(
    config_value: Any, payload: Any, family: Family = CURRENT, trace: Trace | None = None
) -> Delivery:
    """One delivery of `payload` (the event) to a webhook whose config holds `config_value`.

    `trace`, when given, receives what each placeholder gave for this payload.
    """
    if not config_value:
        return Delivery(json.dumps(payload), templated=False)
    try:
        value = _load(config_value, family)
        _Walk({}, family).node(value, ())  # Quay's check against {} runs on every delivery
        body = json.dumps(_Walk(payload, family, trace).node(value, ()))
    except _Raised as raised:
        error = raised.error
        if error.parse:
            error = QuayError(DELIVERY_FAILED, error.message, True, error.site)
        return Delivery(error=error)
    except _Unstable as unstable:
        return Delivery(unstable=unstable.reason)
    return Delivery(body)


def render(value: Any, payload: Any, family: Family = CURRENT) -> Any:
    """The rendered value of an already parsed template (no check against `{}`).

    Raises TemplateFailure with the QuayError when rendering fails.
    """
    try:
        return _Walk(payload, family).node(value, ())
    except _Raised as raised:
        raise TemplateFailure(raised.error) from None


class TemplateFailure(Exception):
    """Rendering raised what `error` describes."""

    def __init__(self, error: QuayError) -> None:
        super().__init__(str(error))
        self.error = error


class _Unstable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _load(config_value: Any, family: Family) -> Any:
    """The parsed template, or _Raised/_Unstable as Quay's json.loads and walk would end."""
    if not isinstance(config_value, str):
        name = type(config_value).__name__
        shown = f"'{name}'" if family.quoted_type_names else name
        raise _Raised(
            QuayError("TypeError", f"the JSON object must be str, bytes or bytearray, not {shown}")
        )
    try:
        value = json.loads(config_value)
        depth = nesting(value)
    except RecursionError:
        depth, value = text_nesting(config_value), None
    except ValueError as exc:
        raise _Raised(QuayError(PARSE_ERROR, f"Could not parse template: {exc}", True)) from None
    if depth > RECURSION_LIMIT:
        raise _Raised(QuayError("RecursionError", _recursion_text(config_value, family)))
    if depth > STABLE_DEPTH:
        raise _Unstable(
            f"the template nests {depth} levels deep: whether Quay's Python stack overflows "
            f"depends on how deep it already is (more than {STABLE_DEPTH} levels is unsafe)"
        )
    return value


def _recursion_text(text: str, family: Family) -> str:
    base = "maximum recursion depth exceeded"
    if family.short_recursion_text:
        return base
    kind = "array" if text.lstrip()[:1] == "[" else "object"
    return f"{base} while decoding a JSON {kind} from a unicode string"


class _Walk:
    """One rendering pass over a parsed template against one event."""

    def __init__(self, data: Any, family: Family, trace: Trace | None = None) -> None:
        self.data = data
        self.family = family
        self.trace = trace

    def node(self, value: Any, at: Pointer) -> Any:
        if isinstance(value, str):
            return self.string(value, Site(at))
        if isinstance(value, list):
            return [self.node(item, (*at, i)) for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        out: dict[Any, Any] = {}
        for name, member in value.items():
            if self.family.value_before_key:
                rendered = self.node(member, (*at, name))
                key = self.string(name, Site((*at, name), key=True))
            else:
                key = self.string(name, Site((*at, name), key=True))
                rendered = self.node(member, (*at, name))
            if self.trace is not None:
                self.trace[((*at, name), True, None)] = key
            if isinstance(key, list | dict):
                message = f"unhashable type: '{type(key).__name__}'"
                site = Site((*at, name), True, direct_expression(name))
                raise _Raised(QuayError("TypeError", message, site=site))
            out[key] = rendered
        return out

    def string(self, text: str, site: Site) -> Any:
        expression = direct_expression(text)
        if expression is not None:
            return self.lookup(expression, site, 0)
        return PLACEHOLDER.sub(lambda m: self.inline(m.group(1), site, m.start()), text)

    def inline(self, expression: str, site: Site, start: int) -> str:
        result = self.lookup(expression, site, start)
        if result is None:
            return "(none)"
        try:
            if isinstance(result, list) and len(result) > 1:
                return ",".join(result)
            return str(result)
        except Exception as exc:  # join over non-strings: Quay does not catch it
            raise _Raised(_crash(exc, site, expression)) from None

    def lookup(self, expression: str, site: Site, start: int) -> Any:
        """The value a placeholder stands for: None, the one match, or a list of matches."""
        result = self._lookup(expression, site)
        if self.trace is not None:
            self.trace[(site.pointer, site.key, start)] = result
        return result

    def _lookup(self, expression: str, site: Site) -> Any:
        where = Site(site.pointer, site.key, expression)
        if not expression:
            raise _Raised(QuayError(PARSE_ERROR, "Empty expression found", True, where))
        try:
            tree = parse(expression)
        except ExpressionError as exc:
            message = f"For expression `{expression}`: {exc}"
            raise _Raised(QuayError(PARSE_ERROR, message, True, where)) from None
        try:
            matches = tree.find(self.data)
            if not matches:
                return None
            if len(matches) == 1:
                return matches[0].value
        except IndexError:
            return None  # the one exception Quay catches around `find`
        except Exception as exc:  # everything else escapes Quay's worker
            raise _Raised(_crash(exc, where, expression)) from None
        if self.family.multi_match_crashes:
            message = "'DatumInContext' object has no attribute 'data'"
            raise _Raised(QuayError("AttributeError", message, site=where))
        return [match.value for match in matches]


def _crash(exc: BaseException, site: Site, expression: str) -> QuayError:
    where = Site(site.pointer, site.key, expression)
    return QuayError(type(exc).__name__, str(exc), site=where)
