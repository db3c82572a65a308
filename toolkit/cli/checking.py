"""What `validate` does once its arguments are read: run the engine, report, pick the exit code.

Both the click command (toolkit.cli.validate) and the start-up shortcut (toolkit.cli.quick) call
`check_inputs`, so a run means the same whichever parsed its argv. Nothing here imports click,
and rich only when something must be drawn by it (a terminal, a progress bar).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from toolkit.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE

if TYPE_CHECKING:
    from toolkit.inputs.paths import Selection
    from toolkit.validation.batch import Batch, Options


def check_inputs(
    paths: Sequence[str],
    options: Options,
    selection: Selection,
    *,
    fmt: str = "text",
    verbose: bool = False,
    quiet: bool = False,
    jobs: int | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    chunk: int | None = None,
) -> int:
    """Check every input `paths` names, report in `fmt` on stdout, return the exit code."""
    from toolkit.cli.reporters import make
    from toolkit.validation.summary import Summary

    reporter = make(fmt, sys.stdout, verbose=verbose, quiet=quiet)
    summary = Summary()
    progress = _progress() if fmt == "text" else None
    try:
        for batch in _batches(paths, options, jobs, selection, dask, scheduler, chunk):
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
    return {"pass": EXIT_OK, "fail": EXIT_FINDINGS, "error": EXIT_UNREADABLE}[summary.status]


def note_skipped(skipped: list[str]) -> None:
    """One line on stderr about the walked files that were not read."""
    if not skipped:
        return
    shown = ", ".join(skipped[:3]) + (f" and {len(skipped) - 3} more" if len(skipped) > 3 else "")
    sys.stderr.write(
        f"note: skipped {len(skipped)} file(s) that are not inputs by name or content ({shown}); "
        "--include GLOB reads them\n"
    )


def _batches(
    paths: Sequence[str],
    options: Options,
    jobs: int | None,
    selection: Selection,
    dask: bool,
    scheduler: str | None,
    chunk: int | None,
) -> Iterator[Batch]:
    """Batches from the chosen engine, in input order."""
    if dask:
        from toolkit.validation import dask_engine

        dask_engine.distributed()  # names the extra to install, before anything starts
        return dask_engine.run(
            paths,
            options,
            jobs=jobs,
            scheduler=scheduler,
            chunk=chunk or dask_engine.CHUNK,
            selection=selection,
        )
    from toolkit.validation.runner import run
    from toolkit.validation.tasks import CHUNK

    return run(paths, options, jobs, selection, chunk=chunk or CHUNK)


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
