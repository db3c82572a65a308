"""`quay-contract examples`: validate every bundled example and test-notification sample."""

from __future__ import annotations

import click

from toolkit.cli._render import print_example_summary
from toolkit.cli.exits import EXIT_CODES_HELP, EXIT_FINDINGS


@click.command("examples", epilog=EXIT_CODES_HELP)
@click.pass_context
def examples_command(ctx: click.Context) -> None:
    """Check every schema example and test-notification sample; print a per-event summary."""
    from toolkit.validation.selfcheck import check_examples

    rows = check_examples()
    print_example_summary(rows)
    if any(row.failures for row in rows):
        ctx.exit(EXIT_FINDINGS)
