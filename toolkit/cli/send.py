"""`quay-contract send URL`: deliver Quay-style webhooks to a consumer and judge its answers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli._events import event_options
from toolkit.cli._versions import checked, quay_version_option, sent_by
from toolkit.cli.exits import EXIT_FINDINGS, EXIT_UNREADABLE, InputError
from toolkit.send.delivery import KINDS

if TYPE_CHECKING:
    from toolkit.send.delivery import Delivery

SEND_EXIT_CODES = (
    "Exit codes: 0 every delivery answered as the response policy expects; 1 findings (a "
    "consumer bug, or a warning with --strict); 2 usage error; 3 the consumer could not be "
    "reached for some delivery (connection refused, unknown host, TLS handshake failed) and "
    "nothing else failed, or a --payload file could not be read or sent; 4 internal error; "
    "130 interrupted."
)


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
@click.option(
    "--payload", "payloads", multiple=True, metavar="FILE",
    help="Deliver only the bodies in FILE (JSON, NDJSON, HAR, HTTP dump, capture; repeatable).",
)  # fmt: skip
@click.option(
    "--reject-invalid", is_flag=True,
    help="Hold the consumer to rejecting (4xx) bodies that break the contract, instead of the "
    "default policy of acknowledging them (2xx).",
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
@click.option("--strict", is_flag=True, help="Count warnings as failures.")
@quay_version_option
@click.pass_context
def send_command(
    ctx: click.Context, url: str, events: tuple[str, ...], all_events: bool, count: int,
    seed: str, kinds: tuple[str, ...], payloads: tuple[str, ...], reject_invalid: bool,
    concurrency: int, rate: float | None, timeout: float, cert: Path | None, key: Path | None,
    cacert: Path | None, fmt: str, strict: bool, quay_version: str | None,
) -> None:  # fmt: skip
    """POST payloads to URL the way Quay does; `{event}` in URL is replaced by the event.

    Sends, per event: the documented examples, the test-notification bodies, the corpus of
    bodies that broke real consumers, N fuzzed valid and N fuzzed invalid payloads; or, with
    --payload, only the bodies in those files. A body Quay sends that is answered with non-2xx,
    no complete answer within --timeout or a dropped connection, and a body breaking the
    contract that crashes the consumer (5xx, timeout), are failures (exit 1), each shown with a
    curl command that repeats it. By the default response policy a body breaking the contract is
    acknowledged (2xx); a 4xx to it is a warning (with --reject-invalid, a 2xx is). --strict
    makes warnings failures. A consumer that cannot be reached at all (refused, unknown host,
    TLS) is reported once per kind of failure, and the run exits 3: nothing about it was checked.

    With --quay-version, only what that release sends: the examples, test notifications and
    corpus bodies it could send, payloads fuzzed from the contract narrowed to it, and events it
    never sends left out.
    """
    from toolkit.cli._render_send import print_send
    from toolkit.send.delivery import Transport, deliver, plan, summarise
    from toolkit.validation.policy import ResponsePolicy

    if not url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http:// or https:// URL", param_hint="URL")
    if key is not None and cert is None:
        raise click.UsageError("--key needs --cert")
    client_cert = (str(cert), str(key)) if cert and key else str(cert) if cert else None
    transport = Transport(timeout, client_cert, str(cacert) if cacert else True)
    policy = ResponsePolicy(invalid="reject" if reject_invalid else "acknowledge")
    if payloads:
        if quay_version is not None:
            raise click.UsageError("--payload takes no --quay-version")
        deliveries = _payload_deliveries(url, payloads, events, all_events, kinds)
    else:
        from toolkit.cli._events import selected_events

        names = selected_events(events, all_events)
        version = checked(quay_version)
        if version is not None:
            names = sent_by(names, version)
        deliveries = plan(names, count, seed, kinds=kinds or KINDS, quay_version=version)
    outcomes = deliver(
        url, deliveries, transport=transport, concurrency=concurrency, rate=rate, policy=policy
    )
    print_send(url, outcomes, fmt, transport)
    summary = summarise(outcomes)
    if summary.failures or (strict and summary.warnings):
        ctx.exit(EXIT_FINDINGS)
    if summary.errors:
        ctx.exit(EXIT_UNREADABLE)


def _payload_deliveries(
    url: str,
    payloads: tuple[str, ...],
    events: tuple[str, ...],
    all_events: bool,
    kinds: tuple[str, ...],
) -> list[Delivery]:
    from toolkit.send.payload import deliveries

    if all_events or len(events) > 1 or kinds:
        raise click.UsageError("--payload takes at most one --event, and no --all or --kind")
    event = events[0] if events else None
    found, problems = deliveries(payloads, event, needs_event="{event}" in url)
    if problems:
        raise InputError("; ".join(f"{p.where}: {p.message}" for p in problems))
    if not found:
        raise InputError(f"no body found in {', '.join(payloads)}")
    return found
