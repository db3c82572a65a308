"""The runner's fork pool: results in task order, errors raised, workers always reaped."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from toolkit.forkpool import WINDOW, WorkerDiedError, imap_forked


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _uneven(task: int) -> tuple[int, int]:
    time.sleep(0.002 * (task % 3))  # later tasks often finish first
    return task, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_back_in_task_order(jobs: int) -> None:
    results = list(imap_forked(_uneven, iter(range(40)), jobs))
    assert [r[0] for r in results] == list(range(40))
    pids = {r[1] for r in results}
    assert os.getpid() not in pids
    assert len(pids) == jobs
    assert _no_children_left()


def test_tasks_are_read_lazily() -> None:
    """Tasks are taken as workers need them: a long walk is not read into memory up front."""
    taken = 0

    def tasks() -> Iterator[int]:
        nonlocal taken
        for i in range(1000):
            taken += 1
            yield i

    results = imap_forked(abs, tasks(), 2)
    try:
        assert next(results) == 0
        assert taken <= 2 * WINDOW  # two workers' window, not the 1,000
    finally:
        results.close()
    assert _no_children_left()


def test_large_tasks_and_results_do_not_deadlock() -> None:
    """Both far beyond a pipe's buffer (64 KiB), in both directions at once."""
    big = [b"x" * 300_000 + bytes([i]) for i in range(12)]
    assert list(imap_forked(lambda b: b * 3, iter(big), 2)) == [b * 3 for b in big]
    assert _no_children_left()


def _fails_on_five(task: int) -> int:
    if task == 5:
        raise ValueError("task five is bad")
    return task


def test_an_error_in_a_worker_is_raised_with_its_type() -> None:
    seen: list[int] = []
    with pytest.raises(ValueError, match="task five is bad"):
        seen.extend(imap_forked(_fails_on_five, iter(range(20)), 2))
    assert seen == [0, 1, 2, 3, 4]  # every result before the failing task, in order
    assert _no_children_left()


def _unpicklable(task: int) -> Any:
    return lambda: task


def test_an_unpicklable_result_is_reported() -> None:
    with pytest.raises(RuntimeError, match="pickle"):
        list(imap_forked(_unpicklable, iter(range(3)), 2))
    assert _no_children_left()


def _dies(task: int) -> int:
    if task == 3:
        os._exit(9)
    return task


def test_a_worker_that_dies_is_reported() -> None:
    with pytest.raises(WorkerDiedError, match="ended unexpectedly"):
        list(imap_forked(_dies, iter(range(10)), 2))
    assert _no_children_left()


def test_stopping_early_stops_the_workers() -> None:
    results = imap_forked(_uneven, iter(range(10_000)), 2)
    assert next(results)[0] == 0
    results.close()
    assert _no_children_left()
