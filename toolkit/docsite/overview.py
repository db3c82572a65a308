"""The events overview (events by fields) and each page's "how to tell events apart" text."""

from __future__ import annotations

from toolkit.contract.registry import EVENTS
from toolkit.contract.sources import Sources
from toolkit.contract.versions import annotation
from toolkit.docsite import markdown as md
from toolkit.docsite.releases import sent_by


def tell_apart(sources: Sources, event: str) -> list[str]:
    """How a receiver knows that a body is this event and not another."""
    others = [e for e in sources.group(event) if e != event]
    if not others:
        keys = sources.identifying_keys(event)
        unique = (
            f"Only it requires {md.join_words([md.code(k) for k in keys])}."
            if keys
            else "Its set of required keys is its own."
        )
        return [
            f"No other event sends this shape, so `toolkit.validate(payload)` names {event} from "
            f"the body alone. {unique}",
        ]
    verb = "sends a body" if len(others) == 1 else "send bodies"
    lines = [
        f"{md.join_words(others)} {verb} of exactly this shape. Quay puts no event name in "
        "the body and sends no event header, so the body alone cannot tell them apart:",
        "",
        f"- Give each event its own webhook URL (for example `https://hooks.example.com/quay/"
        f"{event}`) and trust the path that received the body.",
        "- `toolkit.validate(payload)` lists every event that fits in `report.candidates` and "
        "leaves `report.event` `None`; pass the event you know: "
        f'`toolkit.validate(payload, "{event}")`.',
    ]
    by_owners: dict[tuple[str, ...], list[str]] = {}
    for key, owners in sources.legacy_owners(event).items():
        by_owners.setdefault(owners, []).append(key)
    for owners, keys in by_owners.items():
        prop = sources.resolved[owners[0]]["properties"][keys[0]]
        ann = annotation(prop)
        when = f" (Quay {ann.sent.describe()})" if ann is not None else ""
        fields = md.join_words([md.code(k) for k in keys])
        lines.append(
            f"- Legacy fields narrow it down when present{when}: only "
            f"{md.join_words(list(owners), 'or')} sent {fields}."
        )
    return lines


def test_markers(sources: Sources, event: str) -> list[str]:
    """How to recognise the body Quay's "Test Notification" button sends."""
    markers = sources.test_markers(event)
    shown = md.join_words([f"{md.code(k)} = {md.value(v)}" for k, v in markers])
    tell = f"It is recognisable by {shown}, and " if markers else ""
    return [
        f"Quay's **Test Notification** button sends a fixed sample body, not a real event. "
        f"{tell}`toolkit.validate(payload)` reports it as valid with `report.test_notification` "
        "set to `True`."
    ]


def overview(sources: Sources) -> str:
    """`docs/reference/events/index.md`: every event in one table, then the fields matrix."""
    lines = [
        "# Events",
        "",
        md.BANNER,
        "",
        f"Quay sends {len(EVENTS)} events to webhooks. Each page below is generated from the "
        "event's canonical schema: when Quay sends it, every field, examples, the test "
        "notification, and where Quay's documentation is wrong.",
        "",
    ]
    rows = []
    for event in EVENTS:
        raw = sources.raw[event]
        shared = [f"[{e}]({e}.md)" for e in sources.group(event) if e != event]
        rows.append(
            [
                f"[{event}]({event}.md)",
                md.code(str(raw["title"])),
                ", ".join(shared) or "—",
                md.prose(sent_by(raw)[0]),
                md.prose(_first_sentence(str(raw.get("description", "")))),
            ]
        )
    lines += md.table(("Event", "Model", "Same shape as", "Sent by", "Sent when"), rows)
    lines += [
        "",
        "## Across events",
        "",
        "- [Telling events apart](../telling-events-apart.md): which keys and values tell one "
        "event's body from another's, and which events only the URL can tell apart.",
        "- [Fields by event](../fields-by-event.md): every field, nested ones too, against "
        "every event.",
        "- [Nullable fields](../nullable-fields.md): every field that may be `null`.",
        "- [Where Quay's documentation is wrong](../errata.md): the errata several events share.",
        "- The schemas themselves: [`schemas/`](../../schemas/repo_push.schema.json) at their "
        "`$id` addresses, bundled in [OpenAPI 3.1](../../openapi.json) and "
        "[AsyncAPI 3.0](../../asyncapi.json) documents.",
    ]
    return "\n".join(lines) + "\n"


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")
