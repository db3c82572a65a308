"""Breaks accepted on purpose: the ignore file, and announcements in CHANGELOG.md.

Ignore file (TOML), one table per accepted break; `pointer` is optional, the rest required:

    [[accept]]
    event = "build_success"
    rule = "property-removed"
    pointer = "/image_id"
    reason = "legacy field; no Quay since 3.4 sends it"
    expires = 2027-06-30

An expired entry no longer applies. A CHANGELOG announcement is a bullet (wrapped lines included)
of the `## [Unreleased]` section's `### Schemas` subsection that contains `**BREAKING**` and names
the event, e.g. `- **BREAKING** build_success: remove the legacy image_id`; it accepts that
event's breaks.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from toolkit.diff.classify import BREAKING, DiffResult, accept

DEFAULT_IGNORE_FILE = ".quay-contract-diff-ignore.toml"
MARK = "**BREAKING**"


class AcceptFileError(ValueError):
    """The ignore file is unreadable or an entry is incomplete."""


@dataclass(frozen=True)
class Accepted:
    """One accepted break from the ignore file."""

    event: str
    rule: str
    pointer: str | None
    reason: str
    expires: dt.date

    def matches(self, event: str, rule: str, pointer: str) -> bool:
        """Whether this entry covers a change (`event` may name a test-notification variant)."""
        same_event = self.event in (event, event.partition("#")[0])
        return same_event and self.rule == rule and self.pointer in (None, pointer)


def load_ignore_file(path: Path) -> list[Accepted]:
    """Parse the ignore file; every entry needs event, rule, reason and an expiry date."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AcceptFileError(f"{path}: {exc}") from None
    out = []
    for i, entry in enumerate(data.get("accept", [])):
        where = f"{path}: accept[{i}]"
        missing = [k for k in ("event", "rule", "reason", "expires") if k not in entry]
        if missing:
            raise AcceptFileError(f"{where}: missing {', '.join(missing)}")
        expires = entry["expires"]
        if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
            raise AcceptFileError(f"{where}: expires must be a date like 2027-06-30")
        if not str(entry["reason"]).strip():
            raise AcceptFileError(f"{where}: reason must say why the break is accepted")
        pointer = entry.get("pointer")
        out.append(
            Accepted(str(entry["event"]), str(entry["rule"]), pointer, entry["reason"], expires)
        )
    return out


def apply_ignore_file(
    result: DiffResult, entries: list[Accepted], today: dt.date | None = None
) -> None:
    """Accept the changes that live entries cover; note expired and unused entries."""
    today = today or dt.date.today()
    live = []
    for entry in entries:
        if entry.expires < today:
            result.notes.append(
                f"ignore-file entry {entry.event} {entry.rule} expired on {entry.expires}; "
                "it no longer applies"
            )
        else:
            live.append(entry)
    marks: dict[int, str] = {}
    used: set[int] = set()
    for i, change in enumerate(result.changes):
        for j, entry in enumerate(live):
            if change.severity != "info" and entry.matches(
                change.event, change.rule, change.pointer
            ):
                marks[i] = f"{entry.reason} (accepted until {entry.expires})"
                used.add(j)
                break
    accept(result, marks)
    for j, entry in enumerate(live):
        if j not in used:
            result.notes.append(f"ignore-file entry {entry.event} {entry.rule} matched nothing")


def announced_events(changelog: str) -> dict[str, str]:
    """Event name -> announcing line, from the Unreleased section's Schemas subsection."""
    section = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    if not section:
        return {}
    schemas = re.search(r"^### Schemas[^\n]*\n(.*?)(?=^### |\Z)", section.group(1), re.M | re.S)
    if not schemas:
        return {}
    items: list[str] = []
    for line in schemas.group(1).splitlines():
        if line[:1].isspace() and items:  # a wrapped bullet continues the previous item
            items[-1] += " " + line.strip()
        else:
            items.append(line.strip())
    out: dict[str, str] = {}
    for item in items:
        if MARK in item:
            for name in re.findall(r"[a-z][a-z0-9_]+", item):
                out.setdefault(name, item)
    return out


def apply_changelog(result: DiffResult, changelog: str, label: str) -> list[str]:
    """Accept breaking changes of announced events; return the events that still need a line."""
    announced = announced_events(changelog)
    marks: dict[int, str] = {}
    missing: list[str] = []
    for i, change in enumerate(result.changes):
        if change.severity != BREAKING or change.accepted:
            continue
        base = change.event.partition("#")[0]
        if base in announced:
            line = announced[base]
            marks[i] = f"announced in {label}: {line if len(line) <= 72 else line[:71] + '…'}"
        elif base not in missing:
            missing.append(base)
    accept(result, marks)
    return missing
