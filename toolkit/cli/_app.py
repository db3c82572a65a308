"""The root command group, and the one place that maps failures to exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from toolkit import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 all passed; 1 findings; 2 usage error; 3 input could not be checked "
    "(unreadable file, unknown event); 4 internal error; 130 interrupted."
)


class InputError(Exception):
    """Input that could not be checked at all (exit 3)."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (InputError, LookupError, OSError) as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_UNREADABLE)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("traceback"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} (run with --traceback)", err=True
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="quay-contract")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, traceback: bool) -> None:
    """Contracts for Quay notification webhooks: validate, fuzz, diff and document them."""
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback


def run() -> None:
    """Entry point for `python -m toolkit`."""
    sys.exit(main(prog_name="quay-contract"))
