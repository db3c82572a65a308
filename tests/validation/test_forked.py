"""The local engine's forked workers (toolkit.validation.forked): results in task order,
exceptions raised again, no hang when a worker dies, no worker left behind, large messages;
a worker started before its run, and runs shared between the parent and its workers."""

from __future__ import annotations

import importlib
import os
import random
import signal
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from toolkit.validation import forked
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


# --- a worker started early (prestart), and a run shared with the parent (split) -------------


def _probe(tmp_path: Path) -> str:
    """A module of its own, importable by the workers (sys.path is inherited), not yet here."""
    name = f"qc_probe_{os.getpid()}_{random.randrange(1 << 30)}"
    (tmp_path / f"{name}.py").write_text("def echo(n):\n    return n\n")
    sys.path.insert(0, str(tmp_path))
    return name


def _where(name: str, n: int) -> tuple[int, int, bool]:
    """(n, the process, whether it has imported `name`): a top-level function, so it pickles."""
    return n, os.getpid(), name in sys.modules


def test_a_spare_imports_first_then_serves_the_run_that_adopts_it(tmp_path: Path) -> None:
    name = _probe(tmp_path)
    try:
        forked.prestart([name, "no_such_module_here"])  # one that fails is skipped
        spare = forked._spares[0].pid
        out = list(ordered(partial(_where, name), range(40), 2))
    finally:
        sys.path.remove(str(tmp_path))
    assert [n for n, _, _ in out] == list(range(40))
    served = [loaded for _, pid, loaded in out if pid == spare]
    assert served and all(served)  # the spare ran tasks, with the module it imported first
    assert name not in sys.modules  # imported there, not here
    assert forked._spares == []
    with pytest.raises(ChildProcessError):
        os.waitpid(spare, os.WNOHANG)  # ended and reaped with the run


def test_a_function_that_does_not_pickle_is_served_by_new_forks() -> None:
    forked.prestart(["json"])
    pid = forked._spares[0].pid
    out = list(ordered(lambda n: (n, os.getpid()), range(20), 2))
    assert [n for n, _ in out] == list(range(20)) and pid not in {p for _, p in out}
    assert forked._spares == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_release_ends_a_spare_that_no_run_adopted() -> None:
    forked.prestart(["json"])
    pid = forked._spares[0].pid
    forked.release()
    assert forked._spares == []
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _split_by_parity() -> forked.Split[int, tuple[str, int, int]]:
    """Even tasks: the parent does all of it; odd ones: a part here, the rest in a worker."""

    def part(n: int) -> tuple[tuple[str, int, int] | None, int | None]:
        return ("part", n, os.getpid()), (None if n % 2 == 0 else n)

    def merge(mine: tuple[str, int, int], theirs: tuple[str, int, int]) -> tuple[str, int, int]:
        assert mine[1] == theirs[1]
        return "merged", mine[1], theirs[2]

    return forked.Split(part, merge, lambda n: 1, 1_000)


def test_split_gives_every_task_in_order_whichever_way_it_went() -> None:
    out = list(forked.split(lambda n: ("whole", n, os.getpid()), _split_by_parity(), range(300), 2))
    assert [n for _, n, _ in out] == list(range(300))
    me = os.getpid()
    for kind, n, pid in out:
        if kind == "part":  # an even task, proven here
            assert n % 2 == 0 and pid == me
        elif kind == "merged":  # an odd one, finished by a worker
            assert n % 2 == 1 and pid != me
        else:  # a whole task for a worker that was idle
            assert kind == "whole" and pid != me
    assert {kind for kind, _, _ in out} >= {"part", "merged"}


def test_split_runs_tasks_whole_here_when_the_workers_are_behind() -> None:
    def slow(n: int) -> tuple[str, int, int]:
        time.sleep(0.02)
        return "whole", n, os.getpid()

    how = forked.Split(lambda n: (None, n), lambda a, b: b, lambda n: 1, 2)
    out = list(forked.split(slow, how, range(12), 1))
    assert [n for _, n, _ in out] == list(range(12))
    pids = {pid for _, _, pid in out}
    assert os.getpid() in pids and len(pids) == 2  # the parent helped the one worker


def test_split_raises_a_worker_s_exception_and_ends_on_a_dead_worker() -> None:
    def fails(n: int) -> int:
        raise LookupError(f"no {n}")

    how: forked.Split[int, int] = forked.Split(lambda n: (None, n), lambda a, b: b, lambda n: 1, 99)
    with pytest.raises(LookupError, match="no 0"):
        list(forked.split(fails, how, range(5), 1))

    def dies(n: int) -> int:
        os.kill(os.getpid(), signal.SIGKILL)
        return n

    started = time.monotonic()
    with pytest.raises(WorkerDied, match="ended before it answered"):
        list(forked.split(dies, how, range(5), 1))
    assert time.monotonic() - started < 30


def test_a_spare_that_died_before_its_run_is_an_error_not_a_broken_pipe() -> None:
    forked.prestart(["json"])
    pid = forked._spares[0].pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)  # until it is gone (a zombie: the run reaps it), its pipes with it
    with pytest.raises(WorkerDied, match=f"worker process {pid} ended"):
        list(ordered(partial(_where, "json"), range(5), 2))
    assert forked._spares == []


def test_a_function_the_spare_cannot_load_is_its_error_in_the_parent(tmp_path: Path) -> None:
    forked.prestart(["json"])
    name = _probe(tmp_path)  # after the fork: not on the spare's path
    try:
        echo = importlib.import_module(name).echo
        with pytest.raises(ModuleNotFoundError, match=name):
            list(ordered(echo, range(3), 1))
    finally:
        sys.path.remove(str(tmp_path))
    assert forked._spares == []
