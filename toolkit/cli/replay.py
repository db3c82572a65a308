"""`quay-contract replay`: resend recorded deliveries to another endpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from toolkit.cli._app import EXIT_CODES_HELP, EXIT_FINDINGS, InputError
from toolkit.cli._events import known_events


@click.command("replay", epilog=EXIT_CODES_HELP)
@click.argument("captures", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "to", required=True, help="The URL to POST each recorded request to.")
@click.option(
    "--keep-path", is_flag=True, help="Append each recorded path (e.g. /quay/<event>) to --to."
)
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="NAME",
    callback=known_events,
    help="Only captures of this event (repeatable).",
)
@click.option("--concurrency", default=1, show_default=True, help="Requests in flight at once.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per request.")
@click.option(
    "--cacert",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust this CA for an https --to.",
)
@click.pass_context
def replay_command(
    ctx: click.Context,
    captures: tuple[Path, ...],
    to: str,
    keep_path: bool,
    events: tuple[str, ...],
    concurrency: int,
    timeout: float,
    cacert: Path | None,
) -> None:
    """Resend recorded requests with their original method, headers and body.

    Connection headers, Content-Length and Content-Encoding are recomputed; redacted headers
    are dropped. Exits 1 when any request does not get a 2xx answer.
    """
    import ssl

    from toolkit.capture import replay
    from toolkit.cli._captures import load_labelled

    for path in captures:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
    records = [
        (label, record)
        for label, record in load_labelled(captures)
        if not events
        or (record.get("event") or (record.get("verdict") or {}).get("event")) in events
    ]
    try:
        requests = replay.plan(records, to, keep_path=keep_path)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    context = ssl.create_default_context(cafile=str(cacert)) if cacert else None
    outcomes = asyncio.run(
        replay.send_all(requests, concurrency=concurrency, timeout=timeout, ssl_context=context)
    )
    failed = 0
    for outcome in outcomes:
        answer = str(outcome.status) if outcome.status is not None else f"error: {outcome.error}"
        failed += not outcome.ok
        click.echo(f"{outcome.request.label} -> {outcome.request.url} {answer}")
    click.echo(f"replayed {len(outcomes)}: {len(outcomes) - failed} ok, {failed} failed", err=True)
    if failed:
        ctx.exit(EXIT_FINDINGS)
