"""Finding: one problem in a template, with its rule, place in the template and JSON path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from toolkit.templates.rules import SEVERITIES, Severity, rule

Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: what, where in the template, which path, for which events."""

    rule: str
    message: str
    pointer: Pointer = ()
    """JSON pointer of the string (or key) in the template."""
    key: bool = False
    """The finding is about the member's key, not its value."""
    expression: str | None = None
    """The placeholder's expression as written inside `${}`."""
    path: str | None = None
    """The JSON path of the event member involved, e.g. `$.trigger_metadata.commit`."""
    events: tuple[str, ...] = ()
    hint: str | None = None
    """How to fix it, or what was probably meant."""
    releases: str | None = None
    """The Quay releases it concerns, when not all (`3.4-3.5`)."""
    offset: int | None = None
    """Character offset in the template text."""
    line: int | None = None
    """1-based line in the template text."""
    column: int | None = None
    evidence: tuple[str, ...] = ()
    """Payloads for which rendering showed it (`null for 3 of 60, e.g. ...`)."""
    source_line: int | None = None
    """1-based line in the input file, when the template is embedded in it (a notification
    list); else the same as `line`."""
    source_column: int | None = None

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return rule(self.rule).severity

    @property
    def json_pointer(self) -> str:
        """The template location as an RFC 6901 string."""
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.pointer)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape (toolkit/formats/template-report.schema.json)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.json_pointer,
            "key": self.key,
            "line": self.source_line if self.source_line is not None else self.line,
            "column": self.source_column if self.source_line is not None else self.column,
            "template_line": self.line,
            "template_column": self.column,
            "expression": self.expression,
            "path": self.path,
            "events": list(self.events),
            "hint": self.hint,
            "releases": self.releases,
            "evidence": list(self.evidence),
        }


def merge(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (rule, place, expression, message): their events united, order kept."""
    out: dict[tuple[Any, ...], Finding] = {}
    for f in findings:
        key = (f.rule, f.pointer, f.key, f.offset, f.expression, f.message, f.hint, f.releases)
        seen = out.get(key)
        if seen is None:
            out[key] = f
            continue
        events = tuple(dict.fromkeys((*seen.events, *f.events)))
        evidence = tuple(dict.fromkeys((*seen.evidence, *f.evidence)))
        out[key] = replace(seen, events=events, evidence=evidence)
    return sorted(out.values(), key=_order)


def _order(f: Finding) -> tuple[Any, ...]:
    return (f.line or 0, f.column or 0, SEVERITIES.index(f.severity), f.rule)
