"""The Dask engine: the local engine's tasks, run on a Dask cluster (`--engine dask`).

The client plans (listings only: no input is read on the client), submits each task as a call of
the batch API (`work.run_task`) and streams the results back: a worker reads its own file or
byte range, from disk or object storage, and only its Batch travels. At most `window` tasks are
in flight or waiting for an earlier one, so the client's memory stays flat whatever the size of
the archive; Batches are yielded in task order, so every report is the local engine's, byte for
byte. When a worker dies, Dask reruns its tasks elsewhere (up to the scheduler's
`allowed-failures`); a task is counted once, when its result is yielded.

Needs the `dask` extra (dask and distributed).
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from toolkit.inputs.paths import Selection
from toolkit.inputs.storage import MissingExtra
from toolkit.validation.batch import Batch, Options
from toolkit.validation.tasks import Renumber, Task, plan
from toolkit.validation.work import run_task

CHUNK = 64 * 1024 * 1024
"""Bytes per range task: large enough that a task's fixed costs (scheduling, about 1 ms; a
request to object storage, tens of ms) stay small beside reading and checking (~0.5 s a core)."""
TASKS_PER_WORKER = 4
"""Tasks kept in flight per worker thread: enough to hide the round trip to the scheduler."""


def distributed() -> Any:
    """The `distributed` module, or MissingExtra naming the extra to install."""
    try:
        import distributed as module
    except ImportError:
        raise MissingExtra("--engine dask and --scheduler", "dask") from None
    return module


def run(
    paths: Iterable[str],
    options: Options,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    chunk: int = CHUNK,
    client: Any = None,
    selection: Selection | None = None,
) -> Iterator[Batch]:
    """Batches for every input named by `paths`, in order, computed on a Dask cluster: the
    `client`'s, the one at `scheduler` (an address such as `tcp://10.0.0.5:8786`), or a new
    LocalCluster of `jobs` worker processes (every core by default). `selection` filters the
    files found by walking directories, as for the local engine."""
    dd = distributed()
    tasks = plan(paths, options, chunk=chunk, selection=selection)
    if client is not None:
        yield from _stream(client, tasks, options)
        return
    cluster = None
    if scheduler is None:
        from toolkit.validation.runner import default_jobs

        cluster = dd.LocalCluster(
            n_workers=jobs or default_jobs(),
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # any free port: 8787 may be taken
            silence_logs=logging.ERROR,
        )
    own = dd.Client(cluster or scheduler, set_as_default=False)
    try:
        yield from _stream(own, tasks, options)
    finally:
        own.close()
        if cluster is not None:
            cluster.close()


def _stream(client: Any, tasks: Iterator[Task], options: Options) -> Iterator[Batch]:
    """Submit tasks with a bounded window; yield their Batches in task order.

    Between half a window and a window of tasks are in flight or waiting for an earlier one:
    refills come in groups (one round trip to the scheduler for half a window), and results are
    gathered in the background as they complete."""
    dd = distributed()
    threads = sum(client.nthreads().values()) or 1
    window = TASKS_PER_WORKER * threads
    run_id = uuid.uuid4().hex[:12]
    completed = dd.as_completed(loop=client.loop, with_results=True)
    index: dict[str, int] = {}
    ready: dict[int, Batch] = {}
    renumber = Renumber()
    submitted = 0
    yielded = 0

    def fill() -> None:
        nonlocal submitted
        if submitted - yielded > window // 2:
            return
        group = list(itertools.islice(tasks, window - (submitted - yielded)))
        if not group:
            return
        keys = [f"quay-contract-{run_id}-{submitted + i}" for i in range(len(group))]
        for i, future in enumerate(
            client.map(run_task, group, options=options, key=keys, pure=False)
        ):
            index[future.key] = submitted + i
            completed.add(future)
        submitted += len(group)

    fill()
    try:
        for future, batch in completed:
            ready[index.pop(future.key)] = batch
            future.release()
            while yielded in ready:
                yield renumber(ready.pop(yielded))
                yielded += 1
            fill()
    finally:
        waiting = list(completed.futures)  # only when stopped early (an error, Ctrl-C)
        if waiting:
            client.cancel(waiting)
