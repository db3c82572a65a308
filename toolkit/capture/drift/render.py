"""The drift report as text, markdown or a JSON-ready dict (the CLI prints these)."""

from __future__ import annotations

from typing import Any

from toolkit.capture.drift.radar import DriftReport, EventDrift, FieldStat
from toolkit.contract.releases import Releases

JSON_FORMAT_VERSION = 1


def as_dict(report: DriftReport) -> dict[str, Any]:
    """The stable JSON shape of a drift report."""
    common = report.common
    return {
        "version": JSON_FORMAT_VERSION,
        "captures": report.captures,
        "skipped": dict(sorted(report.skipped.items())),
        "drift": report.matters,
        "quay_version": report.quay_version,
        "releases": [{"releases": r.as_json(), "payloads": n} for r, n in _release_rows(report)],
        "common": None if common is None else common.as_json(),
        "events": [
            {
                "event": e.event,
                "payloads": e.payloads,
                "fields": [_field(f) for f in e.fields],
                "issues": [
                    {
                        "path": i.path,
                        "kind": i.kind,
                        "severity": i.severity,
                        "count": i.count,
                        "of": i.of,
                        "detail": i.detail,
                    }
                    for i in e.issues
                ],
            }
            for e in report.events
        ],
    }


def _field(f: FieldStat) -> dict[str, Any]:
    return {
        "path": f.path,
        "declared": f.declared,
        "required": f.required,
        "seen": f.seen,
        "of": f.of,
        "presence": round(f.presence, 4),
        "null_rate": round(f.null_rate, 4),
        "types": f.types,
        "values": f.values,
        "schema_enum": f.schema_enum,
        "schema_nullable": f.schema_nullable,
    }


def _schema_word(f: FieldStat) -> str:
    if not f.declared:
        return "undeclared"
    word = "required" if f.required else "optional"
    return word + (", nullable" if f.schema_nullable else "")


def _values(f: FieldStat) -> str:
    if f.values is None:
        return ""
    return ", ".join(f"{k} ({n})" for k, n in f.values.items())


def _release_rows(report: DriftReport) -> list[tuple[Releases, int]]:
    """Captures per fingerprint, oldest releases first, then the widest range."""

    def order(item: tuple[Releases, int]) -> tuple[int, int]:
        bits = item[0].bits
        return ((bits & -bits).bit_length() if bits else 1 << 20, -bits)

    return sorted(report.releases.items(), key=order)


def _releases_lines(report: DriftReport) -> list[str]:
    rows = _release_rows(report)
    if not rows:
        return []
    lines = ["Quay releases that could have sent them (version fingerprints):"]
    lines += [f"  {n:>6}  {r}" for r, n in rows]
    common = report.common
    if common is not None:
        lines.append(
            f"  every capture fits one release of: {common}"
            if common
            else "  no single Quay release could have sent every capture"
        )
    return lines


def text(report: DriftReport) -> str:
    """A plain-text report: summary, issues, then the field table per event."""
    lines = [_summary(report), *_releases_lines(report)]
    for e in report.events:
        lines.append("")
        lines.append(f"== {e.event}: {e.payloads} payload(s)")
        for i in e.issues:
            lines.append(
                f"  {i.severity.upper():7} {i.kind:24} {i.path}  {i.count}/{i.of}  {i.detail}"
            )
        if not e.issues:
            lines.append("  no drift")
        lines.append("  fields (seen/of, presence, nulls, types, schema, values):")
        for f in e.fields:
            types = ",".join(f.types) or "-"
            lines.append(
                f"    {f.path}  {f.seen}/{f.of}  {f.presence:.0%}  null {f.null_rate:.0%}  "
                f"{types}  [{_schema_word(f)}]  {_values(f)}".rstrip()
            )
    return "\n".join(lines) + "\n"


def markdown(report: DriftReport) -> str:
    """A markdown report for a pull request or an issue."""
    out = ["# Contract drift report", "", _summary(report), ""]
    rows = _release_rows(report)
    if rows:
        out += ["| Quay releases that could have sent them | captures |", "|---|---|"]
        out += [f"| {r} | {n} |" for r, n in rows]
        out.append("")
    for e in report.events:
        out += [f"## {e.event}", "", f"{e.payloads} payload(s).", ""]
        out += _issue_table(e)
        out += [
            "| field | seen | presence | null rate | types | schema | values |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in e.fields:
            out.append(
                f"| `{f.path}` | {f.seen}/{f.of} | {f.presence:.0%} | {f.null_rate:.0%} | "
                f"{', '.join(f.types) or '—'} | {_schema_word(f)} | {_values(f) or '—'} |"
            )
        out.append("")
    return "\n".join(out)


def _issue_table(e: EventDrift) -> list[str]:
    if not e.issues:
        return ["No drift.", ""]
    rows = ["| severity | kind | field | count | detail |", "|---|---|---|---|---|"]
    for i in e.issues:
        rows.append(f"| {i.severity} | {i.kind} | `{i.path}` | {i.count}/{i.of} | {i.detail} |")
    return [*rows, ""]


def _summary(report: DriftReport) -> str:
    errors = sum(i.severity == "error" for i in report.issues)
    warnings = sum(i.severity == "warning" for i in report.issues)
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(report.skipped.items()))
    against = f" (against Quay {report.quay_version})" if report.quay_version else ""
    line = (
        f"{report.captures} capture(s), {len(report.events)} event(s){against}: "
        f"{errors} contract-breaking drift finding(s), {warnings} warning(s)"
    )
    return line + (f"; skipped {skipped}" if skipped else "")
