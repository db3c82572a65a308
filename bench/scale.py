"""Benchmark the Dask engine against the local engine, and measure the scale model's inputs.

Builds (in a temporary directory) NDJSON files of mixed events with invalid lines among them,
then prints, measured in this same run (medians of --runs):

- the whole command, `validate -q FILES` on the local engine and with `--engine dask` (which
  starts its own local cluster of the same number of workers), wall time and their ratio;
- the steady state, through the Python API: the local engine and the Dask engine on an
  already-running LocalCluster, payloads/s and their ratio;
- per-worker throughput: the batch API (work.run_task) over 64 MiB ranges on one core;
- scheduler overhead: empty tasks through the Dask engine's bounded window, ms per task;
- the client's merge: Summary.add + line renumbering per Batch and per reportable verdict;
- the client's peak memory (`validate --scheduler`) on the corpus and on a quarter of it;
- an S3 stand-in (moto on 127.0.0.1), for the engine end to end: its figures say what this
  machine's Python S3 server costs, not what S3 would.

docs/guides/scale.md turns these figures into a model of N workers on object storage.

Usage: python bench/scale.py [--lines N] [--files N] [--workers N] [--runs N] [--no-s3]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import contract  # noqa: E402
from toolkit.cli.reporters.jsonfmt import JsonReporter  # noqa: E402
from toolkit.contract.registry import EVENTS  # noqa: E402
from toolkit.validation import dask_engine  # noqa: E402
from toolkit.validation.batch import Options  # noqa: E402
from toolkit.validation.runner import run as run_local  # noqa: E402
from toolkit.validation.summary import Summary  # noqa: E402
from toolkit.validation.tasks import Files, Range, Renumber, plan  # noqa: E402
from toolkit.validation.work import run_task  # noqa: E402

QC = [sys.executable, "-m", "toolkit", "validate", "-q"]
INVALID_EVERY = 5_000


def corpus(folder: Path, lines: int, files: int) -> list[Path]:
    """`files` NDJSON files, `lines` lines in all: every event's examples, one invalid line per
    INVALID_EVERY (a required key removed)."""
    rng = random.Random(20261203)
    valid = [orjson.dumps(p) for e in EVENTS for p in contract.examples(e)]
    invalid = []
    for event in EVENTS:
        payload = dict(contract.examples(event)[0])
        payload.pop(next(iter(payload)))
        invalid.append(orjson.dumps(payload))
    paths = []
    per_file = lines // files
    for index in range(files):
        path = folder / f"deliveries-{index:03}.ndjson"
        out = [
            rng.choice(invalid)
            if (index * per_file + i) % INVALID_EVERY == 7
            else rng.choice(valid)
            for i in range(per_file)
        ]
        path.write_bytes(b"\n".join(out) + b"\n")
        paths.append(path)
    return paths


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall seconds of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fold(batches: Iterator[Any]) -> tuple[int, int]:
    summary = Summary()
    for batch in batches:
        summary.add(batch)
    return summary.total, summary.invalid


def whole_command(paths: list[str], workers: int, runs: int) -> None:
    def command(*extra: str) -> Callable[[], int]:
        def call() -> int:
            args = [*QC, "-j", str(workers), *extra, *paths]
            return subprocess.run(args, capture_output=True, check=False).returncode

        return call

    local, code = timed(command(), runs)
    dask, dask_code = timed(command("--engine", "dask"), runs)
    assert code == dask_code == 1, (code, dask_code)
    print(f"whole command, {workers} workers (cluster start-up included):")
    print(f"  local engine   {local:7.2f} s")
    print(f"  --engine dask  {dask:7.2f} s   dask / local = {dask / local:.2f}x the time")


def steady_state(paths: list[str], lines: int, client: Any, workers: int, runs: int) -> None:
    options = Options()
    local, expected = timed(lambda: fold(run_local(paths, options, workers)), runs)
    dask, got = timed(lambda: fold(dask_engine.run(paths, options, client=client)), runs)
    assert got == expected, (got, expected)
    small, got_small = timed(
        lambda: fold(dask_engine.run(paths, options, client=client, chunk=4 << 20)), runs
    )
    assert got_small == expected
    print(f"steady state, {workers} workers, {lines:,} payloads ({expected[1]} invalid):")
    print(f"  local engine (4 MiB ranges)   {lines / local:10,.0f} payloads/s")
    print(
        f"  dask engine (64 MiB ranges)   {lines / dask:10,.0f} payloads/s   "
        f"dask / local = {local / dask:.2f}"
    )
    print(
        f"  dask engine (4 MiB ranges)    {lines / small:10,.0f} payloads/s   "
        f"dask / local = {local / small:.2f}"
    )


def per_worker(paths: list[str], runs: int) -> tuple[float, float]:
    """(bytes/s, bytes per payload) of the batch API on one core."""
    tasks = list(plan(paths[:1], Options(), chunk=16 << 20))
    size = sum(t.size for t in tasks)
    seconds, (count, _) = timed(lambda: fold(run_task(t, Options()) for t in tasks), runs)
    print("one worker, the batch API on one core (16 MiB ranges, page cache warm):")
    print(
        f"  {count / seconds:,.0f} payloads/s = {size / seconds / 2**20:,.1f} MiB/s "
        f"(mean payload {size / count:,.0f} B)"
    )
    return size / seconds, size / count


def scheduler_overhead(client: Any, runs: int) -> float:
    """Milliseconds per task."""
    count = 2000

    def empty() -> int:
        tasks: Iterator[Any] = (Files((), 0) for _ in range(count))
        return sum(1 for _ in dask_engine._stream(client, tasks, Options()))

    seconds, done = timed(empty, runs)
    assert done == count
    print(
        f"scheduler round trip: {seconds / count * 1000:.2f} ms per task "
        f"({count / seconds:,.0f} tasks/s through the bounded window)"
    )
    return seconds / count * 1000


def client_merge(paths: list[str], runs: int) -> None:
    tasks = [t for t in plan(paths, Options(), chunk=1 << 20) if isinstance(t, Range)]
    batches = [run_task(t, Options()) for t in tasks]
    verdicts = sum(len(b.verdicts) for b in batches)

    def merge() -> int:
        summary, renumber = Summary(), Renumber()
        for batch in batches:
            summary.add(renumber(batch))
        return summary.total

    seconds, _ = timed(merge, runs)
    # Each reportable verdict costs a Summary.add_verdict; measured apart from the batch cost.
    many = [v for b in batches for v in b.verdicts] * max(1, 20_000 // max(verdicts, 1))
    summary = Summary()
    per_verdict, _ = timed(lambda: [summary.add_verdict(v) for v in many], runs)
    print(
        f"client merge: {seconds / len(batches) * 1e6:,.0f} us per Batch "
        f"({len(batches)} batches, {verdicts} reportable verdicts); "
        f"{per_verdict / len(many) * 1e6:.1f} us per reportable verdict"
    )
    # --format json (and junit, sarif, -v) list every payload: the client renders each one.
    listed = [v for b in plan_batches(paths[:1], Options(keep_all=True)) for v in b.verdicts]

    def render() -> None:
        reporter = JsonReporter(io.StringIO())
        for verdict in listed:
            reporter.verdict(verdict)
            summary.add_verdict(verdict)

    per_listed, _ = timed(render, runs)
    print(
        f"client listing every payload (--format json): {per_listed / len(listed) * 1e6:.1f} us "
        f"per payload = {len(listed) / per_listed:,.0f} payloads/s at most"
    )


def plan_batches(paths: list[str], options: Options) -> list[Any]:
    return [run_task(t, options) for t in plan(paths, options, chunk=4 << 20)]


S3_LATENCY = 0.15
"""Seconds to the first byte: AWS documents roughly 100-200 ms (the scale guide's sources)."""
S3_BANDWIDTH = 87.5e6
"""Bytes/s of one connection: AWS advises one connection per 85-90 MB/s."""


def model(check_rate: float, payload: float, task_ms: float) -> None:
    """The scale guide's table: one worker reading ranges of S bytes from S3, then checking
    them at the measured speed (one thread), or overlapping the two (two threads)."""
    print("model, one worker reading from S3 (latency 0.15 s, 87.5 MB/s a connection):")
    print("  range     read s  check s  1 thread payloads/s  2 threads payloads/s")
    for size in (1 << 20, 8 << 20, 64 << 20, 256 << 20):
        read = S3_LATENCY + size / S3_BANDWIDTH
        check = size / check_rate
        one = size / (read + check) / payload
        two = size / max(read, check) / payload
        print(f"  {size >> 20:4d} MiB  {read:6.2f}  {check:7.2f}  {one:19,.0f}  {two:20,.0f}")
        cap = 1000 / task_ms * size / payload
        print(
            f"           scheduler cap at {1000 / task_ms:,.0f} tasks/s: "
            f"{cap:,.0f} payloads/s = {cap / two:,.0f} two-thread workers"
        )


LAUNCH = (
    "import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "_, status, usage = os.wait4(p.pid, 0); print(usage.ru_maxrss)"
)
"""Runs a command from a small process and prints its peak RSS in KiB (a child forked from this
large process would start its count at this process's size)."""


def client_memory(paths: list[str], client: Any) -> None:
    address = client.scheduler.address
    peaks = []
    for part in (paths[: max(1, len(paths) // 4)], paths):
        args = [*QC, "--format", "github", "--scheduler", address, *part]
        out = subprocess.run([sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True)
        size = sum(os.path.getsize(p) for p in part)
        peaks.append(f"{size / 2**20:,.0f} MiB -> {int(out.stdout.split()[-1]) / 1024:.1f} MiB")
    print(f"client peak RSS (validate --scheduler, --format github): {'; '.join(peaks)}")


def s3_standin(paths: list[str], client: Any) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.objectstore import s3_server

    with s3_server() as fs:
        fs.put(paths[0], "lake/bench/one.ndjson")
        size = fs.size("lake/bench/one.ndjson")
        start = time.perf_counter()
        for _ in range(20):
            fs.cat_file("lake/bench/one.ndjson", start=0, end=1024)
        latency = (time.perf_counter() - start) / 20
        start = time.perf_counter()
        fs.cat_file("lake/bench/one.ndjson")
        bandwidth = size / (time.perf_counter() - start)
        local = fold(run_local([paths[0]], Options(), 1))
        start = time.perf_counter()
        got = fold(dask_engine.run(["s3://lake/bench/one.ndjson"], Options(), client=None, jobs=2))
        seconds = time.perf_counter() - start
        assert got == local, (got, local)
    print("S3 stand-in (moto, Python, on 127.0.0.1; not S3's figures):")
    print(
        f"  1 KiB range GET {latency * 1000:.1f} ms; one GET of {size / 2**20:.0f} MiB "
        f"{bandwidth / 2**20:.0f} MiB/s; --engine dask on it {local[0] / seconds:,.0f} payloads/s "
        "(own cluster, start-up included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-s3", action="store_true", help="skip the S3 stand-in")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        files = corpus(Path(tmp), args.lines, args.files)
        paths = [str(p) for p in files]
        size = sum(p.stat().st_size for p in files)
        print(
            f"corpus: {args.lines:,} payloads in {args.files} NDJSON files, "
            f"{size / 2**20:,.0f} MiB; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
        )
        whole_command(paths, args.workers, args.runs)
        with (
            LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            steady_state(paths, args.lines, client, args.workers, args.runs)
            task_ms = scheduler_overhead(client, args.runs)
            client_memory(paths, client)
        rate, payload = per_worker(paths, args.runs)
        client_merge(paths, args.runs)
        model(rate, payload, task_ms)
        if not args.no_s3:
            s3_standin(paths, None)
        print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
