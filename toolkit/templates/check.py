"""Check template files and saved notification lists: static findings, then rendering evidence.

`check(data, source, options)` reads one input, recognises by shape whether it is a template or a
notification list (`GET /api/v1/repository/<repo>/notification/` saved to a file), and returns a
Result per template.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from toolkit.contract.registry import EVENTS
from toolkit.inputs.locate import Locator, line_column
from toolkit.templates import corpus, dynamic, notifications
from toolkit.templates.dynamic import Survey
from toolkit.templates.findings import Finding
from toolkit.templates.lint import lint, locate_all
from toolkit.templates.notifications import ABSENT, Notification
from toolkit.templates.outcome import Saved
from toolkit.templates.releases import Version, family
from toolkit.templates.rules import SEVERITIES, Severity
from toolkit.templates.source import literal_offset

InputFormat = Literal["auto", "template", "notifications"]


class NeedsEventError(ValueError):
    """A template file was given without the events to check it against."""


class EventGivenError(ValueError):
    """Events were given for a notification list, which names each notification's event."""


@dataclass(frozen=True)
class Options:
    """How to check."""

    events: tuple[str, ...] = ()
    """The events a template file is checked against (a notification list names its own)."""
    version: Version | None = None
    """One Quay release (`--quay-version`); None checks for every modelled release."""
    samples: int = corpus.DEFAULT_SAMPLES
    """Generated payloads per event for the rendering pass (0 with `dynamic` off)."""
    seed: int = 0
    dynamic: bool = True
    input_format: InputFormat = "auto"


@dataclass
class Result:
    """One template checked (or one notification that has none, or input that could not be)."""

    source: str
    events: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    saved: Saved | None = None
    notification: Notification | None = None
    problem: str | None = None
    """Why the input could not be checked at all."""
    survey: Survey | None = None

    def fails(self, threshold: Severity) -> bool:
        """Whether a finding reaches `threshold` (error, or warning and worse)."""
        limit = SEVERITIES.index(threshold)
        return any(SEVERITIES.index(f.severity) <= limit for f in self.findings)


def check(data: bytes, source: str, options: Options) -> list[Result]:
    """Check one input: a template, a notification list, or a single notification."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Result(source, problem=f"not UTF-8 (byte {exc.start}): {exc.reason}")]
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    listed = options.input_format == "notifications" or (
        options.input_format == "auto" and notifications.is_notification_list(value)
    )
    if not listed:
        if not options.events:
            raise NeedsEventError(f"{source}: give --event NAME (repeatable) or --event all")
        return [_template(text, source, options.events, options)]
    if options.events:
        raise EventGivenError(
            f"{source} is a notification list, which names each notification's event: drop --event"
        )
    if not notifications.is_notification_list(value):
        return [Result(source, problem="not a Quay notification list (no notifications[])")]
    where = Locator(text)  # one walk of the file for every notification's place
    return [_notification(n, where, source, options) for n in notifications.read(value)]


def _template(text: str, source: str, events: tuple[str, ...], options: Options) -> Result:
    found = lint(text, events, options.version)
    result = Result(source, events, found.findings, found.saved)
    if options.dynamic and found.saved.accepted and found.value is not None:
        result.survey = render_survey(text, events, options)
        result.findings = locate_all(dynamic.with_evidence(found.findings, result.survey), text)
    result.findings = [
        replace(f, source_line=f.line, source_column=f.column) for f in result.findings
    ]
    return result


def render_survey(config_value: Any, events: tuple[str, ...], options: Options) -> Survey:
    """The template rendered over the events' examples, test notifications and fuzz."""
    items = corpus.items(events, options.samples if options.dynamic else 0, options.seed)
    return dynamic.survey(config_value, items, family(options.version))


def _notification(n: Notification, where: Locator, source: str, options: Options) -> Result:
    events = (n.event,) if isinstance(n.event, str) else ()
    result = Result(source, events, notification=n)
    if n.method != "webhook":
        message = f"a {n.method} notification: only webhooks have a body template; skipped"
        result.findings = [Finding("skipped", message, events=events)]
        return result
    if not isinstance(n.event, str) or n.event not in EVENTS:
        message = f"the notification is for {n.event!r}, which is not a Quay event"
        result.findings = [Finding("unknown-event", message, ("event",))]
        return result
    template = None if n.template is ABSENT else n.template
    inner = None
    if isinstance(template, str) and template:
        inner = _template(template, source, events, options)
    if inner is None:
        found = lint(template, events, options.version)
        result.saved, result.findings = found.saved, found.findings
    else:
        result.saved, result.findings, result.survey = inner.saved, inner.findings, inner.survey
    if n.failures >= 3:
        message = f"number_of_failures is {n.failures}: Quay no longer sends this notification"
        result.findings.append(Finding("disabled", message, events=events))
    result.findings = list(_in_file(result.findings, n, where))
    return result


def _in_file(findings: list[Finding], n: Notification, where: Locator) -> Iterator[Finding]:
    """Findings with the line:column of their place in the list file (read by `where`)."""
    text = where.text
    quote = where(n.pointer)
    base = where(n.pointer[:-1]) if quote is None else quote
    for f in findings:
        offset = base
        if quote is not None and f.offset is not None and text[quote] == '"':
            offset = literal_offset(text, quote, f.offset)
        if offset is None:
            yield replace(f, source_line=None, source_column=None)
            continue
        line, column = line_column(text, offset)
        yield replace(f, source_line=line, source_column=column)
