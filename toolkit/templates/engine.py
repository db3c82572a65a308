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
from dataclasses import dataclass
from typing import Any, Literal

from toolkit.templates.jsonpath import ExpressionError, parse
from toolkit.templates.releases import CURRENT, Family

Pointer = tuple[str | int, ...]

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
"""One `${expr}`: an expression is any run of characters other than `}`."""
_WHOLE = re.compile(r"\$\{[^}]*\}\n?")
"""A string that is one placeholder. Quay's check lets one final newline follow (Python's `$`),
and then cuts the expression one character short, so `"${x}\\n"` asks for the expression `x}`."""

RECURSION_LIMIT = 1000
"""Python's default: a template nested deeper always fails, as Quay's parse or walk recurses."""
STABLE_DEPTH = 400
"""Up to this nesting Quay renders reliably. Deeper, whether it fails depends on how deep Quay's
own stack already is (the API request or the worker), so the outcome is not predictable."""

PARSE_ERROR = "JSONTemplateParseException"
SAVE_REJECTED = "CannotValidateNotificationMethodException"
DELIVERY_FAILED = "NotificationMethodPerformException"


@dataclass(frozen=True)
class Site:
    """Where in the template something happened: a JSON pointer, and whether it is a key."""

    pointer: Pointer = ()
    key: bool = False
    expression: str | None = None


@dataclass(frozen=True)
class QuayError:
    """An exception Quay raises for a template: its class name and text, as Quay logs them."""

    type: str
    message: str
    parse: bool = False
    """A template parse error: Quay answers 400 when saving, and counts a delivery failure."""
    site: Site | None = None

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


@dataclass(frozen=True)
class Saved:
    """What saving the notification does: 201, 400 (parse error) or 500 (any other exception)."""

    status: int
    error: QuayError | None = None
    checked: bool = True
    """False when the template is falsy, so Quay does not look at it."""
    unstable: str | None = None
    """Set (with the reason) when the outcome depends on Quay's stack depth."""

    @property
    def accepted(self) -> bool:
        """Quay stores the notification."""
        return self.status == 201


@dataclass(frozen=True)
class Delivery:
    """What one delivery does: POST `body`, or raise `error`."""

    body: str | None = None
    error: QuayError | None = None
    templated: bool = True
    unstable: str | None = None

    @property
    def status(self) -> Literal["posted", "error", "unstable"]:
        """`posted`, `error`, or `unstable` when Quay's outcome depends on its stack depth."""
        if self.unstable is not None:
            return "unstable"
        return "posted" if self.error is None else "error"

    @property
    def data(self) -> bytes:
        """The request body on the wire (ASCII: json.dumps escapes everything else)."""
        assert self.body is not None
        return self.body.encode("ascii")


class _Raised(Exception):
    def __init__(self, error: QuayError) -> None:
        super().__init__(str(error))
        self.error = error


def direct_expression(text: str) -> str | None:
    """The expression of a string that is exactly one placeholder, as Quay cuts it out."""
    return text[2:-1] if _WHOLE.fullmatch(text) else None


def nesting(value: Any) -> int:
    """How deeply arrays and objects nest (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend(
                (child, depth) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def text_nesting(text: str) -> int:
    """How deeply brackets nest in JSON text, strings skipped (for text json.loads gave up on)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


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


def deliver(config_value: Any, payload: Any, family: Family = CURRENT) -> Delivery:
    """One delivery of `payload` (the event) to a webhook whose config holds `config_value`."""
    if not config_value:
        return Delivery(json.dumps(payload), templated=False)
    try:
        value = _load(config_value, family)
        _Walk({}, family).node(value, ())  # Quay's check against {} runs on every delivery
        body = json.dumps(_Walk(payload, family).node(value, ()))
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

    def __init__(self, data: Any, family: Family) -> None:
        self.data = data
        self.family = family

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
            if isinstance(key, list | dict):
                message = f"unhashable type: '{type(key).__name__}'"
                raise _Raised(QuayError("TypeError", message, site=Site((*at, name), key=True)))
            out[key] = rendered
        return out

    def string(self, text: str, site: Site) -> Any:
        expression = direct_expression(text)
        if expression is not None:
            return self.lookup(expression, site)
        return PLACEHOLDER.sub(lambda m: self.inline(m.group(1), site), text)

    def inline(self, expression: str, site: Site) -> str:
        result = self.lookup(expression, site)
        if result is None:
            return "(none)"
        try:
            if isinstance(result, list) and len(result) > 1:
                return ",".join(result)
            return str(result)
        except Exception as exc:  # join over non-strings: Quay does not catch it
            raise _Raised(_crash(exc, site, expression)) from None

    def lookup(self, expression: str, site: Site) -> Any:
        """The value a placeholder stands for: None, the one match, or a list of matches."""
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
