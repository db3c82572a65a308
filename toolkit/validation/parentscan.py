"""A directory run shared between this process and its workers (forked.split): this process
proves each task's walked `.json` files with the seed programs, and a worker gets only what
they leave.

The seed programs (toolkit.prover.seeded: the scanner, its tables and the programs `regenerate`
stored) prove a file from its bytes without jsonschema-rs, orjson or the compiled contract, so
the parent of such a run never imports the exact path: it lists the directory and proves what
it can while a worker, started early (toolkit.validation.spare), imports the exact path on the
other core and explains the files left (an invalid file, a skeleton with no seed program, a
test notification). A worker that is idle gets whole tasks, which its own prover, learning as
it goes, proves; when every worker is far behind (BEHIND files), the parent runs tasks whole.
"""

from __future__ import annotations

from toolkit.inputs.limits import SNIFF_BYTES
from toolkit.prover import seeded
from toolkit.validation.batch import Batch, Options
from toolkit.validation.forked import Split
from toolkit.validation.tasks import Files, Task, walked_json

BEHIND = 512
"""Files a worker holds when it is behind: the parent then runs the next task whole, importing
the exact path (the seed programs leave most files of a shape they have no program for)."""


def applies(options: Options) -> bool:
    """Whether the seed programs may prove files for a run with `options`: they answer for the
    default contract only, with nothing to keep, pin or relax (as work._check_files's prover),
    and only when they are there (a C compiler at install time, the seed file current)."""
    return (
        options.counts_passes
        and options.input_format is None
        and options.quay_version is None
        and seeded.available()
    )


def suits(head: list[Task]) -> bool:
    """Whether a run that starts with the tasks `head` is a directory's walk: only Files tasks,
    each with a walked `.json` file (NDJSON ranges are left to the workers' pool, where this
    process would only wait)."""
    return bool(head) and all(isinstance(task, Files) and walked_json(task.paths) for task in head)


def how() -> Split[Task, Batch]:
    """How forked.split shares a directory run's tasks."""
    return Split(part, merge, weigh, BEHIND)


def part(task: Task) -> tuple[Batch | None, Task | None]:
    """The passes the seed programs prove among the walked `.json` files of a Files task, and
    the task's other files (in their order) for a worker; a Range goes whole to a worker."""
    if not isinstance(task, Files):
        return None, task
    where = walked_json(task.paths)
    if not where:
        return None, task
    counts, rest = seeded.prove_files([task.paths[i][0] for i in where], SNIFF_BYTES)
    proven = set(where).difference(where[j] for j in rest)
    if not proven:
        return None, task
    batch = Batch()
    for key, n in counts:
        batch.passes[key] += n
    left = tuple(item for i, item in enumerate(task.paths) if i not in proven)
    if not left:
        return batch, None
    return batch, Files(left, task.size * len(left) // len(task.paths))


def merge(mine: Batch, theirs: Batch) -> Batch:
    """The task's Batch from the passes proven here and the worker's Batch for the rest (every
    verdict is the worker's: a proven file has none)."""
    mine.passes.update(theirs.passes)
    mine.verdicts = theirs.verdicts
    mine.lines += theirs.lines
    return mine


def weigh(task: Task) -> int:
    """A task's weight: its files (a range of NDJSON counts as BEHIND: it is a large task)."""
    return len(task.paths) if isinstance(task, Files) else BEHIND
