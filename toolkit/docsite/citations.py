"""Links to Quay's code and Quay's documentation, at the one pin the schemas record.

The pin lives in `schemas/_common/releases.schema.json`: `x-quay-source` names the Quay release
(tag and commit) whose code every link points at, `x-quay-docs` the Red Hat documentation
chapter that `x-docs-errata` and `x-examples` cite by section. An erratum is a note, optionally
with `docs` (a section number) and `code` (`path#L<n>` or `path#L<a>-L<b>` at the pinned commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from toolkit.contract.registry import load_file, schema_dir
from toolkit.contract.releases import FILE
from toolkit.docsite import markdown as md

REPOSITORY = "https://github.com/quay/quay"


@dataclass(frozen=True)
class Pin:
    """The Quay commit and the documentation chapter the site links to."""

    tag: str
    commit: str
    docs_url: str
    docs_title: str
    sections: dict[str, str]

    def code_url(self, ref: str, commit: str | None = None) -> str:
        """`path#L10-L12` -> its address on GitHub at the pinned commit (or at `commit`)."""
        return f"{REPOSITORY}/blob/{commit or self.commit}/{ref}"

    def code_link(self, ref: str) -> str:
        """`path#L10-L12` as Markdown: [`path` line 10-12](address), an en dash in the text."""
        file, _, lines = ref.partition("#")
        where = lines.replace("L", "").replace("-", "\u2013")
        label = f"`{file}` line {where}" if where else f"`{file}`"
        return f"[{label}]({self.code_url(ref)})"

    def docs_link(self, section: str) -> str:
        """A section of Quay's documentation as Markdown, its number and title spelled out."""
        title = self.sections.get(section)
        named = f" \u201c{title}\u201d" if title else ""
        return f"[{self.docs_title}, \u00a7{section}{named}]({self.docs_url})"


@cache
def pin() -> Pin:
    """The pin recorded in the releases schema."""
    raw = load_file(schema_dir() / FILE)
    source, docs = raw["x-quay-source"], raw["x-quay-docs"]
    return Pin(
        tag=str(source["tag"]),
        commit=str(source["commit"]),
        docs_url=str(docs["url"]),
        docs_title=str(docs["title"]),
        sections={str(k): str(v) for k, v in docs["sections"].items()},
    )


@dataclass(frozen=True)
class Erratum:
    """One `x-docs-errata` entry: where Quay's documentation is wrong, and the evidence."""

    note: str
    docs: str | None = None
    code: tuple[str, ...] = ()

    def markdown(self) -> str:
        """The note, then "Quay's docs: … · Quay's code: …" as links."""
        cited = []
        if self.docs:
            cited.append(f"Quay's docs: {pin().docs_link(self.docs)}")
        if self.code:
            links = ", ".join(pin().code_link(ref) for ref in self.code)
            cited.append(f"Quay {pin().tag} code: {links}")
        tail = f" ({'; '.join(cited)})" if cited else ""
        return md.prose(self.note) + tail


def erratum(item: Any) -> Erratum:
    """An `x-docs-errata` entry (a string, or an object with `note`, `docs`, `code`)."""
    if isinstance(item, str):
        return Erratum(item)
    return Erratum(
        note=str(item["note"]),
        docs=str(item["docs"]) if item.get("docs") else None,
        code=tuple(str(c) for c in item.get("code", [])),
    )


def example_source(source: str) -> str:
    """An `x-examples` source: `docs §12.1.2` becomes a link to that section; other text stays."""
    if source.startswith("docs \u00a7"):
        return pin().docs_link(source.removeprefix("docs \u00a7"))
    return md.prose(source)
