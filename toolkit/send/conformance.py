"""The consumer conformance corpus: real bodies that broke real consumers, kept as data.

Every `index.json` under `toolkit/send/corpus/` lists body files (the exact bytes Quay sends) with
their event, whether they are a test notification, a description and, for regression cases, the
consumers they broke; its `kind` (default: the folder's name) is the `send --kind` that selects
them. A new shape is a new file and an index entry, a new set of shapes a folder with its index
(or a link to one kept elsewhere in the same format); no code changes. `send` and
the `quay_conformance` pytest fixture deliver them besides the schemas' examples, the test
notifications and the fuzzed payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import orjson

from toolkit.contract.registry import check_event


@dataclass(frozen=True)
class Case:
    """One body of the corpus."""

    kind: str
    """The index's kind: `regression` (bodies that broke consumers), `release` (per Quay
    release), ..."""
    event: str
    name: str
    """The file's path inside its corpus folder, without `.json`."""
    path: str
    """The file's path inside `toolkit/send/corpus/`."""
    body: bytes
    """The exact bytes Quay sends."""
    test_notification: bool
    description: str
    broke: tuple[str, ...] = ()

    @property
    def payload(self) -> Any:
        """The body's JSON value."""
        return orjson.loads(self.body)


def _root() -> Traversable:
    return resources.files("toolkit").joinpath("send/corpus")


def _indexes(folder: Traversable, where: str = "") -> list[tuple[Traversable, str]]:
    found = []
    for child in sorted(folder.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            found.extend(_indexes(child, f"{where}{child.name}/"))
        elif child.name == "index.json":
            found.append((folder, where))
    return found


@cache
def cases() -> tuple[Case, ...]:
    """Every case of every index, in index order (indexes sorted by folder)."""
    out: list[Case] = []
    for folder, where in _indexes(_root()):
        index = orjson.loads(folder.joinpath("index.json").read_bytes())
        kind = index.get("kind") or folder.name
        for entry in index["files"]:
            out.append(
                Case(
                    kind=kind,
                    event=check_event(entry["event"]),
                    name=entry["file"].removesuffix(".json"),
                    path=where + entry["file"],
                    body=folder.joinpath(entry["file"]).read_bytes(),
                    test_notification=bool(entry.get("test_notification", False)),
                    description=entry.get("description", ""),
                    broke=tuple(entry.get("broke", ())),
                )
            )
    return tuple(out)


def kinds() -> tuple[str, ...]:
    """The kinds the corpus holds, in order of first appearance."""
    return tuple(dict.fromkeys(c.kind for c in cases()))
