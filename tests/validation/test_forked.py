"""The local engine's forked workers (toolkit.validation.forked): results in task order,
exceptions raised again, no hang when a worker dies, no worker left behind, large messages."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from toolkit.validation.forked import WorkerDied, ordered


def _slow_square(n: int) -> tuple[int, int]:
    time.sleep(random.Random(n).random() / 200)  # finish out of order
    return n, n * n


def test_results_come_in_task_order() -> None:
    assert list(ordered(_slow_square, range(60), 3)) == [(n, n * n) for n in range(60)]


def test_large_results_and_tasks_do_not_block(tmp_path: Path) -> None:
    """Messages far larger than a pipe's buffer, both ways."""
    tasks = [bytes([n]) * 300_000 for n in range(8)]
    out = list(ordered(lambda data: data * 3, tasks, 2))
    assert out == [t * 3 for t in tasks]


def test_a_task_s_exception_is_raised_in_the_parent() -> None:
    def fails_on_seven(n: int) -> int:
        if n == 7:
            raise LookupError(f"no {n}")
        return n

    with pytest.raises(LookupError, match="no 7"):
        list(ordered(fails_on_seven, range(20), 2))


def test_a_dead_worker_ends_the_run_instead_of_hanging() -> None:
    def dies_on_three(n: int) -> int:
        if n == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    started = time.monotonic()
    with pytest.raises(WorkerDied, match="ended before it answered"):
        list(ordered(dies_on_three, range(10), 2))
    assert time.monotonic() - started < 30


def test_no_worker_is_left_behind_when_the_reader_stops_early() -> None:
    pids: list[int] = []
    results = ordered(lambda n: (os.getpid(), time.sleep(0.01)), range(50), 2)
    for pid, _ in results:
        pids.append(pid)
        if len(pids) == 3:
            break
    results.close()  # what a consumer that stops reading does
    for pid in set(pids):
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped already: not our child any more
    assert os.getpid() not in pids  # the tasks ran in workers


def test_a_result_that_does_not_pickle_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="pickle"):
        list(ordered(lambda n: lambda: n, range(3), 2))
