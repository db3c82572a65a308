"""Invariants in words: the sentence the docs print and a violation's message ends with.

Generated from the declaration (`equal`, `where`, `when`, the filters' phrases), so it says
exactly what is checked; a declaration's `says` adds what the sentence cannot.
"""

from __future__ import annotations

from typing import Any

import orjson

from toolkit.contract.invariant_templates import Path, Ref, Template, dotted
from toolkit.contract.invariants import Invariant


def template_sentence(template: Template, field: Any) -> str:
    """What a template says of its field, verb included: `equals <field>`, `is <filter phrase>`
    or `is <text with <slots>>`."""
    from toolkit.contract.invariant_filters import FILTERS

    whole = template.whole
    if whole is None:
        text = "".join(
            s if isinstance(s, str) else f"<{s.name}>" if not isinstance(s, Ref) else _slot(s)
            for s in template.segments
        )
        return "is `" + text + "`"
    if whole.filter is None:
        return "equals " + str(field(whole.path))
    phrase = FILTERS[whole.filter].phrase
    return "is " + phrase.format(x=field(whole.path), arg=field(whole.arg) if whole.arg else "")


def _slot(ref: Ref) -> str:
    name = dotted(ref.path)
    if ref.filter:
        name += f"|{ref.filter}" + (f":{dotted(ref.arg)}" if ref.arg else "")
    return f"<{name}>"


def sentence(invariant: Invariant, field: Any = None, entries: Any = None) -> str:
    """The invariant in words, paths from the payload's root. `field(path) -> str` renders a
    field (default: a code span of its dotted path), so the docs can link fields to rows;
    `entries` limits the words to some of its (field, template) pairs."""

    def absolute(full: Path | None) -> str:
        full = full or ()
        return str(field(full)) if field else f"`{dotted(full)}`"

    def relative(path: Path) -> str:
        return absolute((*invariant.at, *path))

    chosen = list(invariant.equal if entries is None else entries)
    pieces = [
        f"{relative(path)} {template_sentence(_shift(template, invariant.at), absolute)}"
        for path, template in chosen
    ]
    text = _join(pieces)
    used = {name for _, template in chosen for name in template.variables}
    where = [(name, pattern) for name, pattern in invariant.where if name in used]
    if where:
        names = _join([f"`<{name}>` matching `{pattern}`" for name, pattern in where])
        text += f", for one {names}"
        if len(chosen) > 1:
            text += " (the same in each)"
    if invariant.when:
        conditions = [f"{relative(p)} is `{orjson.dumps(v).decode()}`" for p, v in invariant.when]
        text = f"when {_join(conditions)}, {text}"
    return text[0].upper() + text[1:] + "."


def _shift(template: Template, at: Path) -> Template:
    """The template with its field slots made absolute (for sentences about nested objects)."""
    if not at:
        return template
    segments = tuple(
        Ref((*at, *s.path), s.filter, (*at, *s.arg) if s.arg else None) if isinstance(s, Ref) else s
        for s in template.segments
    )
    return Template(template.text, segments)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
