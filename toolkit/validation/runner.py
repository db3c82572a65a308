"""The local engine: check many inputs fast, stream them, fan out to forked worker processes.

Work is cut into tasks (toolkit.validation.tasks): batches of small files, and 4 MiB ranges of
large NDJSON files. Workers (forked, so the compiled contract is shared) run each task through
the batch API (toolkit.validation.work.run_task) and return a Batch: the verdicts worth
reporting plus a tally of passes. Batches come back in input order (toolkit.validation.forked).

When the seed programs can prove files for the run's options (toolkit.validation.parentscan),
this process proves the walked `.json` files itself and the workers (one started early:
toolkit.validation.spare) check only what they leave; this process then never imports the
exact path unless the workers fall behind.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Iterable, Iterator
from functools import partial

from toolkit.inputs.paths import STDIN, Selection
from toolkit.validation import forked, parentscan
from toolkit.validation.batch import Batch, Options
from toolkit.validation.spare import cores
from toolkit.validation.tasks import CHUNK, Renumber, Task, plan

PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Below this much input a worker pool costs more than it saves."""


def default_jobs() -> int:
    """Every core this process may use."""
    return cores()


def run_task(task: Task, options: Options) -> Batch:
    """work.run_task, imported when a task is run here: a run whose workers check every file
    the seed programs leave never imports the exact path in this process."""
    from toolkit.validation.work import run_task

    return run_task(task, options)


def run(
    paths: Iterable[str],
    options: Options,
    jobs: int | None = None,
    selection: Selection | None = None,
    *,
    chunk: int = CHUNK,
) -> Iterator[Batch]:
    """Batches for every input named by `paths`, in order; uses `jobs` processes.

    `selection` filters the files found by walking directories, and lists those skipped.
    """
    paths = list(paths)
    jobs = jobs or default_jobs()
    if STDIN in paths:
        jobs = 1  # worker processes cannot read the parent's stdin
    tasks = plan(paths, options, chunk=chunk, split=jobs > 1, selection=selection)
    head: list[Task] = []
    size = 0
    for task in tasks:
        head.append(task)
        size += task.size
        if size >= PARALLEL_MIN_BYTES:
            break
    renumber = Renumber()
    if jobs <= 1 or size < PARALLEL_MIN_BYTES:
        forked.release()
        for task in itertools.chain(head, tasks):
            yield renumber(run_task(task, options))
        return
    if parentscan.suits(head) and parentscan.applies(options):
        fn = partial(run_task, options=options)
        for batch in forked.split(fn, parentscan.how(), itertools.chain(head, tasks), jobs - 1):
            yield renumber(batch)
        return
    for batch in _parallel(head, tasks, options, jobs):
        yield renumber(batch)


def _parallel(
    head: list[Task], rest: Iterator[Task], options: Options, jobs: int
) -> Iterator[Batch]:
    from toolkit.validation.proven import warm

    importlib.import_module("toolkit.validation.work")  # once here, shared by the workers
    # Only the prover is made up front (its tables, shared by the forked workers); each worker
    # compiles, on first use, only the validators its payloads need (a directory of one event
    # needs one), in parallel with the other workers.
    warm()
    fn = partial(run_task, options=options)
    yield from forked.ordered(fn, itertools.chain(head, rest), jobs)
