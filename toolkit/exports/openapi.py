"""`generated/openapi.json`: the contract as an OpenAPI 3.1 document of `webhooks`.

One webhook per event, keyed by the event name: a `POST` whose JSON request body is the event or
the body of Quay's "Test Notification" button (`anyOf` the two components), with every example,
and responses that say what Quay does with the answer. No security scheme: Quay signs nothing.

OpenAPI 3.1 Schema Objects are JSON Schema 2020-12, so the components are converted
(`toolkit.exports.dialect`): kept in draft-07, `dependencies` would be silently ignored.
"""

from __future__ import annotations

from typing import Any

from toolkit.exports import delivery
from toolkit.exports.components import PREFIX
from toolkit.exports.dialect import to_2020_12
from toolkit.exports.source import Event, Example, ExportSource, first_sentence

VERSION = "3.1.1"
DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def openapi(source: ExportSource) -> dict[str, Any]:
    """The OpenAPI document of `source`."""
    schemas = source.components.schemas(to_2020_12)
    for name, schema in schemas.items():
        if isinstance(schema, dict) and "externalDocs" not in schema:
            schema["externalDocs"] = {
                "description": "The canonical JSON Schema (draft-07)",
                "url": source.source_url(name),
            }
    return {
        "openapi": VERSION,
        "info": {
            "title": delivery.TITLE,
            "summary": delivery.SUMMARY,
            "description": delivery.OVERVIEW.format(site=source.site) + "\n" + delivery.FACTS,
            "version": source.version,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "jsonSchemaDialect": DIALECT,
        "externalDocs": {"description": "The event reference", "url": source.site},
        "webhooks": {event.name: {"post": _operation(event)} for event in source.events},
        "components": {"schemas": schemas},
    }


def _operation(event: Event) -> dict[str, Any]:
    description = str(event.schema.get("description", ""))
    shape = delivery.shares_shape(event.name, event.peers)
    return {
        "operationId": event.name,
        "summary": f"{event.name}: {first_sentence(description)}",
        "description": "\n\n".join(filter(None, [description, shape])),
        "externalDocs": {"description": f"The {event.name} reference", "url": event.page},
        "requestBody": {
            "required": True,
            "description": (
                f"The `{event.name}` body, or the fixed sample body that Quay's "
                '"Test Notification" button sends to the same URL.'
            ),
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": PREFIX + event.component},
                            {"$ref": PREFIX + event.test_component},
                        ]
                    },
                    "examples": _examples(event.examples) | _examples(event.test_examples),
                }
            },
        },
        "responses": {
            "2XX": {"description": delivery.ACKNOWLEDGED},
            "default": {"description": delivery.FAILED},
        },
    }


def _examples(examples: tuple[Example, ...]) -> dict[str, Any]:
    return {
        e.name: {"summary": e.summary, "value": e.payload} if e.summary else {"value": e.payload}
        for e in examples
    }
