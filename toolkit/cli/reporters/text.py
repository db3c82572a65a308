"""`--format text`: problems as they come, then a per-event summary table (rich; NO_COLOR)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from toolkit.cli._render import stdout, styled
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict

SHARED = "only the webhook URL that received it can tell which"


class TextReporter:
    """Failures and unreadable inputs with their best-match finding (all with -v)."""

    def __init__(self, *, verbose: bool = False, quiet: bool = False) -> None:
        self._out = stdout()
        self._verbose = verbose
        self._quiet = quiet

    def verdict(self, v: Verdict) -> None:
        if self._quiet:
            return
        out = self._out
        where = v.where
        if v.status == "error":
            out.print(styled(("ERROR", "bold red"), f" {where}: {v.problem or ''}"))
        elif v.status == "fail":
            label = (
                v.event
                or " | ".join(v.candidates)
                or (f"closest: {v.closest}" if v.closest else "no event")
            )
            if v.test_notification:
                label += ", test notification"
            fits = f"; fits {v.releases}" if v.releases is not None else ""
            out.print(styled(("FAIL", "bold red"), f"  {where} ", (f"({label}{fits})", "dim")))
            findings = v.errors if self._verbose else v.errors[:1]
            for f in findings:
                pos = (f" line {f.line}:{f.column}", "dim") if f.line else ""
                out.print(
                    styled(f"      {f.path} ", (f"[{f.label}]", "yellow"), f" {f.message}", pos)
                )
            hidden = len(v.errors) - len(findings)
            if hidden:
                out.print(styled(("      … " + f"{hidden} more (-v shows all)", "dim")))
        elif v.test_notification:
            about = f"Quay test notification for {' | '.join(v.candidates)}{_fits(v)}"
            out.print(styled(("TEST", "cyan"), f"  {where} ", (about, "dim")))
        elif self._verbose:
            if len(v.candidates) > 1:
                events = " | ".join(v.candidates)
                shared = (f"(shared shape: {SHARED}){_fits(v)}", "dim")
                out.print(styled(("PASS", "green"), f"  {where} {events} ", shared))
            else:
                out.print(
                    styled(("PASS", "green"), f"  {where} {v.event or ''}", (_fits(v), "dim"))
                )
        for note in v.notes:
            out.print(styled(("NOTE", "magenta"), f"  {where}: {note}"))

    def _releases(self, summary: Summary) -> None:
        """The fingerprints summed: which Quay releases could have sent the payloads."""
        rows = summary.release_rows()
        if not rows:
            return
        table = Table(title="Payloads by the Quay releases that could have sent them")
        table.title_justify = "left"
        table.add_column("Quay releases (fingerprint)")
        table.add_column("payloads", justify="right")
        table.add_column("of them test notifications", justify="right")
        for row in rows:
            table.add_row(str(row.releases), str(row.payloads), str(row.test_notifications))
        self._out.print(table)
        common = summary.common
        if common is not None:
            line = (
                f"Every production payload could come from the same release: {common}."
                if common
                else "No single Quay release could have sent every production payload."
            )
            self._out.print(styled((line, "dim")))

    def finish(self, summary: Summary) -> None:
        out = self._out
        rows = summary.ordered_rows()
        if rows and not self._quiet:
            table = Table(title="Payloads by event", title_justify="left")
            table.add_column("event (several = one shared shape)")
            table.add_column("valid", justify="right")
            table.add_column("test notifications", justify="right")
            table.add_column("invalid", justify="right")
            for row in rows:
                bad = Text(str(row.invalid), style="red" if row.invalid else "")
                table.add_row(
                    " | ".join(row.label) or "(none fits)",
                    str(row.valid),
                    str(row.test_notifications),
                    bad,
                )
            out.print(table)
            if any(len(r.label) > 1 for r in rows):
                shared = f"Rows naming several events share one payload shape: {SHARED}."
                out.print(styled((shared, "dim")))
        if not self._quiet:
            self._releases(summary)
        colour = {"pass": "green", "fail": "red", "error": "yellow"}[summary.status]
        out.print(styled((summary_line(summary), colour)))


def summary_line(summary: Summary) -> str:
    """`N payload(s): V valid, T test notification(s), I invalid, U unreadable.`, counted as the
    table's columns are: a valid test-notification body is counted apart from valid payloads."""
    return (
        f"{summary.total} payload(s): {summary.valid - summary.test_notifications} valid, "
        f"{summary.test_notifications} test notification(s), {summary.invalid} invalid, "
        f"{summary.unreadable} unreadable."
    )


def _fits(v: Verdict) -> str:
    return f" · {v.releases}" if v.releases is not None else ""
