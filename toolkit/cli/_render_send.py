"""How `send` results are printed: text (rich), json or junit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from toolkit.cli._render import stdout, styled

if TYPE_CHECKING:
    from toolkit.send.delivery import Outcome


def print_send(url: str, outcomes: list[Outcome], fmt: str) -> None:
    """Print a send run in the chosen format."""
    from toolkit.send.report import to_json, to_junit

    out = stdout()
    if fmt == "json":
        import orjson

        out.out(orjson.dumps(to_json(url, outcomes), option=orjson.OPT_INDENT_2).decode())
        return
    if fmt == "junit":
        out.out(to_junit(url, outcomes), end="")
        return
    _print_text(url, outcomes)


def _print_text(url: str, outcomes: list[Outcome]) -> None:
    from toolkit.send.delivery import iter_problems, summarise

    out = stdout()
    table = Table(title=f"Deliveries to {url}")
    for col in ("event", "sent", "ok", "failures", "warnings"):
        table.add_column(col, justify="left" if col == "event" else "right", no_wrap=True)
    events: dict[str, list[Outcome]] = {}
    for o in outcomes:
        events.setdefault(o.delivery.event, []).append(o)
    for event, items in events.items():
        verdicts = [o.verdict for o in items]
        fails, warns = verdicts.count("fail"), verdicts.count("warn")
        table.add_row(
            event,
            str(len(items)),
            str(verdicts.count("ok")),
            Text(str(fails), style="red" if fails else ""),
            Text(str(warns), style="yellow" if warns else ""),
        )
    out.print(table)
    for o in iter_problems(outcomes):
        tag = ("FAIL", "red") if o.verdict == "fail" else ("WARN", "yellow")
        d = o.delivery
        line = f" {d.event} {d.label}: {o.reason}"
        if d.violates is not None:
            line += f" — breaks [{d.violates.keyword}] at {d.violates.path}"
        out.print(styled(tag, line))
    s = summarise(outcomes)
    lat = s.latency_ms
    out.print(
        f"{s.sent} sent: {s.ok} ok, {s.failures} failures, {s.warnings} warnings. "
        f"Latency ms p50 {lat['p50']}, p90 {lat['p90']}, p99 {lat['p99']}, max {lat['max']}."
    )
