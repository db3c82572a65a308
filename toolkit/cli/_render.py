"""The only place that prints results: rich on a terminal, plain otherwise; NO_COLOR honoured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from toolkit.regenerate import Drift
    from toolkit.validation.selfcheck import ExampleRow


class _Console(Console):
    """rich's Console, whose closed pipe ends the run like any other (`_app`: quietly, 141)."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def stdout() -> Console:
    """A console for results."""
    return _Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    """A console for diagnostics."""
    return _Console(stderr=True, highlight=False, soft_wrap=True)


def print_drift(drift: Drift, *, check: bool) -> None:
    """Report what regenerate changed, or (check mode) what is stale."""
    err = stderr()
    if not drift.stale:
        err.print("All derived files are up to date.")
        return
    if check:
        stdout().out(drift.diff, end="")
        err.print(
            f"[red]Stale:[/] {len(drift.changed)} changed, {len(drift.removed)} to delete. "
            "Run `quay-contract regenerate`."
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
            f"[{ok}]{row.valid}/{row.examples}[/]",
            f"[{tn}]{row.test_recognised}/{row.test_samples}[/]",
            ", ".join(row.shares_shape_with) or "—",
        )
    out.print(table)
    for row in rows:
        for label, report in row.failures:
            for f in report.errors[:1] or ():
                out.print(f"[red]FAIL[/] {row.event} {label}: {f.path} [{f.keyword}] {f.message}")
            if not report.errors:
                out.print(f"[red]FAIL[/] {row.event} {label}: not recognised as expected")
    total = sum(r.examples + r.test_samples for r in rows)
    bad = sum(len(r.failures) for r in rows)
    out.print(f"{total - bad} of {total} samples behave as the contract says.")
