"""Pages for looking things up across events: telling events apart, every nullable field, and
every field (nested ones too) by event, all from the resolved schemas and the shape groups."""

from __future__ import annotations

from toolkit.contract.registry import EVENTS
from toolkit.contract.sources import Sources
from toolkit.contract.versions import annotation
from toolkit.docsite import markdown as md
from toolkit.docsite.fieldlist import anchor
from toolkit.docsite.fieldtables import Field, tables

REFERENCE = "docs/reference"
TELL_APART = f"{REFERENCE}/telling-events-apart.md"
NULLABLE = f"{REFERENCE}/nullable-fields.md"
MATRIX = f"{REFERENCE}/fields-by-event.md"

LEGEND = (
    "**req** required · **opt** optional · **legacy** sent only by old Quay releases · "
    "**null** may be `null` · blank: never sent. Each cell links to the field on the event's page; "
    "nested fields are written with their whole path (`[]` marks the items of an array)."
)


def pages(sources: Sources) -> dict[str, str]:
    """The regenerate producer's share: path -> page text."""
    return {
        TELL_APART: tell_apart_page(sources),
        NULLABLE: nullable_page(sources),
        MATRIX: matrix_page(sources),
    }


def _fields(sources: Sources, event: str) -> list[Field]:
    return [f for t in tables(sources.resolved[event]) for f in t.fields]


def _link(event: str, field: Field, text: str = "") -> str:
    return f"[{text or event}](events/{event}.md#{anchor(field.path)})"


def tell_apart_page(sources: Sources) -> str:
    """Which keys and values tell an event's body from every other event's."""
    lines = [
        "# Telling events apart",
        "",
        md.BANNER,
        "",
        "Quay puts no event name in a webhook body and sends no event header. A body's top-level "
        "keys narrow it to one *shape*; events that share a shape cannot be told apart by the "
        "body, only by the URL the notification was configured with (give each event its own "
        "path). `toolkit.validate(payload)` does this narrowing: it names the event when one "
        "shape and one event fit, and lists the `candidates` otherwise.",
        "",
        "## By shape",
        "",
    ]
    rows = []
    for group in sources.groups:
        first = group[0]
        keys = sources.identifying_keys(first)
        legacy = sources.legacy_owners(first)
        clues = [
            f"{md.code(k)} only from {md.join_words(list(owners), 'or')}"
            + _when(sources, owners[0], k)
            for k, owners in legacy.items()
        ]
        same = "the same keys and values: only the URL tells them apart"
        within = (
            "one event"
            if len(group) == 1
            else (
                f"legacy keys: {'; '.join(clues)}; otherwise {same}" if clues else same.capitalize()
            )
        )
        rows.append(
            [
                md.join_words([f"[{e}](events/{e}.md)" for e in group]),
                md.join_words([md.code(k) for k in keys]) or "no key of its own",
                within,
            ]
        )
    header = ("Events of one shape", "Keys no other shape sends", "Telling these apart")
    lines += md.table(header, rows)
    lines += ["", "## Test notifications", ""]
    lines += [
        "Quay's **Test Notification** button sends a fixed sample body. These fixed values mark "
        "it; `report.test_notification` is `True` for such a body.",
        "",
    ]
    test_rows = []
    for event in EVENTS:
        markers = sources.test_markers(event)
        shown = md.join_words([f"{md.code(k)} = {md.value(v)}" for k, v in markers])
        test_rows.append([f"[{event}](events/{event}.md#test-notification)", shown or "—"])
    lines += md.table(("Event", "Marked by"), test_rows)
    return "\n".join(lines) + "\n"


def _when(sources: Sources, event: str, key: str) -> str:
    ann = annotation(sources.resolved[event]["properties"][key])
    return f" (Quay {ann.sent.describe()})" if ann is not None else ""


def nullable_page(sources: Sources) -> str:
    """Every field that may be `null`, nested ones included, with the events that send it."""
    found: dict[str, list[tuple[str, Field]]] = {}
    for event in EVENTS:
        for field in _fields(sources, event):
            if field.nullable:
                found.setdefault(field.path, []).append((event, field))
    count = sum(len(v) for v in found.values())
    lines = [
        "# Nullable fields",
        "",
        md.BANNER,
        "",
        f"Every field that may be `null`: {len(found)} field paths, {count} fields across the "
        "events. A nullable field is a different thing from an optional one: the key is there, "
        "and its value is `null`. Handle `None` for each of these.",
        "",
    ]
    rows = []
    for path, where in found.items():
        field = where[0][1]
        events = md.join_words([_link(e, f) for e, f in where])
        required = "required" if all(f.required for _, f in where) else "optional in some"
        rows.append([md.code(path), events, required, md.prose(field.description)])
    lines += md.table(("Field", "Events", "Key", "What it holds"), rows)
    return "\n".join(lines) + "\n"


def matrix_page(sources: Sources) -> str:
    """Every field path (nested ones included) against every event."""
    columns = {event: {f.path: f for f in _fields(sources, event)} for event in EVENTS}
    paths: list[str] = []
    for fields in columns.values():
        paths += [p for p in fields if p not in paths]
    rows = []
    for path in paths:
        cells = [md.code(path)]
        for event in EVENTS:
            field = columns[event].get(path)
            cells.append(_cell(event, field) if field else "")
        rows.append(cells)
    header = ("Field", *[f"[{e}](events/{e}.md)" for e in EVENTS])
    return "\n".join(
        [
            "---",
            "hide:",
            "  - toc",
            "---",
            "",
            "# Fields by event",
            "",
            md.BANNER,
            "",
            f"Every field of the {len(EVENTS)} events, nested ones included ({len(paths)} "
            "paths). The header row and the field column stay in view while the table scrolls.",
            "",
            LEGEND,
            "",
            '<div class="event-matrix" markdown>',
            "",
            *md.table(header, rows),
            "",
            "</div>",
            "",
        ]
    )


def _cell(event: str, field: Field) -> str:
    status = "legacy" if field.legacy else "req" if field.required else "opt"
    if field.nullable:
        status += "<br>null"
    return _link(event, field, status)
