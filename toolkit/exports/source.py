"""What both exports read from a checkout: the schemas, laid out as components, per event."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.contract.registry import EVENTS, SUFFIX, Schema, load_file, schema_files
from toolkit.contract.shapes import group_by_shape
from toolkit.contract.sources import Sources
from toolkit.exports.components import Components

TEST_POINTER = "/definitions/test_notification"
EVENTS_PAGES = "reference/events/"
"""Where the site publishes each event's reference page, under the site's address."""


@dataclass(frozen=True)
class Example:
    """One example body with a machine name and, when the schema gives one, a summary."""

    name: str
    summary: str
    payload: Any


@dataclass(frozen=True)
class Event:
    """One event as the exports describe it."""

    name: str
    schema: Schema
    component: str
    test_component: str
    examples: tuple[Example, ...]
    test_examples: tuple[Example, ...]
    peers: tuple[str, ...]
    """Other events whose bodies have the same shape."""
    page: str
    """The event's reference page on the site."""

    @property
    def test_schema(self) -> Schema:
        node = self.schema["definitions"]["test_notification"]
        assert isinstance(node, dict)
        return node


@dataclass(frozen=True)
class ExportSource:
    """The contract of a checkout, as the exports need it."""

    version: str
    site: str
    """The site's address: every schema's `$id` is `<site>schemas/<file>`."""
    events: tuple[Event, ...]
    components: Components

    @classmethod
    def load(cls, root: Path) -> ExportSource:
        """Read `schemas/` and the project version of the checkout at `root`."""
        folder = root / "schemas"
        documents = {str(s["$id"]): s for s in map(load_file, schema_files(folder))}
        event_ids = [str(load_file(folder / f"{e}{SUFFIX}")["$id"]) for e in EVENTS]
        ordered = {uri: documents[uri] for uri in event_ids}
        ordered |= {uri: s for uri, s in documents.items() if uri not in ordered}
        components = Components.of(ordered)
        site = event_ids[0].rsplit("schemas/", 1)[0]
        groups = group_by_shape(Sources.load(folder).resolved)
        events = []
        for event, uri in zip(EVENTS, event_ids, strict=True):
            schema = documents[uri]
            test = schema["definitions"]["test_notification"]
            events.append(
                Event(
                    name=event,
                    schema=schema,
                    component=components.name(uri),
                    test_component=components.name(uri, TEST_POINTER),
                    examples=_examples(schema, "example"),
                    test_examples=_examples(test, "test-notification"),
                    peers=next(tuple(e for e in g if e != event) for g in groups if event in g),
                    page=f"{site}{EVENTS_PAGES}{event}/",
                )
            )
        return cls(_version(root), site, tuple(events), components)

    def source_url(self, component: str) -> str:
        """The published address of the schema a component came from (`$id` + pointer)."""
        location = next(loc for loc, name in self.components.names.items() if name == component)
        return location.removesuffix("#")


def _examples(schema: Schema, fallback: str) -> tuple[Example, ...]:
    """The schema's `examples`, named from the summaries in its `x-examples`."""
    notes = schema.get("x-examples", [])
    out: list[Example] = []
    names: set[str] = set()
    for i, payload in enumerate(schema.get("examples", [])):
        note = notes[i] if i < len(notes) and isinstance(notes[i], dict) else {}
        summary = str(note.get("summary", ""))
        name = _slug(summary) or f"{fallback}-{i + 1}"
        if name in names:
            name = f"{name}-{i + 1}"
        names.add(name)
        out.append(Example(name, summary, payload))
    return tuple(out)


def first_sentence(text: str) -> str:
    """The opening clause of a description, for a one-line summary."""
    head = text.split(". ", 1)[0].split(": ", 1)[0].strip()
    return head.removesuffix(".")


def _slug(text: str, limit: int = 48) -> str:
    """Whole words of `text`, lowercase and hyphenated, in at most `limit` characters."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out or (words[0][:limit] if words else "")


def _version(root: Path) -> str:
    with (root / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])
