"""An event's fields as a nested attribute list (the manner of Stripe's API reference).

Each field is a block: its name (a heading with a stable anchor, the parent path muted), a line
of badges (type, required or optional, nullable, legacy, the Quay releases that send it), its
description, its constraints on demand (`<details>`), and its children collapsed (`<details>`).
Nothing is a table, so the list reads on a phone without horizontal scrolling.

Anchors: `#field-<dotted path>` (`#field-trigger_metadata.commit_info.date`); the fields of an
array's items sit under the array's name (`#field-vulnerabilities.id`). The test-notification
section uses `#test-field-<path>`. `docs/javascripts/fields.js` opens the collapsed parents of
the field a URL names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toolkit.contract.registry import Schema
from toolkit.docsite import markdown as md
from toolkit.docsite.citations import Erratum
from toolkit.docsite.fieldtables import Field, Table, tables

ErratumLink = Callable[[Field, Erratum], str]
"""(field, note) -> Markdown link to where that erratum is said."""

FIELD_HEADING = "####"
"""Fields are h4 headings: search indexes each as its own section, and `toc_depth: 3` keeps
them out of the page's table of contents."""


@dataclass(frozen=True)
class Anchors:
    """How one field list names its anchors (`field-` for the event, `test-field-` for the
    test-notification variant)."""

    prefix: str = "field-"

    def of(self, path: str) -> str:
        """The HTML id of the field at `path`."""
        return anchor(path, self.prefix)


def anchor(path: str, prefix: str = "field-") -> str:
    """`trigger_metadata.commit_info.date` -> `field-trigger_metadata.commit_info.date`; array
    items drop their `[]` (`vulnerabilities[].id` -> `field-vulnerabilities.id`)."""
    return prefix + path.replace("[]", "")


def field_list(
    schema: Schema, *, anchors: Anchors = Anchors(), erratum: ErratumLink | None = None
) -> list[str]:
    """The whole attribute list of an object schema (the payload, or a variant's own part)."""
    by_path = {t.path: t for t in tables(schema)}
    root = by_path.get("")
    if root is None:  # pragma: no cover - tables() always yields the root
        return []
    return [
        '<div class="field-list" markdown>',
        "",
        *_fields(root, by_path, anchors, erratum),
        "</div>",
        "",
    ]


def _fields(
    table: Table, by_path: dict[str, Table], anchors: Anchors, erratum: ErratumLink | None
) -> list[str]:
    lines: list[str] = []
    for field in table.fields:
        lines += _field(field, by_path, anchors, erratum)
    return lines


def _field(
    field: Field, by_path: dict[str, Table], anchors: Anchors, erratum: ErratumLink | None
) -> list[str]:
    ident = anchors.of(field.path)
    parent = field.path[: -len(field.name)]
    muted = f'<span class="field-parent">{parent}</span>' if parent else ""
    lines = [
        f'<div class="field" markdown data-path="{field.path}">',
        "",
        f"{FIELD_HEADING} {muted}`{field.name}` {{ #{ident} .field-name }}",
        "",
        _badges(field),
        "",
    ]
    if field.description:
        lines += [md.prose(field.description), ""]
    if field.versions:
        lines += [f"**Quay versions:** {md.prose(field.versions)}", ""]
    if erratum is not None:
        lines += [erratum(field, note) for note in field.errata]
        lines += [""] if field.errata else []
    lines += _constraints(field)
    child = by_path.get(field.nested) if field.nested else None
    if child is not None:
        count = len(child.fields)
        noun = "attribute" if count == 1 else "attributes"
        of = " of each item" if field.nested and field.nested.endswith("[]") else ""
        title = f"{md.code(child.title)}: " if child.title else ""
        lines += [
            '<details class="field-children" markdown>',
            f"<summary>{count} child {noun}{of}</summary>",
            "",
        ]
        if title:
            lines += [f"{title}the object's fields.", ""]
        lines += _fields(child, by_path, anchors, erratum)
        lines += ["</details>", ""]
    return [*lines, "</div>", ""]


def _badges(field: Field) -> str:
    types = " or ".join(field.types) or "any"
    badges = [f'<span class="field-type">{types}</span>']
    badges.append(_badge("required" if field.required else "optional"))
    if field.nullable:
        badges.append(_badge("nullable"))
    if field.legacy:
        badges.append(_badge("legacy"))
    if field.versions:
        badges.append(_badge("version", field.versions.split(",")[0]))
    return " ".join(badges)


def _badge(kind: str, text: str = "") -> str:
    return f'<span class="field-badge field-badge--{kind}">{text or kind}</span>'


def _constraints(field: Field) -> list[str]:
    items = [constraint(k, v) for k, v in field.constraints]
    items += [f"pattern {md.code(p)}" for p in field.patterns]
    if not items:
        return []
    return [
        '<details class="field-constraints" markdown>',
        "<summary>Constraints</summary>",
        "",
        *md.bullets(items),
        "",
        "</details>",
        "",
    ]


def constraint(keyword: str, data: Any) -> str:
    """One constraint in words: `one of "a", "b"`, `format uri`, `minLength 1`."""
    if keyword == "enum":
        return "one of " + ", ".join(md.value(v) for v in data)
    if keyword == "const":
        return "always " + md.value(data)
    if keyword == "format":
        return f"format {md.code(str(data))}"
    return f"{keyword} {md.value(data)}"
