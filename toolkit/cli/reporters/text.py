"""`--format text`: problems as they come, then a per-event summary table (rich; NO_COLOR).

On output that rich would draw as plain text (summary_text.plain_output: a pipe or a file, no
environment override), a line of printable characters and the summary are written directly,
the very bytes rich would write. rich is imported only for what it must draw: a terminal,
colours, a character or a table the plain drawing is not sure of.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from toolkit.cli.reporters.summary_text import (
    SHARED,
    Line,
    blocks,
    plain,
    plain_output,
    summary_line,
)

if TYPE_CHECKING:
    from toolkit.cli._render import Part
    from toolkit.validation.summary import Summary
    from toolkit.validation.verdict import Verdict

__all__ = ["TextReporter", "summary_line"]


class TextReporter:
    """Failures and unreadable inputs with their best-match finding (all with -v)."""

    def __init__(self, *, verbose: bool = False, quiet: bool = False) -> None:
        self._plain = plain_output(sys.stdout)
        self._console: Any = None
        self._verbose = verbose
        self._quiet = quiet

    @property
    def _out(self) -> Any:
        """rich's console for stdout, made on first use."""
        if self._console is None:
            from toolkit.cli._render import stdout

            self._console = stdout()
        return self._console

    def _print(self, *parts: Part) -> None:
        """One line: written as it is where rich would write it so, else drawn by rich."""
        if self._plain:
            text = "".join(part if isinstance(part, str) else part[0] for part in parts)
            if text.isprintable():
                sys.stdout.write(text + "\n")
                return
        from toolkit.cli._render import styled

        self._out.print(styled(*parts))

    def verdict(self, v: Verdict) -> None:
        if self._quiet:
            return
        where = v.where
        if v.status == "error":
            self._print(("ERROR", "bold red"), f" {where}: {v.problem or ''}")
        elif v.status == "fail":
            label = (
                v.event
                or " | ".join(v.candidates)
                or (f"closest: {v.closest}" if v.closest else "no event")
            )
            if v.test_notification:
                label += ", test notification"
            fits = f"; fits {v.releases}" if v.releases is not None else ""
            self._print(("FAIL", "bold red"), f"  {where} ", (f"({label}{fits})", "dim"))
            findings = v.errors if self._verbose else v.errors[:1]
            for f in findings:
                pos = (f" line {f.line}:{f.column}", "dim") if f.line else ""
                self._print(f"      {f.path} ", (f"[{f.label}]", "yellow"), f" {f.message}", pos)
            hidden = len(v.errors) - len(findings)
            if hidden:
                self._print(("      … " + f"{hidden} more (-v shows all)", "dim"))
        elif v.test_notification:
            about = f"Quay test notification for {' | '.join(v.candidates)}{_fits(v)}"
            self._print(("TEST", "cyan"), f"  {where} ", (about, "dim"))
        elif self._verbose:
            if len(v.candidates) > 1:
                events = " | ".join(v.candidates)
                shared = (f"(shared shape: {SHARED}){_fits(v)}", "dim")
                self._print(("PASS", "green"), f"  {where} {events} ", shared)
            else:
                self._print(("PASS", "green"), f"  {where} {v.event or ''}", (_fits(v), "dim"))
        for note in v.notes:
            self._print(("NOTE", "magenta"), f"  {where}: {note}")

    def finish(self, summary: Summary) -> None:
        """The summary (summary_text.blocks): drawn plainly when it can be, else by rich."""
        drawn = blocks(summary, quiet=self._quiet)
        text = plain(drawn) if self._plain else None
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()  # a closed pipe is found while the command runs, not at exit
            return
        from rich.table import Table
        from rich.text import Text

        from toolkit.cli._render import styled

        for block in drawn:
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
