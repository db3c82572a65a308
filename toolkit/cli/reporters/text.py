"""`--format text`: problems as they come, then a per-event summary table (rich; NO_COLOR)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from toolkit.cli._render import stdout, styled
from toolkit.cli.reporters.summary_text import SHARED, Line, blocks, summary_line
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict

__all__ = ["TextReporter", "summary_line"]


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

    def finish(self, summary: Summary) -> None:
        """The summary (summary_text.blocks), drawn by rich."""
        for block in blocks(summary, quiet=self._quiet):
            if isinstance(block, Line):
                self._out.print(styled((block.text, block.style)))
                continue
            table = Table(title=block.title, title_justify="left")
            for header, right in zip(block.headers, block.right, strict=True):
                table.add_column(header, justify="right" if right else "left")
            for cells in block.rows:
                table.add_row(*(Text(text, style=style) for text, style in cells))
            self._out.print(table)


def _fits(v: Verdict) -> str:
    return f" · {v.releases}" if v.releases is not None else ""
