"""Which recorded requests may be sent again: the envelope's schema, then HTTP's syntax rules.

A capture line is data from a file, not a request: before `replay` sends anything, every
envelope must match toolkit/formats/capture-envelope.schema.json, its method must be a token
(RFC 9110 9.1) and one that is replayed (Quay only POSTs), header names tokens and header values
free of CR, LF and NUL (RFC 9110 5.1, 5.5), and its path an origin-form target (RFC 9112 3.2.1).
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import cache
from typing import Any

from toolkit.capture import envelope

QUAY_METHODS = frozenset({"POST"})
"""The methods Quay's webhook sender uses."""
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""RFC 9110 5.6.2: the characters of a method or a header name."""
FIELD_VALUE = re.compile(r"[\t\x20-\x7e\x80-\U0010ffff]*")
"""RFC 9110 5.5: a header value: visible characters, spaces and tabs; never CR, LF or NUL."""
ORIGIN_FORM = re.compile(r"/[\x21-\x7e]*")
"""RFC 9112 3.2.1: an absolute path and query, without spaces or control characters."""


@cache
def _validator() -> Any:
    from jsonschema import Draft7Validator

    return Draft7Validator(envelope.schema())


def problems(record: Any, allowed: frozenset[str] = QUAY_METHODS) -> list[str]:
    """Why this envelope must not be sent again (empty when it may be)."""
    schema_errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.path))
    if schema_errors:
        first = schema_errors[0]
        at = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in first.path)
        return [f"not a valid capture envelope: {at}: {first.message}"]
    out = []
    method = record["method"]
    if not TOKEN.fullmatch(method):
        out.append(f"method {method!r} is not an HTTP method")
    elif method.upper() not in allowed:
        out.append(
            f"method {method} is not replayed (Quay only POSTs); --allow-method {method} sends it"
        )
    for name, value in record["headers"].items():
        if not TOKEN.fullmatch(name):
            out.append(f"header name {name!r} is not an HTTP token")
        elif not FIELD_VALUE.fullmatch(value):
            out.append(f"header {name} has a CR, LF or control character in its value")
    if not ORIGIN_FORM.fullmatch(record["path"]):
        out.append(f"path {record['path']!r} is not an absolute path without spaces or controls")
    if record["body"] is None and record["body_base64"] is not None:
        try:
            base64.b64decode(record["body_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            out.append(f"body_base64 is not base64: {exc}")
    return out
