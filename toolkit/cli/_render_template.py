"""Text output of `template check` and every output of `template render`."""

from __future__ import annotations

import sys
from typing import Any

from rich.text import Text

from toolkit.cli._render import Part, stderr, stdout, styled
from toolkit.templates.check import Result
from toolkit.templates.dynamic import Output, Survey
from toolkit.templates.findings import Finding
from toolkit.templates.output import counts

_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
_SAVE = {201: "Quay saves it (201)", 400: "Quay rejects it (400)", 500: "saving fails (500)"}


def check_report(results: list[Result], fail_on: str, release: str, *, verbose: bool) -> None:
    """Per template: a header, its findings, what rendering showed; then the totals."""
    out = stdout()
    for r in results:
        out.print(_header(r))
        if r.notification is not None and any(f.line for f in r.findings):
            out.print(styled("  ", ("(line:column in the notification's template)", "dim")))
        if r.problem:
            out.print(styled("  ", ("could not be checked:", "red"), f" {r.problem}"))
            continue
        for f in r.findings:
            _finding(out, f, many_events=len(r.events) > 1)
        if r.survey is not None:
            crashed = len(r.survey.crashes)
            style = "red" if crashed else "green"
            rendered = f"  rendered {len(r.survey.rendered)} payloads: "
            out.print(styled(rendered, (f"{crashed} crashed", style)))
            if verbose:
                for o in r.survey.outputs:
                    out.print(f"    {o.label}: {types_line(o)}")
    total = counts(results)
    scope = "every release from 3.4" if release == "all" else f"Quay {release}"
    tally = [_plural(total["errors"], "error"), _plural(total["warnings"], "warning")]
    tally.append(_plural(total["notes"], "note"))
    if total["unreadable"]:
        tally.append(f"{total['unreadable']} unreadable")
    out.print(f"{len(results)} checked for {scope}: {', '.join(tally)}")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _header(r: Result) -> Text:
    parts: list[str] = []
    if r.notification is not None:
        parts.append(r.notification.name)
    elif r.events:
        parts.append(", ".join(r.events) if len(r.events) < 4 else f"{len(r.events)} events")
    if r.saved is not None and r.saved.checked:
        parts.append(_SAVE.get(r.saved.status, "saving may fail (depends on Quay's stack)"))
    return styled((r.source, "bold"), *(f" · {part}" for part in parts))


def _finding(out: Any, f: Finding, *, many_events: bool) -> None:
    place = f"{f.line}:{f.column}" if f.line else "-"
    subject = f"${{{f.expression}}} " if f.expression is not None else ""
    events: Part = (f" ({', '.join(f.events)})", "dim") if many_events and f.events else ""
    style = _STYLE[f.severity]
    out.print(
        styled(
            f"  {place:>7}  ",
            (f"{f.severity:<7}", style),
            "  ",
            (f.rule, "bold"),
            f"  {subject}{f.message}",
            events,
        )
    )
    if f.hint:
        out.print(styled(f"{'':>20}", (f.hint, "cyan")))
    for item in f.evidence:
        out.print(styled(f"{'':>20}", (item, "dim")))


def types_line(output: Output) -> str:
    """`null 3 %, string 40 %, array 57 %` (or `no payload rendered`)."""
    total = sum(output.types.values())
    if not total:
        return "no payload rendered"
    return ", ".join(f"{kind} {100 * n / total:.0f} %" for kind, n in output.types.most_common())


def render_report(found: Survey, fmt: str, release: str, problems: list[str]) -> None:
    """The bodies (or crashes) per payload, then the types per site and crashes per payload."""
    err = stderr()
    for problem in problems:
        err.print(styled(("skipped", "red"), f" {problem}"))
    if fmt == "body":
        for r in found.rendered:
            if r.delivery.body is not None:
                sys.stdout.write(r.delivery.body + "\n")
            else:
                err.print(f"{r.item.label}: {_failure(r.delivery)}")
        return
    if fmt == "json":
        import orjson

        report = _render_json(found, release)
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    out = stdout()
    for r in found.rendered:
        out.print(styled((f"# {r.item.label}", "bold")))
        if r.delivery.body is not None:
            out.out(r.delivery.body, highlight=False)
        else:
            out.print(styled((_failure(r.delivery), "red")))
    out.print(styled((f"Rendered {len(found.rendered)} payloads for Quay {release}:", "bold")))
    for o in found.outputs:
        out.print(f"  {o.label}: {types_line(o)}")
    crashed = found.crashes
    out.print(f"  crashes: {len(crashed)}" + (":" if crashed else ""))
    for r in crashed:
        out.print(f"    {r.item.label}: {_failure(r.delivery)}")


def _failure(delivery: Any) -> str:
    if delivery.unstable:
        return f"unpredictable: {delivery.unstable}"
    return f"Quay raises {delivery.error}"


def _render_json(found: Survey, release: str) -> dict[str, Any]:
    from toolkit.templates.output import rendering

    return {
        "version": 1,
        "release": release,
        "results": [
            {
                "payload": r.item.label,
                "event": r.item.event,
                "status": r.delivery.status,
                "body": r.delivery.body,
                "error": None
                if r.delivery.error is None
                else {"type": r.delivery.error.type, "message": r.delivery.error.message},
            }
            for r in found.rendered
        ],
        "summary": rendering(found),
    }
