"""`quay-contract validate PATH...`: check captured webhook payloads against the contract."""

from __future__ import annotations

import sys

import click

from toolkit.cli._app import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE
from toolkit.cli._events import known_events
from toolkit.cli._options import max_body_option, note_skipped, selection_options
from toolkit.cli._versions import checked, quay_version_option

INPUT_FORMATS = ("json", "ndjson", "har", "http", "envelope")
OUTPUT_FORMATS = ("text", "json", "junit", "github", "sarif")

HELP_EPILOG = (
    "PATH is a file, a directory (walked recursively), a glob, or - for stdin. Inputs are "
    "recognised by extension and content: JSON (one payload or an array), NDJSON / JSON Lines, "
    "HAR, raw HTTP request dumps (chunked, gzip), capture envelopes and `fuzz` output. A walked "
    "file is read when its name or first bytes say it is an input (see --include); a named "
    "file always is.\n\n"
    "Exit codes: 0 every payload valid; 1 findings (an invalid payload); 2 usage error; "
    "3 some input could not be checked (unreadable, not JSON, over a limit, unknown event) or "
    "no input was found, and nothing was invalid; 4 internal error; 130 interrupted; 141 the "
    "output pipe was closed (e.g. | head), silently.\n\n"
    "Every verdict carries a version fingerprint: the Quay releases that could have sent the "
    "payload; the summary sums them. An unknown --quay-version exits 3, as an unknown event."
)


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
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: every core).",
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
    jobs: int | None,
) -> None:
    """Check webhook payloads against the contract: which event, valid or not, and why."""
    from toolkit.cli.reporters import KEEPS_ALL, make
    from toolkit.inputs.paths import Selection
    from toolkit.validation.batch import Options
    from toolkit.validation.runner import run
    from toolkit.validation.summary import Summary

    options = Options(
        event=event,
        strict=strict,
        allow_comments=allow_comments,
        input_format=input_format,
        keep_all=fmt in KEEPS_ALL or verbose,
        max_body=max_body,
        quay_version=checked(quay_version),
    )
    reporter = make(fmt, sys.stdout, verbose=verbose, quiet=quiet)
    summary = Summary()
    selection = Selection(include, exclude)
    progress = _progress() if fmt == "text" else None
    try:
        for batch in run(paths, options, jobs, selection):
            for verdict in batch.verdicts:
                reporter.verdict(verdict)
            summary.add(batch)
            if progress is not None:
                progress.update(summary.total)
    finally:
        if progress is not None:
            progress.stop()
    note_skipped(selection.skipped)
    reporter.finish(summary)
    code = {"pass": EXIT_OK, "fail": EXIT_FINDINGS, "error": EXIT_UNREADABLE}[summary.status]
    ctx.exit(code)


class _Progress:
    """A transient payload counter on stderr, shown only on a terminal for long runs."""

    def __init__(self) -> None:
        import time

        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from toolkit.cli._render import stderr

        self._start = time.monotonic()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed:,} payloads checked"),
            TimeElapsedColumn(),
            console=stderr(),
            transient=True,
        )
        self._task = self._progress.add_task("validate", total=None)
        self._shown = False

    def update(self, total: int) -> None:
        import time

        if not self._shown and time.monotonic() - self._start > 0.5:
            self._progress.start()
            self._shown = True
        self._progress.update(self._task, completed=total)

    def stop(self) -> None:
        if self._shown:
            self._progress.stop()


def _progress() -> _Progress | None:
    return _Progress() if sys.stderr.isatty() else None
