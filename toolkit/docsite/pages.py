"""Event reference pages, `docs/reference/events/<event>.md`, generated from `schemas/`.

Deterministic: pages depend only on the schemas, in EVENTS order, with no timestamps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toolkit.contract.fingerprint import of_schema
from toolkit.contract.invariants import collect
from toolkit.contract.registry import EVENTS, Schema
from toolkit.contract.sources import Sources
from toolkit.contract.versions import releases_of
from toolkit.docsite import errata, lookup
from toolkit.docsite import markdown as md
from toolkit.docsite.citations import Erratum, example_source, pin
from toolkit.docsite.fieldlist import Anchors, anchor, field_list
from toolkit.docsite.fieldtables import Field, declared_paths
from toolkit.docsite.overview import overview, tell_apart, test_markers
from toolkit.docsite.releases import sent_by, words
from toolkit.docsite.rules import exemption_items, invariant_item, schema_rules

EVENTS_DIR = "docs/reference/events"


def docs(root: Path) -> dict[str, str]:
    """The regenerate producer: every event page and the events overview."""
    sources = Sources.load(root / "schemas")
    said = errata.collect(sources)
    files = {f"{EVENTS_DIR}/{event}.md": event_page(sources, event, said) for event in EVENTS}
    files[f"{EVENTS_DIR}/index.md"] = overview(sources)
    files[errata.PAGE] = errata.page(sources)
    files.update(lookup.pages(sources))
    return files


def event_page(sources: Sources, event: str, said: list[errata.Said] | None = None) -> str:
    """The whole reference page of one event."""
    schema = sources.resolved[event]
    said = errata.collect(sources) if said is None else said
    lines = [
        *SEARCH_BOOST,
        f"# {event}",
        "",
        md.BANNER,
        "",
        md.prose(str(schema.get("description", ""))),
        "",
    ]
    lines += _summary(sources, event)
    lines += ["## When Quay sends it", "", *_producers(schema), ""]
    lines += errata.event_section(said, event)
    lines += ["## Fields", "", FIELDS_INTRO, ""]
    lines += field_list(schema, erratum=_erratum_link(said, event))
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
    lines = [f"Quay's code paths that send it (links to Quay {pin().tag}):", ""]
    for producer in schema.get("x-producer", []):
        path, _, rest = str(producer).partition(" ")
        file, colon, symbol = path.partition(":")
        where = f"[`{file}`]({pin().code_url(file)})" + (f" `{symbol}`" if colon else "")
        lines.append(f"- {where}{' ' + md.prose(rest) if rest else ''}")
    return lines


SEARCH_BOOST = ["---", "search:", "  boost: 2", "---", ""]
"""Front matter: a field's own section ranks above pages that mention it."""
FIELDS_INTRO = (
    "Each field shows its type and whether it is required, optional or nullable; open "
    "*Constraints* for its format, values and pattern, and the child list for a nested object. "
    "Link to a field with `#field-<path>`, for example `#field-trigger_metadata.commit_info.date`."
)


def _erratum_link(said: list[errata.Said], event: str) -> Callable[[Field, Erratum], str]:
    def link(field: Field, note: Erratum) -> str:
        where = next(s for s in said if s.erratum == note and (event, field.path) in s.where)
        text = "see the errata page" if where.shared else "why"
        return (
            '<span class="field-badge field-badge--erratum">docs wrong</span> '
            f"Quay's documentation says otherwise: [{text}]({where.link(True)})."
        )

    return link


def rules_section(schema: Schema) -> list[str]:
    """ "Rules between fields": what JSON Schema checks across fields, then the invariants, each
    a sentence whose fields link to their table rows."""
    known = set(declared_paths(schema))

    def link(path: str) -> str:
        row = ".".join(s for s in path.split(".") if not s.isdigit())  # an item: its array's row
        return f"[{md.code(path)}](#{anchor(row)})" if row in known else md.code(path)

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
            lines += [f"Source: {example_source(str(note['source']))}{sent}.", ""]
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
    lines += field_list(own, anchors=Anchors("test-field-"))
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
