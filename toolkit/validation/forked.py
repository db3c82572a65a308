"""Run tasks on forked worker processes and yield their results in task order.

The local engine's workers: `os.fork` and two pipes per worker, each message a pickle behind
its length. multiprocessing's Pool cost ~22 ms here before the first task (its imports, and the
queues, locks and threads it makes), a tenth of a 10,000-file directory's run; forking costs
under a millisecond, and the workers share what the parent compiled before (copy on write).

Each worker holds up to two tasks (DEPTH), the next waiting in its pipe while it works; the
parent writes tasks without blocking, so it never waits on a pipe that its reader cannot
empty. A task's exception is raised again in the parent; a worker that dies (killed, out of
memory) ends the run with WorkerDied instead of leaving it waiting. The workers ignore Ctrl-C,
which is the parent's to handle, and are ended with the run, however it ends.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_LENGTH = struct.Struct("<Q")
DEPTH = 2
"""Tasks a worker holds at once: while it works on one, the next is already in its pipe, so it
never waits for the parent between tasks (one at a time left each worker idle ~20 % of a
10,000-file directory's run)."""


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
    states = [_State(worker) for worker in workers]
    by_results = {state.worker.results: state for state in states}
    by_tasks = {state.worker.tasks: state for state in states}
    done: dict[int, Any] = {}
    following = 0
    more = True
    while True:
        while more:
            state = min(states, key=_load)
            if len(state.sent) >= DEPTH:
                break
            item = next(pending, None)
            if item is None:
                more = False
                break
            state.sent.append(item[0])
            state.outgoing += _framed(pickle.dumps(item[1], pickle.HIGHEST_PROTOCOL))
            state.flush()
        readers = [state.worker.results for state in states if state.sent]
        if not readers:
            return
        writers = [state.worker.tasks for state in states if state.outgoing]
        readable, writable, _ = select.select(readers, writers, [])
        for fd in writable:
            by_tasks[fd].flush()
        for fd in readable:
            state = by_results[fd]
            message = _receive(fd)  # the worker writes a whole result before reading on
            if message is None:
                raise WorkerDied(
                    f"worker process {state.worker.pid} ended before it answered its task"
                )
            ok, value = pickle.loads(message)
            if not ok:
                raise value
            done[state.sent.popleft()] = value
        while following in done:
            yield done.pop(following)
            following += 1


class _State:
    """What the parent has sent a worker: the tasks it has not answered, in the order it
    answers them, and the bytes of a task not yet written to its pipe."""

    __slots__ = ("outgoing", "sent", "worker")

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.sent: deque[int] = deque()
        self.outgoing = bytearray()

    def flush(self) -> None:
        """Write what the task pipe takes now (it is non-blocking: a worker busy writing a
        large result must never wait on a parent blocked writing it a task)."""
        try:
            written = os.write(self.worker.tasks, self.outgoing)
        except BlockingIOError:
            return
        del self.outgoing[:written]


def _load(state: _State) -> int:
    return len(state.sent)


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
    os.set_blocking(task_write, False)
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


def _framed(data: bytes) -> bytes:
    """One message as it goes down a pipe: its length, then its bytes (read by _receive)."""
    return _LENGTH.pack(len(data)) + data


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_framed(data))
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
