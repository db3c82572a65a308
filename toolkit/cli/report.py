"""`quay-contract report`: the drift radar over recorded captures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import click
import orjson

from toolkit.cli._options import max_body_option, selection_options
from toolkit.cli._versions import checked, quay_version_option
from toolkit.cli.checking import note_skipped
from toolkit.cli.exits import EXIT_CODES_HELP, EXIT_FINDINGS


@click.command("report", epilog=EXIT_CODES_HELP)
@click.argument("captures", nargs=-1, required=True, metavar="CAPTURES...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--min-samples",
    default=10,
    show_default=True,
    help="Captures needed before an optional field that is always present is reported.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (undeclared, always present).")
@click.option(
    "--body-column",
    default="body",
    show_default=True,
    metavar="NAME",
    help="Parquet/Arrow: the column holding each payload's JSON text.",
)
@max_body_option()
@selection_options
@quay_version_option
@click.pass_context
def report_command(
    ctx: click.Context,
    captures: tuple[str, ...],
    fmt: str,
    min_samples: int,
    strict: bool,
    body_column: str,
    max_body: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    quay_version: str | None,
) -> None:
    """The drift radar: per-field statistics over captures, compared with the schema.

    Per event and field: seen count, presence and null rates, types and enum values. Reads
    capture files (or any input `validate` reads: compressed, Parquet, URLs such as
    s3://bucket/captures/), or directories of them; a torn last line left by a crash is
    reported and skipped.

    Exits 1 on drift that breaks the contract: required fields missing, nulls or types the
    schema forbids, enum values outside the schema, and (with --quay-version) fields or events
    that release never sends. Sums the captures' version fingerprints: which Quay releases could
    have sent them.
    """
    from collections import Counter

    from toolkit.capture.drift import analyse, render
    from toolkit.cli._named import check_named
    from toolkit.inputs import Selection, read_paths

    quay_version = checked(quay_version)
    check_named(captures)
    problems: Counter[str] = Counter()
    selection = Selection(include, exclude)

    def samples() -> Iterator[tuple[Any, str | None]]:
        """(payload, event) pairs, one at a time: a payload is dropped once it is counted."""
        for record in read_paths(
            captures, max_body=max_body, selection=selection, body_column=body_column
        ):
            if record.problem is not None:
                click.echo(f"skipped: {record.where}: {record.problem}", err=True)
                problems["unreadable"] += 1
            else:
                yield record.payload, record.event

    result = analyse(samples(), min_samples=min_samples, quay_version=quay_version)
    note_skipped(selection.skipped)
    result.captures += sum(problems.values())
    result.skipped.update(problems)
    if fmt == "json":
        sys.stdout.write(orjson.dumps(render.as_dict(result), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render.text(result) if fmt == "text" else render.markdown(result))
    if result.matters or (strict and result.issues):
        ctx.exit(EXIT_FINDINGS)
