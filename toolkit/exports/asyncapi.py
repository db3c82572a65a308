"""`generated/asyncapi.json`: the contract as an AsyncAPI 3.0 document, from the receiver's side.

Per event: one channel (the receiver's URL for that event, `/quay/<event>`), one `receive`
operation with its HTTP binding (`POST`), and two messages, the event's body and the body of
Quay's "Test Notification" button, each with its examples. Payloads are Multi Format Schema
Objects in `application/schema+json;version=draft-07` pointing at `components.schemas`, where the
canonical schemas sit unconverted (AsyncAPI reads draft-07), their definitions hoisted into
components of their own as in the OpenAPI export.

AsyncAPI 3.0.0 rather than 3.1.0: 3.1.0 adds only ROS 2 bindings and loosens example payloads,
and more tools read 3.0.0.
"""

from __future__ import annotations

from typing import Any

from toolkit.exports import delivery
from toolkit.exports.source import Event, Example, ExportSource, first_sentence

VERSION = "3.0.0"
SCHEMA_FORMAT = "application/schema+json;version=draft-07"
HTTP_BINDING = "0.3.0"


def asyncapi(source: ExportSource) -> dict[str, Any]:
    """The AsyncAPI document of `source`."""
    messages: dict[str, Any] = {}
    for event in source.events:
        messages[event.component] = _message(
            event, event.component, event.schema, event.examples, test=False
        )
        messages[event.test_component] = _message(
            event, event.test_component, event.test_schema, event.test_examples, test=True
        )
    return {
        "asyncapi": VERSION,
        "info": {
            "title": delivery.TITLE,
            "version": source.version,
            "description": "\n".join(
                [
                    delivery.OVERVIEW.format(site=source.site),
                    delivery.URL_CONVENTION,
                    "",
                    delivery.FACTS,
                ]
            ),
            "license": {
                "name": "Apache-2.0",
                "url": "https://www.apache.org/licenses/LICENSE-2.0",
            },
            "externalDocs": {"description": "The event reference", "url": source.site},
        },
        "defaultContentType": "application/json",
        "channels": {event.name: _channel(event) for event in source.events},
        "operations": {event.name: _operation(event) for event in source.events},
        "components": {"schemas": source.components.schemas(), "messages": messages},
    }


def _channel(event: Event) -> dict[str, Any]:
    shape = delivery.shares_shape(event.name, event.peers)
    return {
        "address": f"/quay/{event.name}",
        "title": event.name,
        "description": " ".join(filter(None, [delivery.URL_CONVENTION, shape])),
        "messages": {
            name: {"$ref": f"#/components/messages/{name}"}
            for name in (event.component, event.test_component)
        },
    }


def _operation(event: Event) -> dict[str, Any]:
    description = str(event.schema.get("description", ""))
    return {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{event.name}"},
        "title": f"Receive {event.name}",
        "summary": first_sentence(description),
        "description": "\n\n".join(
            filter(None, [description, delivery.ACKNOWLEDGED, delivery.FAILED])
        ),
        "bindings": {"http": {"method": "POST", "bindingVersion": HTTP_BINDING}},
        "messages": [
            {"$ref": f"#/channels/{event.name}/messages/{name}"}
            for name in (event.component, event.test_component)
        ],
        "externalDocs": {"description": f"The {event.name} reference", "url": event.page},
    }


def _message(
    event: Event,
    component: str,
    schema: dict[str, Any],
    examples: tuple[Example, ...],
    *,
    test: bool,
) -> dict[str, Any]:
    description = str(schema.get("description", ""))
    return {
        "name": f"{event.name}_test_notification" if test else event.name,
        "title": f"{event.name} test notification" if test else event.name,
        "summary": first_sentence(description),
        "description": description,
        "contentType": "application/json",
        "payload": {
            "schemaFormat": SCHEMA_FORMAT,
            "schema": {"$ref": f"#/components/schemas/{component}"},
        },
        "examples": [_example(e) for e in examples],
        "externalDocs": {"description": f"The {event.name} reference", "url": event.page},
    }


def _example(example: Example) -> dict[str, Any]:
    out: dict[str, Any] = {"name": example.name}
    if example.summary:
        out["summary"] = example.summary
    out["payload"] = example.payload
    return out
