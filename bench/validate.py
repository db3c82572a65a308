"""Benchmark `quay-contract validate` against issue 18's targets, every figure from this one run.

Builds (in a temporary directory) a mixed-event NDJSON corpus and a directory of build_success
payloads (bench/_corpora.py), then measures, interleaving each command with its reference:

- NDJSON: payloads/s of `quay-contract validate -q` (auto-detect, every core) against the parse
  floor, a single process doing `for line in f: orjson.loads(line)` on the same file;
- the engine alone, in memory on one core, against `orjson.loads` in memory on the same lines
  (like with like: both in this process, no file loop);
- peak memory (largest process);
- the directory against check-jsonschema, with the invalid files each one caught;
- one file, start-up included, median of 5, from a normal non-editable install with compiled
  bytecode (`pip install --target`, made here unless --site names one), against check-jsonschema
  and against the bare floor `python -c "import orjson, jsonschema_rs"`;
- the differential fuzzer (bench/prover_fuzz.py, --fuzz-lines mutated lines, each also as
  whole files for the seed programs, and all of them through the scanner calls the NDJSON and
  directory runs make): the verdicts on which the native prover and the exact path disagree.

It ends with one row per target, each with its target and a pass/fail mark, and the load
average at the start and the end (the machine is shared: ratios, not absolute times, carry).

Usage: python bench/validate.py [--quick] [--lines N] [--files N] [--runs N] [--site DIR]
                                [--fuzz-lines N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from _corpora import ROOT, build_directory, build_ndjson

sys.path.insert(0, str(ROOT))

from toolkit import contract

QC = [sys.executable, "-m", "toolkit", "validate"]
"""Run with SITE (the non-editable install) first on PYTHONPATH, from the temporary folder."""
ENV: dict[str, str] = {}
WORK = ROOT
FLOOR = (
    "import orjson, sys\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        orjson.loads(line)\n"
)
TARGETS: list[tuple[str, str, str, bool]] = []
"""(what, measured, target, met) rows, printed at the end."""
CPU: dict[str, float] = {}
"""CPU seconds (user + sys, every process) of the last run of each command label."""


def target(what: str, measured: str, goal: str, met: bool) -> None:
    TARGETS.append((what, measured, goal, met))


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(
    cmd: list[str], label: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, int, str]:
    """(wall seconds, peak RSS KiB of the largest process, stdout) of a command run in `cwd`."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL);"
        "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "sys.stderr.write(f'{w} {u.ru_maxrss} {u.ru_utime + u.ru_stime}\\n');"
        "sys.stdout.buffer.write(p.stdout)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, *cmd],
        capture_output=True,
        check=False,
        cwd=cwd or WORK,
        env=env or ENV or None,
    )
    wall, rss, cpu = proc.stderr.decode().split()[-3:]
    CPU[label] = float(cpu)
    return float(wall), int(rss), proc.stdout.decode()


def alternate(runs: int, *cmds: list[str]) -> list[list[float]]:
    """Wall seconds of each command, `runs` times, the commands interleaved."""
    walls: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            walls[i].append(timed(cmd)[0])
    return walls


def engine_ratio(corpus: Path, lines: int) -> tuple[float, float, float]:
    """Lines/s of orjson.loads, of orjson.loads + the shape's jsonschema-rs call, and of the
    whole hot loop (toolkit.validation.hotpath.scan_lines: routing, validation, invariants,
    fingerprint, tally), in memory, on the corpus's first `lines` lines, one core, best of 3
    (GC off, as the workers run). No file loop in any: the ratios compare like with like."""
    import gc

    from toolkit.contract.detect import plain_route, warm
    from toolkit.validation.batch import Batch, Options
    from toolkit.validation.hotpath import scan_lines

    warm()
    with corpus.open("rb") as f:
        raws = [f.readline() for _ in range(lines)]
    routes = {}
    for raw in raws:
        shape = tuple(orjson.loads(raw))
        routes[shape] = plain_route(shape)

    def parse() -> None:
        for raw in raws:
            orjson.loads(raw)

    def engine() -> None:
        for raw in raws:
            obj = orjson.loads(raw)
            route = routes[tuple(obj)]
            if route is not None:
                route[0].is_valid(obj)

    data = b"".join(raws)

    def loop() -> None:
        scan_lines(data, "corpus.ndjson", Options(), Batch())

    loop()  # compile what the shapes need once
    best = {"parse": float("inf"), "engine": float("inf"), "loop": float("inf")}
    gc.disable()
    try:
        for _ in range(3):
            for name, fn in (("parse", parse), ("engine", engine), ("loop", loop)):
                t = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - t)
    finally:
        gc.enable()
    n = len(raws)
    return n / best["parse"], n / best["engine"], n / best["loop"]


def install(tmp: Path) -> Path:
    """A non-editable install of this checkout with compiled bytecode (what `pip install .`
    puts in site-packages), in a folder to put first on PYTHONPATH."""
    site = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k lines, 2,000 files: to try")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3, help="runs per command (one file: >= 5)")
    parser.add_argument("--site", type=Path, help="a non-editable install (pip --target) to use")
    parser.add_argument("--fuzz-lines", type=int, default=None, help="mutated lines (0: none)")
    args = parser.parse_args()
    args.lines = args.lines or (100_000 if args.quick else 1_000_000)
    args.files = args.files or (2_000 if args.quick else 10_000)
    if args.fuzz_lines is None:
        args.fuzz_lines = 100_000 if args.quick else 1_000_000
    random.seed(7)
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-"))
    try:
        run(tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path, args: argparse.Namespace) -> None:
    global WORK
    cpus = len(os.sched_getaffinity(0))
    print(f"machine: {cpus} cores; python {sys.version.split()[0]}; medians of {args.runs} runs")
    print(f"load average at start: {load()}")
    site = args.site or install(tmp)
    ENV.update(os.environ, PYTHONPATH=str(site))
    WORK = tmp  # not the checkout, whose toolkit/ `python -m` would import first
    where = subprocess.run(
        [sys.executable, "-c", "import toolkit; print(toolkit.__file__)"],
        capture_output=True, text=True, env=ENV, check=True, cwd=tmp,
    ).stdout.strip()  # fmt: skip
    version = subprocess.run(
        [*QC[:-1], "--version"], capture_output=True, text=True, cwd=tmp, env=ENV, check=True
    )
    print(f"version: {version.stdout.strip()}; toolkit from {where} (non-editable, bytecode)")
    peaks: list[int] = []
    ndjson(tmp, args, cpus, peaks)
    directory(tmp, args, peaks)
    one_file(tmp, args)
    fuzzed = differential(args.fuzz_lines)
    print("\n== Targets (issue 18), from this run")
    for what, measured, goal, met in TARGETS:
        print(f"{'PASS' if met else 'FAIL'}  {what:<34} {measured:<28} target {goal}")
    mib = max(peaks) / 1024
    print(f"{'PASS' if mib < 60 else 'FAIL'}  {'peak memory, largest process':<34} "
          f"{mib:.1f} MiB{'':<19} target < 60 MiB")  # fmt: skip
    if fuzzed is None:
        print("----  divergent verdicts (fuzzer)       not run (--fuzz-lines 0, or no prover)")
    else:
        lines, divergent = fuzzed
        print(f"{'PASS' if divergent == 0 else 'FAIL'}  {'divergent verdicts (fuzzer)':<34} "
              f"{divergent} in {lines:,} mutated lines{'':<3} target 0")  # fmt: skip
    print(f"\nload average at end: {load()}")


def ndjson(tmp: Path, args: argparse.Namespace, cpus: int, peaks: list[int]) -> None:
    corpus = tmp / "corpus.ndjson"
    t = time.perf_counter()
    invalid = build_ndjson(corpus, args.lines)
    mib = corpus.stat().st_size / 2**20
    print(f"corpus: {args.lines:,} lines, {mib:,.0f} MiB, {invalid} invalid "
          f"(built in {time.perf_counter() - t:.1f} s)")  # fmt: skip
    ours, floor = [], []
    out = ""
    for _ in range(args.runs):
        wall, rss, out = timed([*QC, "-q", str(corpus)], "ours")
        ours.append(wall)
        peaks.append(rss)
        floor.append(timed([sys.executable, "-c", FLOOR, str(corpus)], "floor")[0])
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    ratio = floor_s / ours_s
    print("\n== NDJSON, auto-detect, every core")
    print(f"quay-contract validate : {args.lines / ours_s:>10,.0f} payloads/s  ({ours_s:.2f} s)")
    print(f"orjson parse floor     : {args.lines / floor_s:>10,.0f} payloads/s  ({floor_s:.2f} s,"
          " one process, line by line)")  # fmt: skip
    print(f"ratio to the floor     : {ratio:.2f}x   (report: {out.strip()[-80:]})")
    ours_cpu, floor_cpu = CPU["ours"] / args.lines * 1e6, CPU["floor"] / args.lines * 1e6
    print(f"CPU per payload        : {ours_cpu:.1f} us (every process) vs {floor_cpu:.1f} us "
          "(floor)")  # fmt: skip
    parse_rate, engine_rate, loop_rate = engine_ratio(corpus, min(args.lines, 100_000))
    inmem = engine_rate / parse_rate
    print(
        f"engine, in memory      : orjson + one jsonschema-rs call a line = {inmem:.2f}x "
        f"orjson alone (same lines, same process, 1 core); x {cpus} cores = {cpus * inmem:.2f}x: "
        "the ceiling of parse + validate per line, before any file loop or other work"
    )
    print(
        f"hot loop, in memory    : {1e6 / loop_rate:.1f} us a line (scan_lines: the engine plus "
        f"routing, invariants, fingerprint, tally) = {loop_rate / parse_rate:.2f}x orjson alone"
    )
    target(
        "NDJSON, auto-detect, both cores", f"{ratio:.2f}x the parse floor", ">= 1.0x", ratio >= 1
    )
    small = tmp / "small.ndjson"
    keep = min(100_000, args.lines // 10)
    with corpus.open("rb") as src, small.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= keep:
                break
            dst.write(line)
    small_rss = timed([*QC, "-q", str(small)])[1]
    peaks.append(small_rss)
    print(f"peak memory            : {small_rss / 1024:.1f} MiB ({keep:,} lines), "
          f"{max(peaks) / 1024:.1f} MiB ({args.lines:,} lines)")  # fmt: skip
    corpus.unlink()


def directory(tmp: Path, args: argparse.Namespace, peaks: list[int]) -> None:
    folder = tmp / "dir"
    bad = build_directory(folder, args.files)
    schema = tmp / "build_success.bundled.json"
    bundled = {k: v for k, v in contract.resolved("build_success").items() if k != "$id"}
    schema.write_bytes(orjson.dumps(bundled))
    files = sorted(str(p) for p in folder.iterdir())
    cj = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    ours_cmd = [*QC, str(folder)]  # the default text report: a FAIL line per invalid file
    cj_cmd = [cj, "--schemafile", str(schema), *files]
    have_cj = Path(cj).exists()
    walls, cj_walls, rss, out = [], [], 0, ""
    for _ in range(args.runs):
        wall, r, out = timed(ours_cmd)
        walls.append(wall)
        rss = max(rss, r)
        if have_cj:
            cj_walls.append(timed(cj_cmd)[0])
    peaks.append(rss)
    wall = statistics.median(walls)
    caught = {Path(line.split()[1]).name for line in out.splitlines() if line.startswith("FAIL ")}
    print(f"\n== Directory: {args.files:,} files, {len(bad)} invalid (15 only by format: uri)")
    print(f"quay-contract validate : {wall:6.2f} s  {args.files / wall:>8,.0f} files/s  "
          f"peak {rss / 1024:.0f} MiB  caught {len(caught & bad)}/{len(bad)}, "
          f"false alarms {len(caught - bad)}")  # fmt: skip
    if not have_cj:
        print("check-jsonschema       : not installed (pip install -e '.[bench]'); skipped")
        target("directory vs check-jsonschema", "not measured", ">= 25x", False)
        return
    cj_wall = statistics.median(cj_walls)
    _, _, cj_out = timed(cj_cmd)
    names = {Path(f).name for f in files}
    cj_caught = {Path(line.split("::")[0].strip()).name for line in cj_out.splitlines()} & names
    print(f"check-jsonschema       : {cj_wall:6.2f} s  {args.files / cj_wall:>8,.0f} files/s  "
          f"caught {len(cj_caught & bad)}/{len(bad)}")  # fmt: skip
    speed = cj_wall / wall
    all_caught = caught == bad
    print(f"speed-up               : {speed:.1f}x")
    target(f"{args.files:,}-file directory", f"{speed:.1f}x check-jsonschema, "
           f"{len(caught & bad)}/{len(bad)} caught", ">= 25x, all caught",
           speed >= 25 and all_caught)  # fmt: skip


def one_file(tmp: Path, args: argparse.Namespace) -> None:
    one = str(tmp / "one.json")
    shutil.copy(sorted((tmp / "dir").iterdir())[0], one)
    runs = max(5, args.runs)
    bare = [sys.executable, "-c", "import orjson, jsonschema_rs"]
    ours, floor = alternate(runs, [*QC, one], bare)
    ms, floor_ms = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    print(f"\n== One file (build_success), start-up included, median of {runs}")
    print(f"quay-contract validate : {ms:6.0f} ms")
    print(f"python + orjson + jsonschema_rs imports alone: {floor_ms:6.0f} ms")
    cj = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if Path(cj).exists():
        schema = str(tmp / "build_success.bundled.json")
        cj_ms = statistics.median(alternate(runs, [cj, "--schemafile", schema, one])[0]) * 1000
        print(f"check-jsonschema       : {cj_ms:6.0f} ms")
    target("one file, non-editable install", f"{ms:.0f} ms (imports alone {floor_ms:.0f})",
           "<= 70 ms", ms <= 70)  # fmt: skip


def differential(lines: int) -> tuple[int, int] | None:
    """(mutated lines, divergent verdicts) of bench/prover_fuzz.py run on `lines` lines, from
    this checkout (where the extension is built in place); None when not run."""
    if lines <= 0:
        return None
    print(f"\n== Differential fuzzer (bench/prover_fuzz.py --lines {lines:,})", flush=True)
    ran = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "prover_fuzz.py"), "--lines", str(lines)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    out = ran.stdout.splitlines()
    for line in out[-10:]:
        print(line)
    mutated = [line for line in out if line.startswith("mutated lines:")]
    # Lines through the learning scanner, whole files through the seeded one, and both through
    # the scanner calls the NDJSON and directory runs make.
    divergent = [
        line
        for line in out
        if line.startswith(("divergent verdicts:", "divergent file", "divergent entry"))
    ]
    if ran.returncode not in (0, 1) or not mutated or not divergent:  # 1: some diverged
        print(f"the fuzzer did not finish (exit {ran.returncode}): {ran.stderr.strip()[-300:]}")
        return None
    count = int(mutated[0].split(":")[1].split(" in ")[0].replace(",", ""))
    return count, sum(int(line.split(":")[1]) for line in divergent)


if __name__ == "__main__":
    main()
