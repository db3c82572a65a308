"""python-jsonschema configured like the fast path: ECMA-262 patterns and asserted formats."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regress
from jsonschema import Draft7Validator, ValidationError, validators

from toolkit.contract.registry import Schema
from toolkit.contract.resolve import build_registry


@lru_cache(maxsize=512)
def _ecma(pattern: str) -> Any:
    return regress.Regex(pattern)


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Schema
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and _ecma(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaDraft7Validator = validators.extend(Draft7Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def make_validator(schema: Schema, resources: dict[str, Schema]) -> Any:
    """A draft-07 validator for `schema` whose `$ref`s resolve among `resources` only.

    `$schema` is stripped from every resource: python-jsonschema switches to the stock validator
    class when a `$ref` enters a resource that names its dialect, which would bring back
    Python-`re` pattern semantics.
    """
    plain = {uri: _undialected(s) for uri, s in resources.items()}
    return EcmaDraft7Validator(
        _undialected(schema),
        registry=build_registry(plain),
        format_checker=Draft7Validator.FORMAT_CHECKER,
    )


def _undialected(schema: Schema) -> Schema:
    return {k: v for k, v in schema.items() if k != "$schema"}
