"""Event reference pages, `docs/reference/events/<event>.md`, generated from `schemas/`.

Deterministic: pages depend only on the schemas, in EVENTS order, with no timestamps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.contract.fingerprint import of_schema
from toolkit.contract.invariants import collect
from toolkit.contract.registry import EVENTS, Schema
from toolkit.contract.sources import Sources
from toolkit.contract.versions import releases_of
from toolkit.docsite import markdown as md
from toolkit.docsite.fieldtables import Field, Table, declared_paths, tables
from toolkit.docsite.overview import overview, tell_apart, test_markers
from toolkit.docsite.releases import sent_by, words
from toolkit.docsite.rules import QUAY_COMMIT, exemption_items, invariant_item, schema_rules

EVENTS_DIR = "docs/reference/events"
QUAY_SOURCE = f"https://github.com/quay/quay/blob/{QUAY_COMMIT}/"
ERRATA_TITLE = "Where Quay's documentation is wrong"
FIELD_HEADER = (
    "Field",
    "Type",
    "Required",
    "Nullable",
    "Format, enum, limits",
    "Pattern",
    "Quay versions",
    "Description",
)


def docs(root: Path) -> dict[str, str]:
    """The regenerate producer: every event page and the events overview."""
    sources = Sources.load(root / "schemas")
    files = {f"{EVENTS_DIR}/{event}.md": event_page(sources, event) for event in EVENTS}
    files[f"{EVENTS_DIR}/index.md"] = overview(sources)
    return files


def event_page(sources: Sources, event: str) -> str:
    """The whole reference page of one event."""
    schema = sources.resolved[event]
    lines = [f"# {event}", "", md.BANNER, "", md.prose(str(schema.get("description", ""))), ""]
    lines += _summary(sources, event)
    lines += ["## When Quay sends it", "", *_producers(schema), ""]
    lines += _errata(schema)
    lines += ["## Fields", ""]
    for table in tables(schema):
        lines += _table(table, prefix="")
    lines += rules_section(schema)
    lines += _examples(sources, event)
    lines += _test_notification(sources, event)
    lines += ["## Other events with this shape", "", *tell_apart(sources, event), ""]
    lines += _model(sources, event)
    return "\n".join(lines).rstrip() + "\n"


def _summary(sources: Sources, event: str) -> list[str]:
    raw = sources.raw[event]
    title, test_title = raw["title"], raw["definitions"]["test_notification"]["title"]
    shared = [e for e in sources.group(event) if e != event]
    who, note = sent_by(raw)
    test_who, _ = sent_by(raw["definitions"]["test_notification"])
    items = [
        f"**Model:** [`{title}`](#model) (test notification: `{test_title}`)",
        f"**Schema:** [`{event}.schema.json`](../../schemas/{event}.schema.json)",
        f"**Sent by:** {who}." + (f" {md.prose(note)}" if note else ""),
        f"**Test notification:** the Test Notification button sends it in {test_who}.",
        "**Same shape as:** "
        + (md.join_words([f"[{e}]({e}.md)" for e in shared]) if shared else "no other event"),
    ]
    return [*md.bullets(items), ""]


def _producers(schema: Schema) -> list[str]:
    lines = [
        "Quay's code paths that send it (links to the Quay commit the schemas were traced at):",
        "",
    ]
    for producer in schema.get("x-producer", []):
        path, _, rest = str(producer).partition(" ")
        file, colon, symbol = path.partition(":")
        where = f"[`{file}`]({QUAY_SOURCE}{file})" + (f" `{symbol}`" if colon else "")
        lines.append(f"- {where}{' ' + md.prose(rest) if rest else ''}")
    return lines


def errata(schema: Schema) -> list[tuple[str, str]]:
    """Every `x-docs-errata` note as (field path or "", note), top level first, de-duplicated."""
    found: list[tuple[str, str]] = [("", str(n)) for n in schema.get("x-docs-errata", [])]
    for table in tables(schema):
        found += [(f.path, note) for f in table.fields for note in f.errata]
    seen: set[str] = set()
    out = []
    for path, note in found:
        if note not in seen:
            seen.add(note)
            out.append((path, note))
    return out


def _errata(schema: Schema) -> list[str]:
    notes = errata(schema)
    if not notes:
        return []
    items = [(f"{md.code(path)}: " if path else "") + md.prose(note) for path, note in notes]
    return [
        f"## {ERRATA_TITLE}",
        "",
        *md.admonition("warning", ERRATA_TITLE, md.bullets(items)),
        "",
    ]


def _table(table: Table, *, prefix: str) -> list[str]:
    lines: list[str] = []
    if table.path:
        anchor = f"{prefix}object-{md.slug(table.path)}"
        lines += [f"### `{table.path}` {{ #{anchor} }}", ""]
        title = f"{md.code(table.title)}: " if table.title else ""
        if table.description or title:
            lines += [title + md.prose(table.description), ""]
    rows = [_row(f, prefix) for f in table.fields]
    body = md.table(FIELD_HEADER, rows)
    return [*lines, '<div class="field-table" markdown>', "", *body, "", "</div>", ""]


def _row(field: Field, prefix: str) -> list[str]:
    name = f"`{field.name}`{{ #{prefix}field-{md.slug(field.path)} }}"
    if field.legacy:
        name += " (legacy)"
    types = " or ".join(field.types) or "any"
    if field.nested:
        types = f"[{types}](#{prefix}object-{md.slug(field.nested)})"
    constraints = "<br>".join(_constraint(k, v) for k, v in field.constraints)
    patterns = "<br>".join(md.code(p) for p in field.patterns)
    return [
        name,
        types,
        "yes" if field.required else "no",
        "yes" if field.nullable else "no",
        constraints,
        patterns,
        md.prose(field.versions or ""),
        md.prose(field.description),
    ]


def _constraint(keyword: str, data: Any) -> str:
    if keyword == "enum":
        return "one of " + ", ".join(md.value(v) for v in data)
    if keyword == "const":
        return "always " + md.value(data)
    if keyword == "format":
        return f"format {md.code(str(data))}"
    return f"{keyword} {md.value(data)}"


def rules_section(schema: Schema) -> list[str]:
    """ "Rules between fields": what JSON Schema checks across fields, then the invariants, each
    a sentence whose fields link to their table rows."""
    known = set(declared_paths(schema))

    def link(path: str) -> str:
        row = ".".join(s for s in path.split(".") if not s.isdigit())  # an item: its array's row
        return f"[{md.code(path)}](#field-{md.slug(row)})" if row in known else md.code(path)

    checked = schema_rules(schema, link)
    invariants = [invariant_item(inv, link) for inv in collect(schema)]
    if not checked and not invariants:
        return []
    lines = ["## Rules between fields", ""]
    if checked:
        lines += ["The schema checks these:", "", *md.bullets(md.prose(r) for r in checked), ""]
    if invariants:
        lines += [
            "Quay's code builds these fields from each other; the toolkit checks each relation as "
            "an [invariant](../invariants.md) (`x-invariants`), whose id is the rule a violation "
            "reports:",
            "",
            *md.bullets(invariants),
            "",
        ]
    return lines


def _examples(sources: Sources, event: str) -> list[str]:
    raw = sources.raw[event]
    notes = raw.get("x-examples", [])
    lines = ["## Examples", ""]
    for index, payload in enumerate(raw.get("examples", []), start=1):
        note = notes[index - 1] if index - 1 < len(notes) else {}
        lines += [f"### {index}. {md.prose(str(note.get('summary', f'Example {index}')))}", ""]
        if note.get("source"):
            sent = (
                f" (sent by Quay {releases_of(note['sent']).describe()})" if "sent" in note else ""
            )
            lines += [f"Source: {md.prose(str(note['source']))}{sent}.", ""]
        fits = of_schema(sources.resolved[event], payload, event)
        lines += [f"Could have been sent by {words(fits)} (its version fingerprint).", ""]
        corrections = [md.prose(str(c)) for c in note.get("corrections", [])]
        if corrections:
            lines += ["Corrections made to Quay's sample:", "", *md.bullets(corrections), ""]
        lines += [*md.json_block(payload), ""]
    return lines


def _test_notification(sources: Sources, event: str) -> list[str]:
    node = sources.test_notification(event)
    own = {k: v for k, v in node.items() if k != "allOf"}
    lines = ["## Test notification", "", md.prose(str(node.get("description", ""))), ""]
    lines += [*test_markers(sources, event), ""]
    exempt = exemption_items(node)
    if exempt:
        lines += ["Invariants Quay's sample breaks, so they are not checked on it:", ""]
        lines += [*md.bullets(exempt), ""]
    keys = node.get("propertyNames", {}).get("enum")
    if keys:
        lines += [f"The sample body has exactly these keys: {', '.join(map(md.code, keys))}.", ""]
    lines += ["Fields that differ from a real event (the base keys are as above):", ""]
    for table in tables(own):
        lines += _table(table, prefix="test-")
    for payload in node.get("examples", []):
        lines += [*md.json_block(payload, title="Test notification body"), ""]
    return lines


def _model(sources: Sources, event: str) -> list[str]:
    raw = sources.raw[event]
    title, test_title = raw["title"], raw["definitions"]["test_notification"]["title"]
    example = raw.get("examples", [{}])[0]
    field = next(k for k in (*raw.get("properties", {}), *example) if k in example)
    return [
        "## Model { #model }",
        "",
        f"The generated pydantic v2 model is `{title}`; the test-notification body's is "
        f"`{test_title}`. Its fields hold the payload's own values (`str`, `int`, `bool`, "
        "lists of them, nested models), with the schema's constraints; URLs stay the exact "
        "strings Quay sent.",
        "",
        "```pycon",
        ">>> from toolkit import contract",
        f">>> from toolkit.models import {title}, {test_title}",
        f'>>> payload = contract.examples("{event}")[0]  # or a body you received',
        f">>> event = {title}.model_validate(payload)",
        f'>>> event.{field} == payload["{field}"]',
        "True",
        "```",
        "",
    ]
