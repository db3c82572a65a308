"""Run tasks on forked worker processes and yield their results in task order.

The local engine's workers: `os.fork` and two pipes per worker, each message a pickle behind
its length. multiprocessing's Pool cost ~22 ms here before the first task (its imports, and the
queues, locks and threads it makes), a tenth of a 10,000-file directory's run; forking costs
under a millisecond, and the workers share what the parent compiled before (copy on write).

Each worker holds one task at a time, so the parent never waits on a pipe that its reader
cannot empty. A task's exception is raised again in the parent; a worker that dies (killed,
out of memory) ends the run with WorkerDied instead of leaving it waiting. The workers ignore
Ctrl-C, which is the parent's to handle, and are ended with the run, however it ends.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_LENGTH = struct.Struct("<Q")


class WorkerDied(RuntimeError):
    """A worker process ended before it answered its task."""


class _Worker(NamedTuple):
    pid: int
    tasks: int
    """The write end of the worker's task pipe."""
    results: int
    """The read end of its result pipe."""


def ordered(fn: Callable[[T], R], tasks: Iterable[T], jobs: int) -> Iterator[R]:
    """fn(task) for every task, computed by `jobs` forked workers, yielded in task order."""
    workers: list[_Worker] = []
    finished = False
    try:
        for _ in range(jobs):
            workers.append(_start(fn, workers))
        yield from _run(tasks, workers)
        finished = True
    finally:
        _stop(workers, kill=not finished)


def _run(tasks: Iterable[T], workers: list[_Worker]) -> Iterator[Any]:
    pending = enumerate(tasks)
    idle = list(reversed(workers))
    busy: dict[int, tuple[_Worker, int]] = {}
    done: dict[int, Any] = {}
    following = 0
    more = True
    while True:
        while idle and more:
            item = next(pending, None)
            if item is None:
                more = False
                break
            worker = idle.pop()
            _send(worker.tasks, pickle.dumps(item[1], pickle.HIGHEST_PROTOCOL))
            busy[worker.results] = (worker, item[0])
        if not busy:
            return
        ready, _, _ = select.select(list(busy), [], [])
        for fd in ready:
            worker, index = busy.pop(fd)
            message = _receive(fd)
            if message is None:
                raise WorkerDied(f"worker process {worker.pid} ended before it answered its task")
            ok, value = pickle.loads(message)
            if not ok:
                raise value
            done[index] = value
            idle.append(worker)
        while following in done:
            yield done.pop(following)
            following += 1


def _start(fn: Callable[[Any], Any], started: list[_Worker]) -> _Worker:
    """Fork a worker serving `fn`; `started` are the workers forked before (whose pipe ends it
    must not hold, or they would never see the end of their tasks)."""
    task_read, task_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: it never returns
        code = 1
        try:
            for other in started:
                os.close(other.tasks)
                os.close(other.results)
            os.close(task_write)
            os.close(result_read)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _serve(fn, task_read, result_write)
            code = 0
        finally:
            os._exit(code)
    os.close(task_read)
    os.close(result_write)
    return _Worker(pid, task_write, result_read)


def _serve(fn: Callable[[Any], Any], tasks: int, results: int) -> None:
    """Answer tasks until the parent closes the task pipe."""
    while (message := _receive(tasks)) is not None:
        try:
            answer = (True, fn(pickle.loads(message)))
        except Exception as exc:  # the parent raises it again
            answer = (False, exc)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception or a result that does not pickle
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        _send(results, data)


def _stop(workers: list[_Worker], *, kill: bool) -> None:
    """End every worker and wait for it, so none is left behind: an idle one reads the end of
    its tasks and exits; with `kill` (the run ended early: an error, Ctrl-C, a reader that
    stopped reading) those still working are killed first."""
    for worker in workers:
        os.close(worker.tasks)
        os.close(worker.results)
    for worker in workers:
        if kill:
            os.kill(worker.pid, signal.SIGKILL)  # not reaped yet: it exists, if only as a zombie
        os.waitpid(worker.pid, 0)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes | None:
    """One message, or None at the end of the pipe (before a message begins, or inside one:
    the writer died)."""
    head = _exactly(fd, _LENGTH.size)
    if head is None:
        return None
    return _exactly(fd, _LENGTH.unpack(head)[0])


def _exactly(fd: int, n: int) -> bytes | None:
    parts: list[bytes] = []
    while n:
        part = os.read(fd, min(n, 1 << 20))
        if not part:
            return None
        parts.append(part)
        n -= len(part)
    return b"".join(parts)
