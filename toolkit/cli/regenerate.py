"""`quay-contract regenerate [--check]`."""

from __future__ import annotations

import click

from toolkit.cli._render import print_drift
from toolkit.cli.exits import EXIT_CODES_HELP, EXIT_FINDINGS, InputError


@click.command("regenerate", epilog=EXIT_CODES_HELP)
@click.option(
    "--check", is_flag=True, help="Write nothing; print a diff and exit 1 if anything is stale."
)
@click.pass_context
def regenerate_command(ctx: click.Context, check: bool) -> None:
    """Rebuild every file derived from schemas/ (models, docs pages)."""
    from toolkit.modelgen import UnportablePatternError
    from toolkit.regenerate import NotACheckoutError, regenerate

    try:
        drift = regenerate(check=check)
    except (NotACheckoutError, UnportablePatternError) as exc:  # nothing to build from: exit 3
        raise InputError(str(exc)) from None
    print_drift(drift, check=check)
    if check and drift.stale:
        ctx.exit(EXIT_FINDINGS)
