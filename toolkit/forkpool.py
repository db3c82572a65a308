"""Forked worker processes for the runner: tasks go out, results come back in task order.

multiprocessing.Pool would do, but it costs a short run ~25 ms to import and ~10 ms to start,
and its feeder and collector threads contend with the main thread for the GIL on every result
(measured: ~15 us of parent CPU per file on a directory of 10,000 payloads). Here the parent is
one thread: it keeps each worker two tasks ahead, waits with select() on the result pipes, and
sends tasks through non-blocking pipes, so neither side can block the other. Workers are forked
(they share the parent's compiled state), ignore SIGINT (the parent handles Ctrl-C and stops
them) and leave with os._exit, so nothing the parent buffered is flushed twice.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

AHEAD = 2
"""Tasks handed to each worker before its first result: one to work on, one queued."""
WINDOW = 8
"""At most this many tasks per worker are out (sent, or done but not yet yielded): a slow task
holds the others back instead of letting finished results pile up in memory."""

_HEADER = struct.Struct("<Q")
_OK, _FAILED = 0, 1


class WorkerDiedError(RuntimeError):
    """A worker process ended without returning its results."""


def imap_forked(func: Callable[[Any], Any], tasks: Iterator[Any], jobs: int) -> Iterator[Any]:
    """func(task) for every task, computed in `jobs` forked processes, yielded in task order.

    An exception raised by func in a worker is raised here, in its task's turn. Closing the
    iterator early stops the workers.
    """
    workers: list[_Worker] = []
    try:
        for _ in range(jobs):
            workers.append(_Worker.start(func, workers))
        yield from _collect(workers, tasks)
    finally:
        for worker in workers:
            worker.stop()


class _Worker:
    """One forked process, its two pipes and the indexes of the tasks it holds."""

    def __init__(self, pid: int, tasks_fd: int, results_fd: int) -> None:
        self.pid = pid
        self.tasks_fd = tasks_fd
        self.results_fd = results_fd
        self.held: list[int] = []
        self.outgoing = bytearray()
        self.incoming = bytearray()

    @classmethod
    def start(cls, func: Callable[[Any], Any], others: list[_Worker]) -> _Worker:
        """Fork a worker; it closes its copies of the pipes of `others` (started before it), so
        that each worker sees the end of its input when the parent closes it."""
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which leaves with os._exit
            code = 1
            try:
                for fd in (task_w, result_r, *(f for w in others for f in w.fds)):
                    os.close(fd)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _serve(func, task_r, result_w)
                code = 0
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        os.set_blocking(task_w, False)
        return cls(pid, task_w, result_r)

    @property
    def fds(self) -> tuple[int, int]:
        return self.tasks_fd, self.results_fd

    def send(self, index: int, task: Any) -> None:
        """Queue a task; flush() writes what the pipe takes now."""
        self.held.append(index)
        body = pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
        self.outgoing += _HEADER.pack(len(body)) + body
        self.flush()

    def flush(self) -> None:
        try:
            written = os.write(self.tasks_fd, self.outgoing)
        except BlockingIOError:
            return
        except BrokenPipeError:
            raise self.died() from None
        del self.outgoing[:written]

    def died(self) -> WorkerDiedError:
        return WorkerDiedError(f"a worker process (pid {self.pid}) ended unexpectedly")

    def receive(self) -> list[tuple[int, tuple[int, Any]]]:
        """Read what the worker sent; (task index, (status, result)) per complete message."""
        data = os.read(self.results_fd, 1 << 20)
        if not data:
            raise self.died()
        self.incoming += data
        out = []
        while len(self.incoming) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.incoming)
            end = _HEADER.size + size
            if len(self.incoming) < end:
                break
            message = _loads(self.incoming[_HEADER.size : end])
            del self.incoming[:end]
            out.append((self.held.pop(0), message))
        return out

    def stop(self) -> None:
        """Close the pipes (an idle worker then exits), end the process if it does not."""
        for fd in self.fds:
            with suppress(OSError):
                os.close(fd)
        if self.held:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        with suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _loads(data: bytearray) -> Any:
    """Unpickle a result with the cyclic GC paused: results hold no cycles, and the thousands of
    objects one result makes would otherwise trigger several collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def _collect(workers: list[_Worker], tasks: Iterator[Any]) -> Iterator[Any]:
    done: dict[int, tuple[int, Any]] = {}
    sent = 0
    wanted = 0
    exhausted = False
    while True:
        if not exhausted:
            for worker in workers:
                while len(worker.held) < AHEAD and sent - wanted < WINDOW * len(workers):
                    task = next(tasks, _END)
                    if task is _END:
                        exhausted = True
                        break
                    worker.send(sent, task)
                    sent += 1
        while wanted in done:
            status, value = done.pop(wanted)
            if status == _FAILED:
                raise value
            yield value
            wanted += 1
        busy = [w for w in workers if w.held]
        if not busy:
            if exhausted:
                return
            continue  # the window was full and is drained now: send more
        readable, writable, _ = select.select(
            [w.results_fd for w in busy], [w.tasks_fd for w in busy if w.outgoing], []
        )
        for worker in busy:
            if worker.tasks_fd in writable:
                worker.flush()
            if worker.results_fd in readable:
                done.update(worker.receive())


_END = object()


def _serve(func: Callable[[Any], Any], tasks_fd: int, results_fd: int) -> None:  # pragma: no cover
    """The worker's loop: read a task, run it, write the result; stop at end of input."""
    with os.fdopen(tasks_fd, "rb") as incoming:
        while True:
            header = incoming.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            (size,) = _HEADER.unpack(header)
            task = pickle.loads(incoming.read(size))
            try:
                message = (_OK, func(task))
            except Exception as exc:
                message = (_FAILED, exc)
            try:
                body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an unpicklable result or exception
                body = pickle.dumps((_FAILED, RuntimeError(f"{type(exc).__name__}: {exc}")))
            _write_all(results_fd, _HEADER.pack(len(body)) + body)


def _write_all(fd: int, data: bytes) -> None:  # pragma: no cover - runs in the child
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
