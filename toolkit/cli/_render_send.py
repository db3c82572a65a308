"""How `send` results are printed: text (rich), json or junit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from toolkit.cli._render import stdout, styled

if TYPE_CHECKING:
    from toolkit.send.delivery import Outcome, Transport


def print_send(
    url: str, outcomes: list[Outcome], fmt: str, transport: Transport | None = None
) -> None:
    """Print a send run in the chosen format."""
    from toolkit.send.report import to_json, to_junit

    out = stdout()
    if fmt == "json":
        import orjson

        report = to_json(url, outcomes, transport)
        out.out(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        return
    if fmt == "junit":
        out.out(to_junit(url, outcomes, transport), end="")
        return
    _print_text(url, outcomes, transport)


def _print_text(url: str, outcomes: list[Outcome], transport: Transport | None) -> None:
    from toolkit.send.delivery import iter_problems, summarise

    out = stdout()
    s = summarise(outcomes)
    table = Table(title=f"Deliveries to {url}")
    columns = ["event", "sent", "ok", "failures", "warnings"] + (["not reached"] * bool(s.errors))
    for col in columns:
        table.add_column(col, justify="left" if col == "event" else "right", no_wrap=True)
    events: dict[str, list[Outcome]] = {}
    for o in outcomes:
        events.setdefault(o.delivery.event, []).append(o)
    for event, items in events.items():
        verdicts = [o.verdict for o in items]
        fails, warns, errors = (verdicts.count(v) for v in ("fail", "warn", "error"))
        cells = [
            Text(str(fails), style="red" if fails else ""),
            Text(str(warns), style="yellow" if warns else ""),
            Text(str(errors), style="red" if errors else ""),
        ]
        table.add_row(event, str(len(items)), str(verdicts.count("ok")), *cells[: len(columns) - 3])
    out.print(table)
    problems = list(iter_problems(outcomes))
    unanswered: dict[tuple[str, str], list[Outcome]] = {}
    for o in problems:
        if o.status is None:  # one line per kind of failure, not one per delivery
            unanswered.setdefault((o.verdict, o.error or "no answer"), []).append(o)
    for (verdict, error), items in unanswered.items():
        named = ", ".join(f"{o.delivery.event} {o.delivery.label}" for o in items[:3])
        more = f" and {len(items) - 3} more" if len(items) > 3 else ""
        count = f"{len(items)} deliver{'y' if len(items) == 1 else 'ies'}"
        out.print(styled(TAGS[verdict], f" {count}: {error} ({named}{more})"))
        if verdict == "fail":  # the first of them, to repeat by hand
            _reproduce(items[0], transport)
    for o in problems:
        if o.status is None:
            continue
        d = o.delivery
        line = f" {d.event} {d.label}: {o.reason}"
        if d.violates is not None:
            line += f" — breaks [{d.violates.rule or d.violates.keyword}] at {d.violates.path}"
        out.print(styled(TAGS[o.verdict], line))
        if o.verdict == "fail":
            _reproduce(o, transport)
    counts = f"{s.sent} sent: {s.ok} ok, {s.failures} failures, {s.warnings} warnings"
    if s.errors:
        counts += f", {s.errors} could not reach the consumer"
    lat = s.latency_ms
    if s.answered:
        latency = (
            f"Latency ms over {s.answered} answers: p50 {lat['p50']}, p90 {lat['p90']}, "
            f"p99 {lat['p99']}, max {lat['max']}."
        )
    else:
        latency = "No answers, so no latency."
    out.print(f"{counts}. {latency}")


def _reproduce(outcome: Outcome, transport: Transport | None) -> None:
    """The body and a curl command that repeats the delivery, as plain text (never markup)."""
    from toolkit.send.curl import reproduce

    body = outcome.delivery.body
    out = stdout()
    out.out("  body: " + body.decode("ascii", errors="backslashreplace"))
    out.out("  reproduce: " + reproduce(outcome.url, body, transport))


TAGS = {"error": ("ERROR", "bold red"), "fail": ("FAIL", "red"), "warn": ("WARN", "yellow")}
