"""Where Quay's documentation is wrong: every `x-docs-errata` entry, said once where it belongs.

An erratum that only one event carries is said on that event's page; one that several events
carry (a shared object's field such as `repository.name`, or the same note on every build
event) is said once on the errata page, `docs/reference/errata.md`, and linked from each event.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.contract.registry import EVENTS
from toolkit.contract.sources import Sources
from toolkit.docsite import markdown as md
from toolkit.docsite.citations import Erratum, erratum, pin
from toolkit.docsite.fieldlist import anchor
from toolkit.docsite.fieldtables import tables

PAGE = "docs/reference/errata.md"
TITLE = "Where Quay's documentation is wrong"


@dataclass(frozen=True)
class Said:
    """One erratum and every (event, field path) that carries it; path `""` is the event."""

    erratum: Erratum
    where: tuple[tuple[str, str], ...]
    ident: str
    """Its HTML id, `erratum-<path>` (`erratum-event` for a note about a whole event)."""

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e for e, _ in self.where))

    @property
    def shared(self) -> bool:
        return len(self.events) > 1

    @property
    def path(self) -> str:
        return self.where[0][1]

    def link(self, from_event: bool) -> str:
        """Where it is said, relative to an event page (`from_event`) or to the errata page."""
        if self.shared:
            return f"{'../' if from_event else ''}errata.md#{self.ident}"
        event = self.events[0]
        return f"#{self.ident}" if from_event else f"events/{event}.md#{self.ident}"


def collect(sources: Sources) -> list[Said]:
    """Every distinct erratum, in EVENTS order, then top level before fields."""
    found: dict[Erratum, list[tuple[str, str]]] = {}
    for event in EVENTS:
        schema = sources.resolved[event]
        for item in schema.get("x-docs-errata", []):
            found.setdefault(erratum(item), []).append((event, ""))
        for table in tables(schema):
            for field in table.fields:
                for note in field.errata:
                    found.setdefault(note, []).append((event, field.path))
    out: list[Said] = []
    used: set[str] = set()
    for note, where in found.items():
        unique = tuple(dict.fromkeys(where))
        base = "erratum-" + (unique[0][1].replace("[]", "") or "event")
        ident = base if base not in used else f"{base}-{unique[0][0]}"
        used.add(ident)
        out.append(Said(note, unique, ident))
    return out


def of_event(said: list[Said], event: str) -> list[Said]:
    """The errata an event carries."""
    return [s for s in said if event in s.events]


def event_section(said: list[Said], event: str) -> list[str]:
    """The event page's section: its own errata in full, shared ones as links."""
    mine = of_event(said, event)
    if not mine:
        return []
    lines = [f"## {TITLE} {{ #errata }}", ""]
    own = [s for s in mine if not s.shared]
    shared = [s for s in mine if s.shared]
    for s in own:
        lines += [
            f'<p id="{s.ident}" class="erratum" markdown="1">{_lead(s)}: '
            f"{s.erratum.markdown()}</p>",
            "",
        ]
    if shared:
        links = [f"[{_label(s)}]({s.link(True)})" for s in shared]
        lines += [
            "Said once for every event that shares them, on the "
            f"[errata page](../errata.md): {md.join_words(links)}.",
            "",
        ]
    return lines


def _lead(s: Said) -> str:
    path = [p for e, p in s.where if p][:1]
    return f"[{md.code(path[0])}](#{anchor(path[0])})" if path else "**The event**"


def _label(s: Said) -> str:
    return md.code(s.path) if s.path else "the event"


def page(sources: Sources) -> str:
    """`docs/reference/errata.md`: the shared errata in full, and an index of the others."""
    said = collect(sources)
    p = pin()
    lines = [
        f"# {TITLE}",
        "",
        md.BANNER,
        "",
        f"Quay's own description of the webhook events is [{p.docs_title}]({p.docs_url}). "
        "Where it disagrees with what Quay's code sends, the schemas follow the code and say "
        f"so in `x-docs-errata`. Code links point at Quay {p.tag} "
        f"([`{p.commit[:12]}`]({p.code_url('')})), the release the pin in "
        "`schemas/_common/releases.schema.json` names.",
        "",
        "## Shared by several events",
        "",
    ]
    for s in (s for s in said if s.shared):
        events = [f"[{e}](events/{e}.md#{anchor(p) if p else 'errata'})" for e, p in s.where]
        lines += [
            f"### {_label(s)} {{ #{s.ident} }}",
            "",
            s.erratum.markdown(),
            "",
            f"Carried by {md.join_words(list(dict.fromkeys(events)))}.",
            "",
        ]
    lines += ["## Said on one event's page", ""]
    for event in EVENTS:
        own = [s for s in of_event(said, event) if not s.shared]
        if own:
            links = [f"[{_label(s)}]({s.link(False)})" for s in own]
            lines += [f"- [{event}](events/{event}.md#errata): {md.join_words(links)}"]
    return "\n".join(lines).rstrip() + "\n"
