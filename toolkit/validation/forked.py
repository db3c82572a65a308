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

A worker can also be started early (`prestart`), before the parent knows its work: it imports
what it will need on the other core while the parent is still importing and listing, and it
owns those pages instead of faulting in copies of the parent's. The next run adopts it (the
function to serve is its first message); `release` ends one that no run took.

`split` is the other way to share a run: the parent does the cheap part of each task itself
(say, the files a scanner proves) and sends a worker only what is left of it, then merges the
two results; a worker that is idle gets whole tasks, and the parent runs a task whole when the
workers are far behind.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

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


_spares: list[_Worker] = []
"""Workers started by `prestart` that no run has adopted yet."""


def prestart(modules: Sequence[str]) -> None:
    """Fork a worker now that imports `modules` (failures are left for its first task to meet)
    and then waits for the function it is to serve: the next `ordered` or `split` adopts it,
    if that function pickles (a top-level function, or a partial of one)."""
    _spares.append(_fork(partial(_serve_later, modules), _spares))


def _serve_later(modules: Sequence[str], tasks: int, results: int) -> None:
    """A spare's life: import `modules`, then serve the function that comes first."""
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # its tasks meet it again, where it is reported
            continue
    first = _receive(tasks)
    if first is None:
        return
    try:
        fn: Callable[[Any], Any] = pickle.loads(first)
    except Exception as exc:  # say why with every answer, not by dying
        fn = partial(_raise, exc)
    _serve(fn, tasks, results)


def _raise(exc: Exception, task: object) -> None:
    raise exc


def release() -> None:
    """End the workers `prestart` started that no run adopted (they hold nothing yet)."""
    idle = list(_spares)
    _spares.clear()
    _stop(idle, kill=True)


def _workers(fn: Callable[[Any], Any], count: int) -> list[_Worker]:
    """`count` workers serving `fn`: the spares first, sent `fn` (if it pickles: a closure
    does not, and then only new forks serve it), then new forks."""
    workers: list[_Worker] = []
    try:
        message = pickle.dumps(fn, pickle.HIGHEST_PROTOCOL) if _spares else b""
    except Exception:
        message = b""
    try:
        while message and _spares and len(workers) < count:
            spare = _spares.pop(0)
            workers.append(spare)
            try:
                _send(spare.tasks, message)
            except BrokenPipeError:
                raise _died(spare) from None
            os.set_blocking(spare.tasks, False)
        release()
        while len(workers) < count:
            workers.append(_start(fn, workers))
    except BaseException:
        _stop(workers, kill=True)
        raise
    return workers


def ordered(fn: Callable[[T], R], tasks: Iterable[T], jobs: int) -> Iterator[R]:
    """fn(task) for every task, computed by `jobs` forked workers, yielded in task order."""
    workers: list[_Worker] = []
    finished = False
    try:
        workers = _workers(fn, jobs)
        yield from _run(tasks, workers)
        finished = True
    finally:
        _stop(workers, kill=not finished)


class Split(NamedTuple, Generic[T, R]):
    """How `split` shares a task between the parent and a worker."""

    part: Callable[[T], tuple[R | None, T | None]]
    """The parent's share: (its result or None, what is left for a worker or None)."""
    merge: Callable[[R, R], R]
    """The parent's result and the worker's, for the same task: the task's result."""
    weigh: Callable[[T], int]
    """A task's weight (say, its files) for how far behind a worker is."""
    behind: int
    """A worker holding this much weight is behind: the parent runs the next task whole."""


def split(fn: Callable[[T], R], how: Split[T, R], tasks: Iterable[T], workers: int) -> Iterator[R]:
    """fn(task) for every task, yielded in task order, shared between this process and
    `workers` forked ones: each task goes whole to a worker that is idle (once it has answered
    one: it is warm), whole to the parent when every worker is `how.behind`, and otherwise
    through `how.part`, whose leftover goes to the least loaded worker."""
    states: list[_State] = []
    finished = False
    try:
        states = [_State(worker) for worker in _workers(fn, max(workers, 1))]
        yield from _split(fn, how, tasks, states)
        finished = True
    finally:
        _stop([state.worker for state in states], kill=not finished)


def _split(
    fn: Callable[[T], R], how: Split[T, R], tasks: Iterable[T], states: list[_State]
) -> Iterator[R]:
    done = _InOrder()
    parts: dict[int, R] = {}

    def take(wait: bool) -> None:
        for index, value in _answers(states, wait=wait):
            done[index] = how.merge(parts.pop(index), value) if index in parts else value

    for index, task in enumerate(tasks):
        take(wait=False)
        idle = [state for state in states if not state.sent and state.answered]
        least = min(states, key=_weight)
        if idle:
            idle[0].send(index, task, how.weigh(task))
        elif least.weight >= how.behind:
            done[index] = fn(task)
        else:
            part, rest = how.part(task)
            if rest is None:
                assert part is not None
                done[index] = part
            else:
                if part is not None:
                    parts[index] = part
                least.send(index, rest, how.weigh(rest))
        yield from done.ready()
    while any(state.sent for state in states):
        take(wait=True)
        yield from done.ready()


def _answers(states: list[_State], *, wait: bool) -> list[tuple[int, Any]]:
    """Write what the task pipes take and read the answers that are there, as (task index,
    result); with `wait`, block until at least one comes."""
    readers = [state.worker.results for state in states if state.sent]
    writers = [state.worker.tasks for state in states if state.outgoing]
    if not readers and not writers:
        return []
    readable, writable, _ = select.select(readers, writers, [], None if wait else 0)
    answers = []
    for state in states:
        if state.worker.tasks in writable:
            state.flush()
        if state.worker.results in readable:
            answers.append(state.answer())
    return answers


def _run(tasks: Iterable[T], workers: list[_Worker]) -> Iterator[Any]:
    pending = enumerate(tasks)
    states = [_State(worker) for worker in workers]
    done = _InOrder()
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
            state.send(*item)
        if not any(state.sent for state in states):
            return
        for index, value in _answers(states, wait=True):
            done[index] = value
        yield from done.ready()


class _InOrder:
    """Results by task index, given out in task order as the next one comes."""

    __slots__ = ("_done", "_next")

    def __init__(self) -> None:
        self._done: dict[int, Any] = {}
        self._next = 0

    def __setitem__(self, index: int, value: Any) -> None:
        self._done[index] = value

    def ready(self) -> Iterator[Any]:
        """The results from the next one on, until one is missing."""
        while self._next in self._done:
            yield self._done.pop(self._next)
            self._next += 1


class _State:
    """What the parent has sent a worker: the tasks it has not answered (index and weight), in
    the order it answers them, and the bytes of a task not yet written to its pipe."""

    __slots__ = ("answered", "outgoing", "sent", "weight", "worker")

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.sent: deque[tuple[int, int]] = deque()
        self.outgoing = bytearray()
        self.weight = 0
        """The weight of the tasks it holds."""
        self.answered = 0

    def send(self, index: int, task: Any, weight: int = 1) -> None:
        """Queue task number `index` for the worker and write what its pipe takes now."""
        self.sent.append((index, weight))
        self.weight += weight
        self.outgoing += _framed(pickle.dumps(task, pickle.HIGHEST_PROTOCOL))
        self.flush()

    def answer(self) -> tuple[int, Any]:
        """(index, result) of the oldest task the worker holds, read from its result pipe (the
        worker writes a whole result before it reads on); its exception raised again."""
        message = _receive(self.worker.results)
        if message is None:
            raise _died(self.worker)
        ok, value = pickle.loads(message)
        if not ok:
            raise value
        index, weight = self.sent.popleft()
        self.weight -= weight
        self.answered += 1
        return index, value

    def flush(self) -> None:
        """Write what the task pipe takes now (it is non-blocking: a worker busy writing a
        large result must never wait on a parent blocked writing it a task)."""
        try:
            written = os.write(self.worker.tasks, self.outgoing)
        except BlockingIOError:
            return
        except BrokenPipeError:  # not the reader of our output: the worker is gone
            raise _died(self.worker) from None
        del self.outgoing[:written]


def _died(worker: _Worker) -> WorkerDied:
    return WorkerDied(f"worker process {worker.pid} ended before it answered its task")


def _load(state: _State) -> int:
    return len(state.sent)


def _weight(state: _State) -> int:
    return state.weight


def _start(fn: Callable[[Any], Any], started: list[_Worker]) -> _Worker:
    """Fork a worker serving `fn` (see _fork)."""
    worker = _fork(partial(_serve, fn), started)
    os.set_blocking(worker.tasks, False)
    return worker


def _fork(life: Callable[[int, int], None], started: list[_Worker]) -> _Worker:
    """Fork a worker that lives `life(task pipe, result pipe)`, ignoring Ctrl-C; `started` are
    the workers forked before (whose pipe ends it must not hold, or they would never see the
    end of their tasks)."""
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
            life(task_read, result_write)
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
