"""Plans: where an event's version-dependent fields are, and its eras (the runtime nouns).

An **era** is a maximal run of releases whose narrowed schema of an event is the same: within
it every annotation (the event's own range, each field's, each alternative's) selects either all
its releases or none. The releases that could have sent a payload are the union of the eras
whose narrowed schema accepts it. toolkit.contract.eras computes the plans; `regenerate` writes
them to `generated/versions_index.json`, read here without parsing any annotation.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from toolkit.contract.registry import Schema
from toolkit.contract.releases import Releases

VARIANTS = ("production", "test_notification")
KEYED, CACHED, PLAIN = 2, 1, 0
"""How an annotation's effect can be found: from key presence alone (KEYED), from the keys of
the touched objects and the values at a few scalar sites (CACHED), or only by validating (PLAIN)."""

Path_ = tuple[str, ...]


class Field(NamedTuple):
    """A version-dependent property."""

    at: Path_
    """Payload path of the object that declares it (`()` for the payload itself)."""
    name: str
    sent: Releases
    always: bool
    deps: tuple[str, ...] = ()
    """The keys of its `dependencies` entry: with one, `always` means "whenever one of these
    is present"."""


class Plan(NamedTuple):
    """What narrowing changes in one schema (an event, or its test-notification variant)."""

    range: Releases
    """The releases that send it at all."""
    fields: tuple[Field, ...]
    keyed: bool
    """Narrowing depends on key presence alone: the fingerprint is read off `fields`."""
    eras: tuple[Releases, ...]
    cached: bool = True
    """The eras that accept a payload depend only on the keys of the objects at `paths` and
    the payload itself, and the scalar values at `sites`: their result can be cached by those."""
    paths: tuple[Path_, ...] = ()
    """Objects below the payload whose keys narrowing looks at."""
    sites: tuple[Path_, ...] = ()
    """Scalar values that decide a version-annotated alternative."""
    expressions: tuple[str, ...] = ()
    """Every `sent` expression it uses."""


def schema_of(resolved: Schema, variant: str) -> Schema:
    """The schema a variant of an event is checked against (resolved)."""
    if variant == "test_notification":
        node = resolved["definitions"]["test_notification"]
        assert isinstance(node, dict)
        return node
    return resolved


def as_json(p: Plan) -> dict[str, Any]:
    """A plan as the versions table stores it."""
    return {
        "range": p.range.as_ranges(),
        "keyed": p.keyed,
        "cached": p.cached,
        "paths": [list(x) for x in p.paths],
        "sites": [list(x) for x in p.sites],
        "eras": [e.as_ranges() for e in p.eras],
        "fields": [
            {
                "at": list(f.at),
                "name": f.name,
                "sent": f.sent.as_ranges(),
                "always": f.always,
                "with": list(f.deps),
            }
            for f in p.fields
        ],
    }


def from_json(data: dict[str, Any]) -> Plan:
    """A plan from the versions table."""
    fields = tuple(
        Field(
            tuple(f["at"]),
            f["name"],
            Releases.from_ranges(f["sent"]),
            f["always"],
            tuple(f["with"]),
        )
        for f in data["fields"]
    )
    eras = tuple(Releases.from_ranges(e) for e in data["eras"])
    paths = tuple(tuple(x) for x in data["paths"])
    sites = tuple(tuple(x) for x in data["sites"])
    top = Releases.from_ranges(data["range"])
    return Plan(top, fields, data["keyed"], eras, data["cached"], paths, sites)
