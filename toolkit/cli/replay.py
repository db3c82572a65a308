"""`quay-contract replay`: resend recorded deliveries to another endpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from toolkit.cli._events import known_events
from toolkit.cli.exits import EXIT_FINDINGS, EXIT_UNREADABLE

REPLAY_EXIT_CODES = (
    "Exit codes: 0 every capture replayed and answered 2xx; 1 some request got no 2xx answer "
    "(an error, a 4xx/5xx, or a redirect not followed); 2 usage error; 3 some capture could "
    "not be replayed (unreadable, not a valid envelope or HTTP request, a method not allowed) "
    "and no request failed; 4 internal error; 130 interrupted."
)


@click.command("replay", epilog=REPLAY_EXIT_CODES)
@click.argument("captures", nargs=-1, required=True, metavar="CAPTURES...")
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
@click.option(
    "--allow-method",
    "methods",
    multiple=True,
    metavar="METHOD",
    help="Also replay captures recorded with METHOD (repeatable); Quay only POSTs, so by "
    "default captures with any other method are skipped.",
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
    captures: tuple[str, ...],
    to: str,
    keep_path: bool,
    events: tuple[str, ...],
    methods: tuple[str, ...],
    concurrency: int,
    timeout: float,
    cacert: Path | None,
) -> None:
    """Resend recorded requests with their original method, headers and body.

    CAPTURES are capture files (compressed or not), directories of them, or URLs (s3://,
    gs://, az://, https://; prefixes and globs too).

    Every capture is checked before anything is sent: one that is not a valid capture envelope
    or HTTP request, or that uses a method other than POST (see --allow-method), is reported
    and skipped. Connection headers, Content-Length and Content-Encoding are recomputed;
    redacted headers are dropped. Redirects are not followed, except a 307/308 to the same
    host; any other redirect is reported as the answer. One line per capture on stdout.
    """
    import ssl

    from toolkit.capture import reader, replay
    from toolkit.capture.checks import QUAY_METHODS
    from toolkit.cli._named import check_named

    check_named(captures)
    records, unreadable = [], 0
    for item in reader.read(captures):
        if isinstance(item, reader.Problem):
            if item.torn:
                click.echo(f"warning: {item.location}: {item.message}", err=True)
            else:
                click.echo(f"{item.location} skipped: {item.message}")
                unreadable += 1
        elif not events or _event(item.record) in events:
            records.append((item.location, item.record))
    allowed = QUAY_METHODS | {m.upper() for m in methods}
    try:
        plan = replay.plan(records, to, keep_path=keep_path, allowed=frozenset(allowed))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    for skipped in plan.skipped:
        click.echo(f"{skipped.label} skipped: {skipped.reason}")

    def report(_index: int, outcome: replay.Outcome) -> None:
        click.echo(f"{outcome.request.label} -> {outcome.request.url} {outcome.answer}")

    context = ssl.create_default_context(cafile=str(cacert)) if cacert else None
    outcomes = asyncio.run(
        replay.send_all(
            plan.requests,
            concurrency=concurrency,
            timeout=timeout,
            ssl_context=context,
            on_outcome=report,
        )
    )
    failed = sum(not o.ok for o in outcomes)
    not_replayed = unreadable + len(plan.skipped)
    summary = f"replayed {len(outcomes)}: {len(outcomes) - failed} ok, {failed} failed"
    if not_replayed:
        summary += f"; {not_replayed} captures not replayed"
    click.echo(summary, err=True)
    if failed:
        ctx.exit(EXIT_FINDINGS)
    if not_replayed:
        ctx.exit(EXIT_UNREADABLE)


def _event(record: dict[str, object]) -> object:
    verdict = record.get("verdict")
    return record.get("event") or (verdict.get("event") if isinstance(verdict, dict) else None)
