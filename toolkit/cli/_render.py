"""The only place that prints results: rich on a terminal, plain otherwise; NO_COLOR honoured.

Nothing printed is ever read as rich markup or emoji codes: the consoles are made with both
off, and styling is given as data (`styled`), never as `[red]...[/]` inside a string. Schema
keywords, payload values, file names and URLs therefore print exactly as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from toolkit.diff.classify import DiffResult
    from toolkit.regenerate import Drift
    from toolkit.validation.selfcheck import ExampleRow

Part = str | tuple[str, str]
"""Plain text, or (text, rich style) such as `("FAIL", "bold red")`."""


class _Console(Console):
    """rich's Console, whose closed pipe ends the run like any other (`_app`: quietly, 141)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def stdout() -> Console:
    """A console for results."""
    return _Console(highlight=False, soft_wrap=True, markup=False, emoji=False)


def stderr() -> Console:
    """A console for diagnostics."""
    return _Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def styled(*parts: Part) -> Text:
    """One line from plain strings and (string, style) pairs; nothing in it is read as markup."""
    return Text.assemble(*parts)


def print_drift(drift: Drift, *, check: bool) -> None:
    """Report what regenerate changed, or (check mode) what is stale."""
    err = stderr()
    if not drift.stale:
        err.print("All derived files are up to date.")
        return
    if check:
        stdout().out(drift.diff, end="")
        err.print(
            styled(
                ("Stale:", "red"),
                f" {len(drift.changed)} changed, {len(drift.removed)} to delete. "
                "Run `quay-contract regenerate`.",
            )
        )
    else:
        err.print(f"Wrote {len(drift.changed)} file(s), deleted {len(drift.removed)}.")


def print_example_summary(rows: list[ExampleRow]) -> None:
    """A per-event table of bundled examples and test-notification samples."""
    out = stdout()
    table = Table(title="Bundled examples against the contract")
    longest = max(len(r.event) for r in rows)
    # Event names never break: the name columns keep room for the longest, and the other
    # columns' headers wrap between words instead (the table fits 80 columns).
    table.add_column("event", no_wrap=True, min_width=longest)
    table.add_column("examples valid", max_width=8)
    table.add_column("test bodies ok", max_width=8)
    table.add_column("shares its shape with", min_width=longest)
    for row in rows:
        ok = "green" if row.valid == row.examples else "red"
        tn = "green" if row.test_recognised == row.test_samples else "red"
        table.add_row(
            row.event,
            Text(f"{row.valid}/{row.examples}", style=ok),
            Text(f"{row.test_recognised}/{row.test_samples}", style=tn),
            ", ".join(row.shares_shape_with) or "—",
        )
    out.print(table)
    for row in rows:
        for label, report in row.failures:
            for f in report.errors[:1] or ():
                where = f" {row.event} {label}: {f.path} [{f.keyword}] {f.message}"
                out.print(styled(("FAIL", "red"), where))
            if not report.errors:
                out.print(
                    styled(("FAIL", "red"), f" {row.event} {label}: not recognised as expected")
                )
    total = sum(r.examples + r.test_samples for r in rows)
    bad = sum(len(r.failures) for r in rows)
    out.print(f"{total - bad} of {total} samples behave as the contract says.")


def print_diff(result: DiffResult, fmt: str) -> None:
    """A diff report on stdout; disagreements (and, for machine formats, the summary) on stderr."""
    from toolkit.diff import report as diff_report

    stdout().out(diff_report.RENDER[fmt](result), end="")
    err = stderr()
    for line in result.disagreements:
        err.print(styled(("DISAGREEMENT", "bold red"), f" replay contradicts the rules: {line}"))
    if fmt != "text":
        err.print(diff_report.summary(result))
