"""Verdict: what the contract says about one Record, with findings located in the source."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from toolkit.contract.events import EVENTS
from toolkit.contract.releases import Releases
from toolkit.inputs.record import Record, location
from toolkit.validation.report import Finding, Report

Status = Literal["pass", "fail", "error"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one Record: pass, fail (findings) or error (could not be checked)."""

    source: str
    line: int | None = None
    index: int | None = None
    format: str = "json"
    event: str | None = None
    """The event checked against: pinned, or the only one that fits."""
    candidates: tuple[str, ...] = ()
    """Events the payload fits (several for a shared shape)."""
    test_notification: bool = False
    valid: bool = False
    errors: tuple[Finding, ...] = ()
    closest: str | None = None
    """For a payload that fits nothing: the event whose errors are reported."""
    problem: str | None = None
    """Why the record could not be checked; set only for status `error`."""
    notes: tuple[str, ...] = ()
    pinned: bool = False
    """True when the event came from `--event` or from the capture (URL path, envelope)."""
    releases: Releases | None = None
    """The version fingerprint: the Quay releases that could have sent the payload."""

    @property
    def status(self) -> Status:
        """`pass`, `fail` or `error`."""
        if self.problem is not None:
            return "error"
        return "pass" if self.valid else "fail"

    @property
    def where(self) -> str:
        """`file:line`, `file[entry]`, or `file`."""
        return location(self.source, self.line, self.index)

    @property
    def ambiguous(self) -> bool:
        """Several events share this payload's shape; the webhook URL tells which it is."""
        return self.valid and len(self.candidates) > 1


def reportable(verdict: Verdict) -> bool:
    """Whether a verdict is worth listing even when passes are only counted."""
    return verdict.status != "pass" or verdict.test_notification or bool(verdict.notes)


def check(
    record: Record,
    event: str | None = None,
    *,
    strict: bool = False,
    quay_version: str | None = None,
) -> Verdict:
    """Validate one Record (detecting the event unless pinned) and locate its findings."""
    from toolkit.validation.validator import validate  # the exact path: not for every importer

    if record.problem is not None:
        return Verdict(
            record.source,
            record.line,
            record.index,
            record.format,
            event=event or record.event,
            problem=record.problem,
            notes=record.notes,
        )
    pinned = event or record.event
    if event and record.wrapper_event in EVENTS and record.wrapper_event != event:
        note = f"--event {event} is checked, although the envelope template names {record.event}"
        record = replace(record, notes=(*record.notes, note))
    report = validate(record.payload, pinned, quay_version=quay_version)
    return from_report(report, record, strict=strict, pinned=pinned is not None)


def from_report(report: Report, record: Record, *, strict: bool, pinned: bool) -> Verdict:
    """A Verdict from a validator Report, adding strict findings and source positions."""
    errors = report.errors
    valid = report.valid
    if strict and record.payload is not None:
        from toolkit.validation.strict import strict_findings

        events = report.candidates or ((report.closest,) if report.closest else ())
        extra = (
            strict_findings(record.payload, events, test_notification=report.test_notification)
            if events
            else ()
        )
        if extra:
            errors, valid = errors + extra, False
    if errors and record.text is not None:
        errors = locate_all(errors, record)
    if record.wrapper_event is not None and record.wrapper_event not in EVENTS:
        errors, valid = (_unknown_wrapper(record), *errors), False
    return Verdict(
        record.source,
        record.line,
        record.index,
        record.format,
        notes=record.notes,
        event=report.event,
        candidates=report.candidates,
        test_notification=report.test_notification,
        valid=valid,
        errors=errors,
        closest=report.closest,
        pinned=pinned,
        releases=report.releases,
    )


def _unknown_wrapper(record: Record) -> Finding:
    """The finding for an envelope-template body whose event name is no Quay event."""
    from toolkit.inputs.wrapped import Unwrapped

    assert record.wrapper_event is not None
    message = Unwrapped({}, record.wrapper_event).problem()
    finding = Finding("$.event", "envelope", message, ("event",))
    if record.text is None:
        return finding
    from toolkit.inputs.locate import line_column, locate

    text = record.text.decode("utf-8", "replace")
    offset = locate(text, (*record.prefix[:-1], "event"))
    if offset is None:
        return finding
    line, column = line_column(text, offset)
    return replace(finding, line=record.line_base + line - 1, column=column)


def locate_all(errors: tuple[Finding, ...], record: Record) -> tuple[Finding, ...]:
    """Give each finding the line:column of its value in the record's source text."""
    from toolkit.inputs.locate import Locator, line_column

    assert record.text is not None
    text = record.text.decode("utf-8", "replace")
    locate = Locator(text)
    out = []
    for finding in errors:
        offset = locate((*record.prefix, *finding.pointer))
        if offset is None:
            out.append(finding)
            continue
        line, column = line_column(text, offset)
        out.append(replace(finding, line=record.line_base + line - 1, column=column))
    return tuple(out)


def as_json(verdict: Verdict) -> dict[str, Any]:
    """The stable JSON shape of one result (see formats/validate-report.schema.json)."""
    return {
        "source": verdict.source,
        "line": verdict.line,
        "index": verdict.index,
        "format": verdict.format,
        "status": verdict.status,
        "event": verdict.event,
        "candidates": list(verdict.candidates),
        "test_notification": verdict.test_notification,
        "valid": verdict.valid,
        "closest": verdict.closest,
        "problem": verdict.problem,
        "notes": list(verdict.notes),
        "releases": None if verdict.releases is None else verdict.releases.as_json(),
        "errors": [
            {
                "path": f.path,
                "keyword": f.keyword,
                "message": f.message,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "paths": list(f.paths),
            }
            for f in verdict.errors
        ],
    }
