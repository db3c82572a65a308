"""Reports of `template check` as data: JSON (formats/template-report.schema.json), SARIF 2.1.0,
and GitHub workflow commands. The text report is drawn by the command line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from toolkit import __version__
from toolkit.templates.check import Result
from toolkit.templates.dynamic import Survey
from toolkit.templates.findings import Finding
from toolkit.templates.rules import RULES, Severity

VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def status(results: Iterable[Result], fail_on: Severity) -> str:
    """`fail` when a finding reaches `fail_on`; else `error` if an input could not be checked."""
    results = list(results)
    if any(r.fails(fail_on) for r in results):
        return "fail"
    return "error" if any(r.problem for r in results) else "pass"


def counts(results: Iterable[Result]) -> dict[str, int]:
    """Templates checked, findings by severity, inputs that could not be checked."""
    results = list(results)
    findings = [f for r in results for f in r.findings]
    return {
        "templates": sum(1 for r in results if r.saved is not None and r.saved.checked),
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "notes": sum(f.severity == "info" for f in findings),
        "unreadable": sum(1 for r in results if r.problem),
    }


def as_json(results: list[Result], fail_on: Severity, release: str) -> dict[str, Any]:
    """The `--format json` report."""
    return {
        "version": VERSION,
        "status": status(results, fail_on),
        "release": release,
        "summary": counts(results),
        "results": [_result(r, fail_on) for r in results],
    }


def _result(r: Result, fail_on: Severity) -> dict[str, Any]:
    n = r.notification
    return {
        "source": r.source,
        "notification": None
        if n is None
        else {
            "index": n.index,
            "uuid": n.uuid,
            "title": n.title,
            "event": n.event,
            "method": n.method,
            "number_of_failures": n.failures,
        },
        "events": list(r.events),
        "status": "error" if r.problem else ("fail" if r.fails(fail_on) else "pass"),
        "problem": r.problem,
        "save": None
        if r.saved is None
        else {
            "status": r.saved.status or None,
            "checked": r.saved.checked,
            "message": str(r.saved.error) if r.saved.error else r.saved.unstable,
        },
        "findings": [f.as_dict() for f in r.findings],
        "rendering": None if r.survey is None else rendering(r.survey),
    }


def rendering(survey: Survey) -> dict[str, Any]:
    """Payloads rendered, crashes, and the JSON types each templated string gave."""
    return {
        "payloads": len(survey.rendered),
        "crashes": len(survey.crashes),
        "outputs": [
            {
                "site": o.label,
                "pointer": Finding("", "", o.pointer).json_pointer,
                "key": o.key,
                "types": dict(o.types.most_common()),
            }
            for o in survey.outputs
        ],
    }


def sarif(results: list[Result]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one result per finding, the rule catalogue as the driver's rules."""
    ids = list(RULES)
    out: list[dict[str, Any]] = []
    for r in results:
        if r.problem:
            out.append(_sarif_result(r.source, "unreadable", "error", r.problem, None, None))
        for f in r.findings:
            text = f"{_subject(r, f)}{f.message}" + (f" ({f.hint})" if f.hint else "")
            entry = _sarif_result(r.source, f.rule, _SARIF_LEVEL[f.severity], text, f, ids)
            out.append(entry)
    rules = [
        {
            "id": rule.id,
            "name": rule.title,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.help},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES.values()
    ]
    driver = {
        "name": "quay-contract template check",
        "version": __version__,
        "informationUri": "https://quay-webhook-contracts.github.io/guides/templates/",
        "rules": rules,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": out}],
    }


def _sarif_result(
    source: str, rule_id: str, level: str, text: str, f: Finding | None, ids: list[str] | None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": source.replace("\\", "/")}}
    if f is not None and (f.source_line or f.line):
        region = {"startLine": f.source_line or f.line}
        if f.source_column or f.column:
            region["startColumn"] = f.source_column or f.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if f is not None and f.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": f.json_pointer, "kind": "member"}]
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "level": level,
        "message": {"text": text},
        "locations": [location],
    }
    if ids is not None and rule_id in ids:
        result["ruleIndex"] = ids.index(rule_id)
    return result


def github(results: list[Result]) -> Iterator[str]:
    """GitHub Actions workflow commands: an annotation per finding (notes as notices)."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for r in results:
        if r.problem:
            yield f"::error file={_prop(r.source)},title=unreadable::{_data(r.problem)}"
        for f in r.findings:
            props = [f"file={_prop(r.source)}"]
            line, column = f.source_line or f.line, f.source_column or f.column
            if line:
                props.append(f"line={line}")
                if column:
                    props.append(f"col={column}")
            events = ", ".join(f.events)
            props.append(f"title={_prop(f'{f.rule} [{events}]')}")
            text = _subject(r, f) + f.message + (f" ({f.hint})" if f.hint else "")
            yield f"::{level[f.severity]} {','.join(props)}::{_data(text)}"


def _subject(r: Result, f: Finding) -> str:
    where = f"{r.notification.name}: " if r.notification else ""
    return where + (f"${{{f.expression}}}: " if f.expression is not None else "")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
