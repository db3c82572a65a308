"""The committed exports, and validators over their components in each document's dialect."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
import regress
from jsonschema import Draft7Validator, Draft202012Validator, ValidationError, validators

from tests.conftest import ROOT

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@cache
def document(name: str) -> dict[str, Any]:
    """generated/<name>.json as committed."""
    data = json.loads((ROOT / "generated" / f"{name}.json").read_bytes())
    assert isinstance(data, dict)
    return data


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and regress.Regex(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Ecma2020 = validators.extend(Draft202012Validator, {"pattern": _pattern})
Ecma07 = validators.extend(Draft7Validator, {"pattern": _pattern})


def wrapper(components: dict[str, Any], name: str, dialect: str) -> dict[str, Any]:
    """A schema that is component `name`, its `$ref`s resolving inside `components`."""
    return {"$schema": dialect, "$ref": f"#/components/schemas/{name}", "components": components}


def fast(components: dict[str, Any], name: str, dialect: str) -> Any:
    """jsonschema-rs (ECMA-262 patterns, formats asserted) for one component."""
    return jsonschema_rs.validator_for(
        wrapper(components, name, dialect), validate_formats=True, offline=True
    )


def rich(components: dict[str, Any], name: str, dialect: str) -> Any:
    """python-jsonschema (ECMA-262 patterns, formats checked) for one component."""
    cls = Ecma2020 if dialect == DRAFT_2020_12 else Ecma07
    schema = wrapper(components, name, dialect)
    schema.pop("$schema")  # keep the ECMA-262 class: a `$schema` would switch to the stock one
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


JS = ROOT / "tools" / "js"
"""The pinned npm tools (package.json + package-lock.json); `npm ci --prefix tools/js`."""
INSTALL = "`.ci/run` installs them; by hand: apt-get install nodejs npm golang-go"


def node() -> str:
    """The node executable, with the pinned tools installed; else fail saying how to get them."""
    found = shutil.which("node")
    if found is None:
        pytest.fail(f"node is missing: install Debian's nodejs and npm ({INSTALL})")
    if not (JS / "node_modules" / ".package-lock.json").is_file():
        pytest.fail("tools/js/node_modules is missing: run `npm ci --prefix tools/js`")
    return found


def js_bin(name: str) -> str:
    """An executable of the pinned npm tools (`tools/js/node_modules/.bin/<name>`)."""
    node()
    return str(JS / "node_modules" / ".bin" / name)


def go() -> str:
    """The go executable; else fail saying how to get it."""
    found = shutil.which("go")
    if found is None:
        pytest.fail(f"go is missing: install Debian's golang-go ({INSTALL})")
    return found
