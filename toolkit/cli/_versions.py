"""The `--quay-version X.Y[.Z]` option shared by validate, listen, report, send and fuzz."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

HELP = (
    "Check against what this Quay release sends (X.Y.Z), or any patch release of X.Y: fields "
    "it never sends are findings (version-unsent), fields it always sends are required "
    "(version-missing)."
)


def quay_version_option(func: F) -> F:
    """Add `--quay-version X.Y[.Z]`."""
    return click.option("--quay-version", "quay_version", metavar="X.Y[.Z]", help=HELP)(func)


def checked(text: str | None) -> str | None:
    """`text` if it names known releases; raises UnknownReleaseError (a LookupError: exit 3,
    as an unknown `--event` does). For X.Y, says on stderr which releases it stands for."""
    if text is None:
        return None
    from toolkit.contract.releases import parse_release

    releases = parse_release(text)
    if len(releases) > 1:
        click.echo(
            f"note: --quay-version {text} means any of {releases.describe()}: a payload passes "
            "if one of them could have sent it (give X.Y.Z for one release)",
            err=True,
        )
    return text


def sent_by(
    events: tuple[str, ...], text: str, *, test_notification: bool = False
) -> tuple[str, ...]:
    """The events (or their test notifications) a release `text` names sends; the others are
    named on stderr. A usage error when none is left."""
    from toolkit.fuzz.corpus import eras_sending

    kept = tuple(e for e in events if eras_sending(e, text, test_notification=test_notification))
    left_out = [e for e in events if e not in kept]
    what = "test notifications for " if test_notification else ""
    if left_out:
        click.echo(f"note: Quay {text} sends no {what}{', '.join(left_out)}: left out", err=True)
    if not kept:
        raise click.UsageError(f"Quay {text} sends none of the events asked for")
    return kept
