"""Render a DiffResult: text, json, markdown (PR comment), github annotations, junit.

Every renderer returns a string; `toolkit/cli/` prints it. The json shape is stable (`"v": 1`).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

from toolkit.diff.classify import BREAKING, INFO, WARNING, Change, DiffResult

FORMATS = ("text", "json", "markdown", "github", "junit")

MESSAGES = {
    "property-removed": "property removed",
    "property-added": "optional property added",
    "property-added-to-closed-object": "property added to an object that forbade it",
    "required-property-added": "required property added",
    "required-removed": "required became optional",
    "required-added": "optional became required",
    "type-widened": "type widened",
    "type-narrowed": "type narrowed",
    "type-changed": "type changed",
    "null-added": "null now allowed",
    "null-removed": "null no longer allowed",
    "enum-widened": "enum widened",
    "enum-narrowed": "enum narrowed",
    "enum-removed": "enum (or const) removed",
    "enum-added": "enum (or const) added",
    "pattern-removed": "pattern removed (loosened)",
    "pattern-added": "pattern added (tightened)",
    "pattern-changed": "pattern changed; inclusion undecided",
    "format-removed": "format removed (loosened)",
    "format-added": "format added (tightened)",
    "format-changed": "format changed",
    "bound-loosened": "bound loosened",
    "bound-tightened": "bound tightened",
    "additional-properties-allowed": "extra properties now allowed",
    "additional-properties-forbidden": "extra properties now forbidden",
    "branch-added": "alternative added",
    "branch-removed": "alternative removed",
    "conditional-added": "if/then/else constraint added",
    "conditional-removed": "if/then/else constraint removed",
    "conditional-changed": "if/then/else condition changed",
    "annotation-changed": "annotation changed",
    "invariant-added": "invariant added (a relation between fields now checked)",
    "invariant-removed": "invariant removed (a relation between fields no longer checked)",
    "invariant-changed": "invariant changed",
    "event-added": "event added",
    "event-removed": "event removed",
    "event-renamed": "event renamed",
    "replay-confirms-widening": "replay shows the change widens",
    "replay-confirms-narrowing": "replay shows the change narrows",
    "replay-contradicts-verdict": "REPLAY CONTRADICTS THE RULES",
}


def message(change: Change) -> str:
    """A one-line human description of a change."""
    what = MESSAGES.get(change.rule, change.rule.replace("-", " "))
    old, new = change.old, change.new
    if change.rule.startswith("replay-"):
        return f"{what}: {new}"
    if change.rule.startswith("event-"):
        detail = f"{old} → {new}" if change.rule == "event-renamed" else ""
        return f"{what} {detail}".strip()
    if change.rule.startswith("bound-"):
        name = change.keyword.rsplit("/", 1)[-1]
        if new is None:
            return f"{what}: {name} {short(old)} removed (none now)"
        if old is None:
            return f"{what}: {name} {short(new)} added (there was none)"
        return f"{what}: {name} {short(old)} → {short(new)}"
    if new is None:
        return f"{what}: was {short(old)}"
    if old is None:
        return f"{what}: {short(new)}"
    was, now = contrast(old, new)
    return f"{what}: {was} → {now}"


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits
        import json

        return json.dumps(value, separators=(",", ":"))


def short(value: Any, width: int = 60) -> str:
    """A compact JSON rendering, cut at `width` characters."""
    text = _json(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def contrast(old: Any, new: Any, width: int = 60) -> tuple[str, str]:
    """Both values as compact JSON, cut to `width` around their first difference.

    Two long texts that differ late are not cut at the same early point (where they look the
    same): the common start is elided (`…`) on both, so the difference stays in view.
    """
    a, b = _json(old), _json(new)
    if len(a) <= width and len(b) <= width:
        return a, b
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    if first is None:
        first = min(len(a), len(b))
    start = max(0, first - width // 3)
    return _window(a, start, width), _window(b, start, width)


def _window(text: str, start: int, width: int) -> str:
    head = "…" if start else ""
    room = width - len(head)
    part = text[start : start + room]
    return head + (part if start + room >= len(text) else part[:-1] + "…")


def where(change: Change) -> str:
    """`event pointer [keyword]`."""
    at = f"{change.event}{change.pointer or ''}"
    return f"{at} [{change.keyword}]" if change.keyword else at


def summary(result: DiffResult) -> str:
    """One line: the verdict, counts and the suggested bump."""
    b, w, i = (result.count(s) for s in (BREAKING, WARNING, INFO))
    accepted = sum(1 for c in result.changes if c.accepted)
    verdict = {
        BREAKING: f"BREAKING for {result.role}s",
        WARNING: "needs review",
        INFO: f"safe for {result.role}s",
    }.get(result.worst(), "no change")
    if accepted and result.worst() in (INFO, "none"):
        verdict = f"breaking for {result.role}s, accepted on purpose"
    extra = f", {accepted} accepted" if accepted else ""
    return (
        f"{verdict}: {b} breaking, {w} warning, {i} info{extra}; "
        f"suggested version bump: {result.semver()}"
    )


def evidence_lines(result: DiffResult) -> list[str]:
    """One line per replayed event."""
    out = []
    for key, r in sorted(result.evidence.items()):
        out.append(
            f"{key}: {r.forward_rejected} of {r.forward_total} payloads valid before are now "
            f"rejected; {r.reverse_rejected} of {r.reverse_total} payloads valid now were "
            "rejected before"
        )
    return out


def changelog_entry(result: DiffResult) -> str:
    """A ready `### Schemas` entry for CHANGELOG.md; one line per change, events grouped."""
    grouped: dict[tuple[bool, str, str, str], list[str]] = {}
    for c in result.changes:
        if c.rule == "annotation-changed" or c.rule.startswith("replay-"):
            continue
        key = (c.severity == BREAKING, message(c), c.pointer or "/", c.rule)
        events = grouped.setdefault(key, [])
        base = c.event.partition("#")[0]
        if base not in events:
            events.append(base)
    lines = ["### Schemas"]
    for (breaking, what, pointer, rule), events in grouped.items():
        mark = "**BREAKING** " if breaking else ""
        lines.append(f"- {mark}{', '.join(events)}: {what} at `{pointer}` ({rule}).")
    notes = sorted(
        {c.event.partition("#")[0] for c in result.changes if c.rule == "annotation-changed"}
    )
    if notes:
        lines.append(f"- Descriptions and annotations updated: {', '.join(notes)}.")
    return "\n".join(lines) if len(lines) > 1 else ""


def text(result: DiffResult) -> str:
    """Plain text for a terminal or a log."""
    lines = [f"{result.old_label} → {result.new_label} (role: {result.role})"]
    for c in result.changes:
        tag = "accepted" if c.accepted else c.severity
        lines.append(f"  {tag:<9} {c.rule:<32} {where(c)}: {message(c)}")
        if c.accepted:
            lines.append(f"            ({c.accepted})")
    lines += [f"  evidence: {line}" for line in evidence_lines(result)]
    lines += [f"  evidence cut short: {cut}" for cut in result.evidence_cut]
    lines += [f"  DISAGREEMENT: {d}" for d in result.disagreements]
    lines += [f"  note: {n}" for n in result.notes]
    lines.append(summary(result))
    entry = changelog_entry(result)
    if entry:
        lines += ["", "Suggested CHANGELOG entry:", "", entry]
    return "\n".join(lines) + "\n"


def as_json(result: DiffResult) -> str:
    """The stable json shape."""
    doc = {
        "v": 1,
        "old": result.old_label,
        "new": result.new_label,
        "role": result.role,
        "verdict": result.worst(),
        "semver": result.semver(),
        "counts": {
            **{s: result.count(s) for s in (BREAKING, WARNING, INFO)},
            "accepted": sum(1 for c in result.changes if c.accepted),
        },
        "changes": [
            {
                "rule": c.rule,
                "event": c.event,
                "pointer": c.pointer,
                "keyword": c.keyword,
                "old": c.old,
                "new": c.new,
                "direction": c.direction,
                "severity": c.severity,
                "accepted": c.accepted,
                "message": message(c),
            }
            for c in result.changes
        ],
        "evidence": {
            key: {
                "valid_before_rejected_now": r.forward_rejected,
                "valid_before": r.forward_total,
                "valid_now_rejected_before": r.reverse_rejected,
                "valid_now": r.reverse_total,
                "sources": r.sources,
            }
            for key, r in sorted(result.evidence.items())
        },
        "evidence_cut": result.evidence_cut,
        "disagreements": result.disagreements,
        "notes": result.notes,
        "changelog": changelog_entry(result),
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


def markdown(result: DiffResult) -> str:
    """A PR comment."""
    lines = [f"### Schema diff: {summary(result)}", ""]
    lines.append(f"`{result.old_label}` → `{result.new_label}`, role **{result.role}**")
    for d in result.disagreements:
        lines += ["", f"> [!CAUTION]\n> Replay disagrees with the rules: {d}"]
    if result.changes:
        lines += ["", "| severity | rule | where | change |", "|---|---|---|---|"]
        for c in result.changes:
            tag = f"accepted ({c.accepted})" if c.accepted else c.severity
            cell = message(c).replace("|", "\\|")
            lines.append(f"| {tag} | `{c.rule}` | `{where(c)}` | {cell} |")
    if result.evidence:
        lines += ["", "**Evidence**", ""] + [f"- {e}" for e in evidence_lines(result)]
    lines += [f"- evidence cut short: {cut}" for cut in result.evidence_cut]
    lines += [f"- note: {n}" for n in result.notes]
    entry = changelog_entry(result)
    if entry:
        lines += ["", "<details><summary>Suggested CHANGELOG entry</summary>", "", "```markdown"]
        lines += [entry, "```", "", "</details>"]
    return "\n".join(lines) + "\n"


def github(result: DiffResult) -> str:
    """GitHub Actions workflow commands, one annotation per change that is not info."""
    lines = []
    for c in result.changes:
        if c.effective == INFO:
            continue
        level = "error" if c.effective == BREAKING else "warning"
        file = f"schemas/{c.event.partition('#')[0]}.schema.json"
        text_ = f"{where(c)}: {message(c)}".replace("%", "%25").replace("\n", "%0A")
        lines.append(f"::{level} file={file},title={c.rule}::{text_}")
    lines += [f"::error title=replay-disagreement::{d}" for d in result.disagreements]
    lines += [f"::warning title=evidence cut short::{cut}" for cut in result.evidence_cut]
    lines.append(f"::notice title=schema diff::{summary(result)}")
    return "\n".join(lines) + "\n"


def junit(result: DiffResult) -> str:
    """One testcase per change; breaking (or warning with fail_on) changes are failures."""
    cases = []
    for c in result.changes:
        name = quoteattr(f"{c.rule} {where(c)}")
        body = ""
        if c.effective in (BREAKING, WARNING):
            body = f"<failure type={quoteattr(c.effective)} message={quoteattr(message(c))}/>"
        cases.append(f"  <testcase classname={quoteattr(c.event)} name={name}>{body}</testcase>")
    failures = sum(1 for c in result.changes if c.effective in (BREAKING, WARNING))
    head = (
        f'<testsuite name="quay-contract diff" tests="{len(cases)}" failures="{failures}">'
        f'\n  <properties><property name="summary" value={quoteattr(summary(result))}/>'
        "</properties>"
    )
    out = ['<?xml version="1.0" encoding="UTF-8"?>', head, *cases]
    cuts = [f"evidence cut short: {cut}" for cut in result.evidence_cut]
    out += [f"  <system-out>{escape(line)}</system-out>" for line in evidence_lines(result)[:1]]
    out += [f"  <system-err>{escape(line)}</system-err>" for line in cuts]
    out.append("</testsuite>")
    return "\n".join(out) + "\n"


RENDER = {"text": text, "json": as_json, "markdown": markdown, "github": github, "junit": junit}
