"""`quay-contract validate PATH...`: check captured webhook payloads against the contract."""

from __future__ import annotations

from typing import Any, ClassVar

import click

from toolkit.cli._events import known_events
from toolkit.cli._options import max_body_option, selection_options
from toolkit.cli._versions import checked, quay_version_option

INPUT_FORMATS = ("json", "ndjson", "har", "http", "envelope", "parquet", "arrow")
OUTPUT_FORMATS = ("text", "json", "junit", "github", "sarif")

HELP_EPILOG = (
    "PATH is a file, a directory (walked recursively), a glob, - for stdin, or a URL "
    "(s3://, gs://, az://, https://, file://; globs and prefixes too) read through fsspec with "
    "the filesystem's own credentials (extras: s3, gcs, azure, http). Inputs are recognised by "
    "extension and content: JSON (one payload or an array), NDJSON / JSON Lines, HAR, raw HTTP "
    "request dumps (chunked, gzip), capture envelopes, `fuzz` output, and Parquet or Arrow "
    "files with the body in a column (the parquet extra); .gz, .bz2, .xz and .zst (the zstd "
    "extra) files are decompressed. A walked file is read when its name or first bytes say it "
    "is an input (see --include); a named file always is.\n\n"
    "Exit codes: 0 every payload valid; 1 findings (an invalid payload); 2 usage error; "
    "3 some input could not be checked (unreadable, not JSON, over a limit, unknown event) or "
    "no input was found, and nothing was invalid; 4 internal error; 130 interrupted; 141 the "
    "output pipe was closed (e.g. | head), silently.\n\n"
    "Every verdict carries a version fingerprint: the Quay releases that could have sent the "
    "payload; the summary sums them. An unknown --quay-version exits 3, as an unknown event."
)


class ByteSize(click.ParamType):  # type: ignore[type-arg]
    """A size in bytes: 65536, 512KiB, 64MiB, 1GiB (K/M/G and KB/MB/GB are binary too)."""

    name = "size"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        import re

        match = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*", str(value))
        if match is None or int(match[1]) < 1:
            self.fail(f"{value!r} is not a size such as 65536, 512KiB or 64MiB", param, ctx)
        return int(match[1]) * self._UNITS[match[2].lower()]


@click.command("validate", epilog=HELP_EPILOG)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--event",
    "event",
    metavar="NAME",
    callback=known_events,
    help="Pin the event instead of detecting it.",
)
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    help="Force the input format instead of recognising it.",
)
@click.option("--allow-comments", is_flag=True, help="Accept // and /* */ comments in JSON.")
@click.option(
    "--strict", is_flag=True, help="Also fail on undeclared properties (drift) and legacy fields."
)
@quay_version_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@max_body_option()
@selection_options
@click.option("-v", "--verbose", is_flag=True, help="Show every error and every payload.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: print only the summary.")
@click.option(
    "--body-column",
    default="body",
    show_default=True,
    metavar="NAME",
    help="Parquet/Arrow: the column holding each payload's JSON text.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: every core); with --engine dask, the local cluster's.",
)
@click.option(
    "--engine",
    type=click.Choice(("local", "dask")),
    default=None,
    help="local: forked processes on this machine (the default); dask: a Dask cluster "
    "(the dask extra).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: the scheduler of an existing cluster (e.g. tcp://host:8786; "
    "implies --engine dask); without it, a local cluster of --jobs workers.",
)
@click.option(
    "--chunk-size",
    type=ByteSize(),
    default=None,
    metavar="SIZE",
    help="Bytes of NDJSON per task, e.g. 512KiB or 64MiB (default: 4MiB; 64MiB with --engine "
    "dask, where each task is a request to object storage).",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    event: str | None,
    input_format: str | None,
    allow_comments: bool,
    strict: bool,
    quay_version: str | None,
    fmt: str,
    max_body: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    verbose: bool,
    quiet: bool,
    body_column: str,
    jobs: int | None,
    engine: str | None,
    scheduler: str | None,
    chunk_size: int | None,
) -> None:
    """Check webhook payloads against the contract: which event, valid or not, and why."""
    from toolkit.cli.checking import check_inputs
    from toolkit.cli.reporters import KEEPS_ALL
    from toolkit.inputs.paths import Selection
    from toolkit.inputs.storage import is_remote, require
    from toolkit.validation.batch import Options

    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler needs --engine dask")
    dask = engine == "dask" or scheduler is not None
    if dask and "-" in paths:
        raise click.UsageError("--engine dask cannot read stdin: its workers read the inputs")
    for path in paths:
        if is_remote(path):
            require(path)  # before any output: a missing extra is named at once
    options = Options(
        event=event,
        strict=strict,
        allow_comments=allow_comments,
        input_format=input_format,
        keep_all=fmt in KEEPS_ALL or verbose,
        max_body=max_body,
        body_column=body_column,
        quay_version=checked(quay_version),
    )
    code = check_inputs(
        paths,
        options,
        Selection(include, exclude),
        fmt=fmt,
        verbose=verbose,
        quiet=quiet,
        jobs=jobs,
        dask=dask,
        scheduler=scheduler,
        chunk=chunk_size,
    )
    ctx.exit(code)
