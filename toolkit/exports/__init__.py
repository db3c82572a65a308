"""The contract in the formats other ecosystems read: AsyncAPI 3.0 and OpenAPI 3.1 `webhooks`.

`produce(root)` is regenerate's producer of `generated/asyncapi.json` and
`generated/openapi.json`; `to_2020_12` rewrites one draft-07 schema for JSON Schema 2020-12.
This room stands on the contract alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.exports.asyncapi import asyncapi
from toolkit.exports.components import Components, ExportError
from toolkit.exports.dialect import to_2020_12
from toolkit.exports.openapi import openapi
from toolkit.exports.source import ExportSource

ASYNCAPI_FILE = "generated/asyncapi.json"
OPENAPI_FILE = "generated/openapi.json"

__all__ = [
    "ASYNCAPI_FILE",
    "OPENAPI_FILE",
    "Components",
    "ExportError",
    "ExportSource",
    "asyncapi",
    "openapi",
    "produce",
    "render",
    "to_2020_12",
]


def render(document: Any) -> str:
    """A document as regenerate writes it: two-space indent, UTF-8, keys in document order."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def produce(root: Path) -> dict[str, str]:
    """regenerate's producer: both exports of the checkout at `root`."""
    source = ExportSource.load(root)
    return {
        ASYNCAPI_FILE: render(asyncapi(source)),
        OPENAPI_FILE: render(openapi(source)),
    }
