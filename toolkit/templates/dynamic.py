"""Render a template over many payloads: what each site gives, which payloads crash it.

This confirms the static findings with evidence (`null for 3 of 60 payloads, first ...`) and
catches what the schema alone cannot show: a crash the static checks did not predict, and keys
that render to the same name.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from toolkit.templates.corpus import Item
from toolkit.templates.engine import Delivery, Trace, deliver
from toolkit.templates.findings import Finding, Pointer
from toolkit.templates.releases import CURRENT, Family
from toolkit.templates.sites import placeholders
from toolkit.templates.worker import effect

NULL_RULES = frozenset(
    {
        "path-optional",
        "path-nullable",
        "path-unknown",
        "path-other-event",
        "path-test-only",
        "path-not-sent",
        "path-version-dependent",
    }
)
JSON_TYPES = {
    "NoneType": "null",
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
}


@dataclass(frozen=True)
class Rendered:
    """One payload rendered: what Quay would do, and what each placeholder gave."""

    item: Item
    delivery: Delivery
    trace: Trace


@dataclass
class Output:
    """One string of the template and the JSON types it rendered to over the corpus."""

    label: str
    pointer: Pointer
    key: bool
    types: Counter[str] = field(default_factory=Counter)


@dataclass
class Survey:
    """A template rendered over a corpus."""

    rendered: list[Rendered] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    expressions: dict[tuple[Pointer, bool, int | None], str] = field(default_factory=dict)
    """(pointer, is_key, index of `$`) -> the expression of each placeholder."""

    @property
    def crashes(self) -> list[Rendered]:
        """Renderings that raised."""
        return [r for r in self.rendered if r.delivery.status == "error"]

    def results(self, place: tuple[Pointer, bool, str | None]) -> Iterator[tuple[Rendered, Any]]:
        """(rendering, value) for every time the placeholder at `place` was rendered."""
        for r in self.rendered:
            for where, got in r.trace.items():
                if where[2] is not None and (*where[:2], self.expressions.get(where)) == place:
                    yield r, got


def json_type(value: Any) -> str:
    """The JSON type name of a Python value."""
    return JSON_TYPES.get(type(value).__name__, "object")


def label(pointer: Pointer, key: bool = False) -> str:
    """A template location in words: `client_payload.tags`, `attachments[0].title`, `(body)`."""
    out = ""
    for step in pointer:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return (f"{out} (key)" if key else out) or "(body)"


def survey(config_value: Any, items: Iterable[Item], family: Family = CURRENT) -> Survey:
    """Render the template (as the config holds it) over every item."""
    result = Survey()
    try:
        value = json.loads(config_value) if isinstance(config_value, str) and config_value else None
    except (ValueError, RecursionError):
        value = None
    found = placeholders(value) if value is not None else []
    result.expressions = {(p.pointer, p.key, p.start): p.expression for p in found}
    direct = {(p.pointer, p.key) for p in found if p.direct}
    outputs = {(p.pointer, p.key): Output(label(p.pointer, p.key), p.pointer, p.key) for p in found}
    result.outputs = list(outputs.values())
    for item in items:
        trace: Trace = {}
        delivery = deliver(config_value, item.payload, family, trace)
        result.rendered.append(Rendered(item, delivery, trace))
        if delivery.status != "posted":
            continue
        for site, output in outputs.items():
            if site in direct:
                output.types[json_type(trace.get((*site, 0)))] += 1
            else:
                output.types["string"] += 1
    return result


def with_evidence(findings: list[Finding], found: Survey) -> list[Finding]:
    """The findings with evidence from the renderings, plus crashes no static check predicted."""
    out = []
    total = len(found.rendered)
    crashed = _crash_sites(found)
    for f in findings:
        place = (f.pointer, f.key, f.expression)
        hits = [r for key, rs in crashed.items() if key[:3] == place for r in rs]
        if f.severity == "error" and hits:
            error = hits[0].delivery.error
            text = f"raised {error} for {len(hits)} of {total}, e.g. {hits[0].item.label}"
            f = replace(f, evidence=(text,))
        elif f.rule in NULL_RULES:
            nulls = list(
                dict.fromkeys(r.item.label for r, got in found.results(place) if got is None)
            )
            if nulls:
                f = replace(f, evidence=(f"null for {len(nulls)} of {total}, e.g. {nulls[0]}",))
        elif f.rule == "direct-cardinality":
            kinds = Counter(json_type(got) for _, got in found.results(place))
            shown = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
            if shown:
                f = replace(f, evidence=(f"rendered as {shown} over {total} payloads",))
        out.append(f)
    return out + list(_crashes(out, found)) + list(_collisions(found))


def _crash_sites(found: Survey) -> dict[tuple[Any, ...], list[Rendered]]:
    """Renderings that raised, by (pointer, is_key, expression, exception text)."""
    by_site: dict[tuple[Any, ...], list[Rendered]] = {}
    for r in found.crashes:
        error = r.delivery.error
        if error is None or error.parse:
            continue  # a parse error: the template does not even save
        site = error.site
        place = (site.pointer, site.key, site.expression) if site else ((), False, None)
        by_site.setdefault((*place, str(error)), []).append(r)
    return by_site


def _crashes(findings: list[Finding], found: Survey) -> Iterator[Finding]:
    predicted = {(f.pointer, f.key, f.expression) for f in findings if f.severity == "error"}
    for (pointer, key, expression, text), hits in _crash_sites(found).items():
        if (pointer, key, expression) in predicted:
            continue
        error = hits[0].delivery.error
        assert error is not None
        message = f"raises {text} for {len(hits)} of {len(found.rendered)} payloads; "
        yield Finding(
            "render-crash",
            message + effect(error).text,
            pointer,
            key,
            expression,
            events=tuple(dict.fromkeys(h.item.event for h in hits if h.item.event)),
            evidence=tuple(h.item.label for h in hits[:3]),
        )


def _collisions(found: Survey) -> Iterator[Finding]:
    """Keys of one object that render to the same name (in Python, or on the wire)."""
    reported: set[tuple[Pointer, Pointer]] = set()
    for r in found.rendered:
        if r.delivery.status != "posted":
            continue
        objects: dict[Pointer, list[tuple[Pointer, Any]]] = {}
        for (pointer, key, start), got in r.trace.items():
            if key and start is None:
                objects.setdefault(pointer[:-1], []).append((pointer, got))
        for members in objects.values():
            seen: dict[Any, Pointer] = {}
            wire: dict[str, Pointer] = {}
            for pointer, name in members:
                first = seen.get(name, wire.get(_wire(name)))
                if first is not None and (first, pointer) not in reported:
                    reported.add((first, pointer))
                    yield _collision(r, first, pointer, name, same=name in seen)
                seen.setdefault(name, pointer)
                wire.setdefault(_wire(name), pointer)


def _wire(name: Any) -> str:
    """How json.dumps writes a key."""
    return name if isinstance(name, str) else json.dumps(name)


def _collision(r: Rendered, first: Pointer, later: Pointer, name: Any, same: bool) -> Finding:
    shown = json.dumps(_wire(name))
    if same:
        effect_text = "the later value wins, at the earlier key's position"
    else:
        effect_text = f"both are sent, so the body repeats the key {shown}"
    message = (
        f"the keys {label(first)!r} and {label(later)!r} both render to {shown}: {effect_text}"
    )
    return Finding(
        "duplicate-key",
        message,
        later,
        True,
        events=(r.item.event,) if r.item.event else (),
        evidence=(r.item.label,),
    )
