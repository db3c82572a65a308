"""`quay-contract send URL`: deliver Quay-style webhooks to a consumer and judge its answers."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._app import EXIT_FINDINGS, EXIT_UNREADABLE
from toolkit.cli._events import event_options, selected_events
from toolkit.cli._versions import checked, quay_version_option, sent_by

SEND_EXIT_CODES = (
    "Exit codes: 0 every delivery answered as the contract expects; 1 findings (a consumer "
    "bug, or a lenient acceptance with --strict); 2 usage error; 3 the consumer could not be "
    "reached for some delivery (connection refused, unknown host, TLS handshake failed) and "
    "nothing else failed; 4 internal error; 130 interrupted."
)
KINDS = ("example", "test_notification", "valid", "invalid")


@click.command("send", epilog=SEND_EXIT_CODES)
@click.argument("url")
@event_options
@click.option(
    "-n", "count", type=click.IntRange(min=0), default=10, show_default=True,
    help="Fuzzed valid and fuzzed invalid payloads per event.",
)  # fmt: skip
@click.option("--seed", default="0", show_default=True, help="Seed of the fuzzed payloads.")
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(KINDS),
    help="Only these kinds of payload (repeatable; default all).",
)  # fmt: skip
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), help="Max requests/s.")
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
    help="Seconds for each whole delivery: connect, TLS, redirects, headers and body "
    "(a total deadline; Quay's NOTIFICATION_SEND_TIMEOUT applies per socket read).",
)  # fmt: skip
@click.option(
    "--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Client certificate (PEM) to present, as Quay presents its own.",
)  # fmt: skip
@click.option(
    "--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Private key of --cert, if not in the same file.",
)  # fmt: skip
@click.option(
    "--cacert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CA bundle to verify the endpoint with (default: the certifi bundle, as Quay).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
    show_default=True,
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Count accepted invalid payloads as failures.")
@quay_version_option
@click.pass_context
def send_command(
    ctx: click.Context, url: str, events: tuple[str, ...], all_events: bool, count: int,
    seed: str, kinds: tuple[str, ...], concurrency: int, rate: float | None, timeout: float,
    cert: Path | None, key: Path | None, cacert: Path | None, fmt: str, strict: bool,
    quay_version: str | None,
) -> None:  # fmt: skip
    """POST payloads to URL the way Quay does; `{event}` in URL is replaced by the event.

    Sends, per event: the documented examples, the test-notification bodies, N fuzzed valid and
    N fuzzed invalid payloads. Valid ones answered with non-2xx, no complete answer within
    --timeout or a dropped connection, and invalid ones that crash the consumer (5xx, timeout),
    are failures (exit 1); invalid ones accepted with 2xx are warnings (failures with --strict).
    A consumer that cannot be reached at all (refused, unknown host, TLS) is reported once per
    kind of failure, and the run exits 3: nothing about the consumer was checked.

    With --quay-version, only what that release sends: the examples and test notifications it
    could send, payloads fuzzed from the contract narrowed to it, and events it never sends left
    out.
    """
    from toolkit.cli._render_send import print_send
    from toolkit.send.delivery import Transport, deliver, plan, summarise

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http:// or https:// URL", param_hint="URL")
    if key is not None and cert is None:
        raise click.UsageError("--key needs --cert")
    names = selected_events(events, all_events)
    version = checked(quay_version)
    if version is not None:
        names = sent_by(names, version)
    client_cert = (str(cert), str(key)) if cert and key else str(cert) if cert else None
    transport = Transport(timeout, client_cert, str(cacert) if cacert else True)
    deliveries = plan(names, count, seed, kinds=kinds or KINDS, quay_version=version)
    outcomes = deliver(url, deliveries, transport=transport, concurrency=concurrency, rate=rate)
    print_send(url, outcomes, fmt)
    summary = summarise(outcomes)
    if summary.failures or (strict and summary.warnings):
        ctx.exit(EXIT_FINDINGS)
    if summary.errors:
        ctx.exit(EXIT_UNREADABLE)
