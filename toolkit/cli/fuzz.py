"""`quay-contract fuzz`: generated payloads as NDJSON, deterministic for a seed."""

from __future__ import annotations

import click

from toolkit.cli._events import event_options, selected_events
from toolkit.cli._versions import checked, quay_version_option, sent_by
from toolkit.cli.exits import EXIT_CODES_HELP


@click.command("fuzz", epilog=EXIT_CODES_HELP)
@event_options
@click.option(
    "-n", "count", type=click.IntRange(min=0), default=10, show_default=True, help="Per event."
)
@click.option("--seed", default="0", show_default=True, help="Same seed, same output.")
@click.option(
    "--invalid",
    is_flag=True,
    help='Payloads that break exactly one rule; each line gets "violates": {keyword, path}.',
)
@click.option(
    "--test-notification", is_flag=True, help='Bodies of Quay\'s "Test Notification" button.'
)
@quay_version_option
def fuzz_command(
    events: tuple[str, ...], all_events: bool, count: int, seed: str, invalid: bool,
    test_notification: bool, quay_version: str | None,
) -> None:  # fmt: skip
    """Write generated payloads to stdout, one {"event", "payload"} JSON object per line.

    With --quay-version, the payloads are drawn from the contract narrowed to that release
    (and --invalid breaks its rules, `version-unsent` and `version-missing` included); events
    that release never sends are left out, with a note on stderr.
    """
    import orjson

    from toolkit.fuzz.corpus import iter_samples

    if invalid and test_notification:
        raise click.UsageError("--invalid and --test-notification cannot be combined")
    names = selected_events(events, all_events)
    version = checked(quay_version)
    if version is not None:
        names = sent_by(names, version, test_notification=test_notification)
    for sample in iter_samples(
        names, count, seed, invalid=invalid, test_notification=test_notification,
        quay_version=version,
    ):  # fmt: skip
        click.echo(orjson.dumps(sample.as_dict()))
