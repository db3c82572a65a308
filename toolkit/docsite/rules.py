"""Rules between fields, in words: JSON Schema's `dependencies` and `if`/`then`/`else`, and the
`x-invariants` declarations, rendered as sentences from the schema (never per event).

Every function returns plain Markdown lines or strings, so any page layout can place them. A
`Link` turns a field's dotted path into Markdown (a code span, or a link to its table row).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from toolkit.contract.invariant_templates import dotted
from toolkit.contract.invariant_words import sentence
from toolkit.contract.invariants import Invariant, exemptions
from toolkit.contract.registry import Schema
from toolkit.contract.versions import KEYWORD, Annotation, annotation, releases_of
from toolkit.docsite import markdown as md
from toolkit.docsite.citations import pin
from toolkit.docsite.releases import words

Link = Callable[[str], str]


def code_link(path: str) -> str:
    """The default Link: a code span."""
    return md.code(path)


def schema_rules(schema: Schema, link: Link = code_link) -> list[str]:
    """One sentence per `dependencies` entry group and per conditional, anywhere in the schema
    (its `allOf` members and nested objects included). A conditional whose keywords have no words
    here is shown as JSON instead, so nothing the schema says is lost."""
    out: list[str] = []
    for node, prefix in _objects(schema, ""):
        out += _dependencies(node, prefix, link)
        if "if" in node and ("then" in node or "else" in node):
            out.append(_conditional(node, prefix, link))
    return out


def _objects(node: Any, prefix: str) -> Iterator[tuple[Schema, str]]:
    if not isinstance(node, dict):
        return
    yield node, prefix
    for member in node.get("allOf", []):
        yield from _objects(member, prefix)
    for name, sub in node.get("properties", {}).items():
        yield from _objects(sub, f"{prefix}.{name}" if prefix else name)


def _at(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _dependencies(node: Schema, prefix: str, link: Link) -> list[str]:
    deps = node.get("dependencies", {})
    names = {k: v for k, v in deps.items() if isinstance(v, list)}
    together = {frozenset([name, *needs]) for name, needs in names.items()}
    out: list[str] = []
    if names and len(together) == 1 and set(names) == set(next(iter(together))):
        words = md.join_words([link(_at(prefix, n)) for n in names])
        out.append(f"{words} come together: all of them or none.")
    else:
        for name, needs in names.items():
            words = md.join_words([link(_at(prefix, n)) for n in needs])
            out.append(f"When {link(_at(prefix, name))} is present, so {_be(needs)} {words}.")
    for name, sub in deps.items():
        if isinstance(sub, dict):
            said = _clauses(sub, prefix, link)
            text = md.join_words(said) if said is not None else _json(sub)
            out.append(f"When {link(_at(prefix, name))} is present, {text}.")
    return out


def _be(items: list[Any]) -> str:
    return "is" if len(items) == 1 else "are"


def _conditional(node: Schema, prefix: str, link: Link) -> str:
    parts = {k: node.get(k) for k in ("if", "then", "else")}
    words = {k: _clauses(v, prefix, link) if isinstance(v, dict) else [] for k, v in parts.items()}
    if any(w is None for w in words.values()):
        rule = {k: v for k, v in parts.items() if v is not None}
        return f"A conditional rule (JSON Schema `if`/`then`/`else`): {_json(rule)}."
    text = f"If {md.join_words(words['if'] or ['anything'])}, "
    text += md.join_words(words["then"] or ["nothing more is required"])
    if words["else"]:
        text += f"; otherwise {md.join_words(words['else'])}"
    notes = [n for k in ("then", "else") for n in _notes(parts[k])]
    return " ".join([text + ".", *notes])


def _json(data: Any) -> str:
    return md.code(json.dumps(data, ensure_ascii=False))


def _clauses(node: Schema, prefix: str, link: Link) -> list[str] | None:
    """What a subschema says about the object at `prefix`, as clauses; None when some keyword
    has no words here."""
    out: list[str] = []
    said_of = set(node.get("properties", {}))  # "`a` is null" already says `a` is there
    for key, value in node.items():
        if key == "required":
            out += [f"{link(_at(prefix, n))} is present" for n in value if n not in said_of]
        elif key == "properties":
            for name, sub in value.items():
                said = _value(sub, _at(prefix, name), link)
                if said is None:
                    return None
                out += said
        elif key == "not" and set(value) == {"required"}:
            out += [f"{link(_at(prefix, n))} is absent" for n in value["required"]]
        elif not _annotation(key):
            return None
    return out


def _annotation(key: str) -> bool:
    """Keywords that check nothing (the field tables say what `x-quay-versions` says)."""
    return key in ("description", "$comment", "title") or key.startswith("x-")


def _checks_nothing(node: Any) -> bool:
    return isinstance(node, dict) and all(_annotation(k) for k in node)


def _value(node: Schema, path: str, link: Link) -> list[str] | None:
    """Clauses about the value at `path`."""
    out: list[str] = []
    field = link(path)
    for key, value in node.items():
        phrase = _phrase(key, value)
        if phrase is not None:
            out.append(f"{field} {phrase}")
        elif key == "properties":
            for name, sub in value.items():
                said = _value(sub, f"{path}.{name}", link)
                if said is None:
                    return None
                out += said
        elif key == "required":
            out += [f"{link(f'{path}.{n}')} is present" for n in value]
        elif key == KEYWORD:
            out.append(f"{field} is sent by {_sent(annotation(node))}")
        elif key == "if" and all(_checks_nothing(node.get(k, {})) for k in ("then", "else")):
            out += _annotated_values(node, field)  # which releases send some values
        elif key not in ("then", "else") and not _annotation(key):
            return None
    return out


def _sent(ann: Annotation | None) -> str:
    if ann is None:  # pragma: no cover - called on annotated nodes
        return "every Quay release"
    return words(ann.sent) + (" (always)" if ann.always else "")


def _notes(node: Any) -> Iterator[str]:
    """The notes of the `x-quay-versions` annotations inside a subschema."""
    if isinstance(node, dict):
        ann = annotation(node)
        if ann is not None and ann.note:
            yield ann.note
        for value in node.values():
            yield from _notes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _notes(value)


def _annotated_values(node: Schema, field: str) -> list[str]:
    """A conditional that only says which releases send the values it selects."""
    phrase = next((p for k, v in node["if"].items() if (p := _phrase(k, v))), None)
    out = []
    for key, when in (("then", ""), ("else", "not ")):
        ann = annotation(node.get(key))
        if ann is not None and phrase is not None:
            out.append(f"{field} {when}{phrase} only in {_sent(ann)}")
    return out


_ARTICLES = {"integer": "an integer", "object": "an object", "array": "an array", "null": "null"}
_LIMITS = {
    "minLength": ("has at least {} characters", "is not empty"),
    "maxLength": ("has at most {} characters", None),
    "minItems": ("has at least {} items", "is not empty"),
    "maxItems": ("has at most {} items", None),
    "minProperties": ("has at least {} properties", "is not empty"),
    "maxProperties": ("has at most {} properties", None),
    "minimum": ("is at least {}", None),
    "maximum": ("is at most {}", None),
}


def _phrase(key: str, value: Any) -> str | None:
    """A predicate for one keyword on a value, or None when this keyword has none."""
    if key == "type":
        kinds = value if isinstance(value, list) else [value]
        return "is " + md.join_words([_ARTICLES.get(k, f"a {k}") for k in kinds], "or")
    if key == "const":
        return "is " + md.value(value)
    if key == "enum":
        return "is one of " + ", ".join(md.value(v) for v in value)
    if key == "pattern":
        return "matches " + md.code(value)
    if key in _LIMITS:
        phrase, one = _LIMITS[key]
        if key == "maxProperties" and value == 0:
            return "is empty"
        return one if one and value == 1 else phrase.format(value)
    return None


def invariant_item(invariant: Invariant, link: Link = code_link) -> str:
    """One invariant as a list item: its id, the generated sentence, `says` when given, the
    Quay releases it holds in, and its source in Quay's code."""
    text = f"**`{invariant.id}`**: {sentence(invariant, lambda p: link(dotted(p)))}"
    if invariant.says:
        text += f" {invariant.says}"
    if invariant.quay_versions:
        text += f" It holds in {words(releases_of(invariant.quay_versions))}."
    if invariant.source:
        text += f" Source: {source_link(invariant.source)}."
    return md.prose(text)


def source_link(source: str) -> str:
    """`path:symbol [@ref]` as a link to Quay's code (at `ref`, else the pinned release) and
    the symbol in code."""
    spec, _, ref = source.partition(" @")
    file, colon, symbol = spec.partition(":")
    url = pin().code_url(file, ref or None)
    return (
        f"[`{file}`]({url})" + (f" `{symbol}`" if colon else "") + (f" at `{ref}`" if ref else "")
    )


def exemption_items(variant: Schema) -> list[str]:
    """`x-invariants-exempt` of a test-notification variant: which invariant, and why."""
    return [md.prose(f"**`{k}`** does not hold: {v}") for k, v in exemptions(variant).items()]
