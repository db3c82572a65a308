"""Benchmark `quay-contract validate`: NDJSON throughput, a directory, memory, one-file latency.

Builds (in a temporary directory) a 1,000,000-line NDJSON corpus of mixed events and a
10,000-file directory of build_success payloads, then prints, measured in this same run:

- payloads/s of `quay-contract validate` on the NDJSON (auto-detect, every core), and of a plain
  single-process orjson parse of the same file (the floor), with their ratio;
- wall time on the directory against check-jsonschema (skipped with a note if not installed),
  with the invalid files each one caught;
- peak memory (largest process) on 100k and 1M lines: flat means streaming;
- wall time to validate one file, against check-jsonschema.

Usage: python bench/validate.py [--lines N] [--files N] [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit import contract  # noqa: E402
from toolkit.contract.registry import EVENTS  # noqa: E402

QC = [sys.executable, "-m", "toolkit", "validate"]
INVALID_EVERY = 10_000
"""One invalid payload per this many lines in the NDJSON corpus (each is explained in detail)."""


def invalid_cases(event: str | None = None) -> list[Any]:
    base = ROOT / "tests" / "data" / "invalid"
    paths = sorted(base.glob(f"{event or '*'}/*.json"))
    return [json.loads(p.read_text())["payload"] for p in paths]


def vary(payload: dict[str, Any], i: int) -> dict[str, Any]:
    """A distinct but still valid copy: fresh build ids, a numbered tag."""
    out = copy.deepcopy(payload)
    old = out.get("build_id")
    if isinstance(old, str) and len(old) == 36:
        new = str(uuid.UUID(int=random.getrandbits(128), version=4))
        out["build_id"] = new
        if isinstance(out.get("homepage"), str):
            out["homepage"] = out["homepage"].replace(old, new)
    for key in ("updated_tags", "docker_tags"):
        if isinstance(out.get(key), list) and out[key]:
            out[key] = [f"v{i}", *out[key][1:]]
    return out


def build_ndjson(path: Path, lines: int) -> int:
    """Mixed events, each line distinct (fresh build ids, a numbered tag), a few invalid."""
    templates = []
    for event in EVENTS:
        for payload in contract.examples(event):
            raw = orjson.dumps(payload)
            old = payload.get("build_id")
            templates.append(
                (raw, old.encode() if isinstance(old, str) and len(old) == 36 else None)
            )
    bad = [orjson.dumps(p) for p in invalid_cases()]
    invalid = 0
    with path.open("wb") as f:
        buf = []
        for i in range(lines):
            if i % INVALID_EVERY == INVALID_EVERY - 1:
                buf.append(bad[invalid % len(bad)])
                invalid += 1
                continue
            raw, old = templates[i % len(templates)]
            if old is not None:
                raw = raw.replace(
                    old, str(uuid.UUID(int=random.getrandbits(128), version=4)).encode()
                )
            for key in (b'"updated_tags":["', b'"docker_tags":["'):
                raw = raw.replace(key, key + b'v%d","' % i)
            buf.append(raw)
            if len(buf) >= 10_000:
                f.write(b"\n".join(buf) + b"\n")
                buf = []
        if buf:
            f.write(b"\n".join(buf) + b"\n")
    return invalid


def build_directory(path: Path, files: int) -> set[str]:
    """build_success files, 2% invalid: the contract's invalid cases plus 15 invalid URIs."""
    path.mkdir()
    good = contract.examples("build_success")
    bad = invalid_cases("build_success")
    invalid: set[str] = set()
    step = files // 200
    for i in range(files):
        name = f"{i:06}.json"
        if i % step == step - 1 and len(invalid) < 200:
            k = len(invalid)
            if k < 15:  # matches every pattern, but is not a URI: only format checks catch it
                payload = vary(good[0], i)
                payload["homepage"] = payload["homepage"].replace("/build/", f"/x|{k}/build/")
            else:
                payload = bad[k % len(bad)]
            invalid.add(name)
        else:
            payload = vary(good[i % len(good)], i)
        (path / name).write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    return invalid


def engine_ceiling(corpus: Path, lines: int) -> tuple[float, float, float]:
    """Lines/s of orjson alone, of orjson + the detected group's jsonschema-rs validator, and of
    the whole hot loop (toolkit.validation.hotpath.scan_lines: routing, the validator, the
    invariants, the fingerprint, the tally), timed back to back in this process on the corpus's
    first `lines` lines (best of 3)."""
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
    best: dict[str, float] = {}
    gc.disable()
    try:
        for _ in range(3):
            for name, fn in (("parse", parse), ("engine", engine), ("loop", loop)):
                t = time.perf_counter()
                fn()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
    finally:
        gc.enable()
    return len(raws) / best["parse"], len(raws) / best["engine"], len(raws) / best["loop"]


CPU: dict[str, float] = {}
"""CPU seconds (user + sys, every process) of the last run of each command label."""


def timed(cmd: list[str], label: str = "") -> tuple[float, int, str]:
    """(wall seconds, peak RSS KiB of the largest process, stdout) of a command."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL);"
        "w = time.perf_counter() - t; u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "sys.stderr.write(f'{w} {u.ru_maxrss} {u.ru_utime + u.ru_stime}\\n');"
        "sys.stdout.buffer.write(p.stdout)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, *cmd], capture_output=True, check=False, cwd=ROOT
    )
    wall, rss, cpu = proc.stderr.decode().split()[-3:]
    CPU[label] = float(cpu)
    return float(wall), int(rss), proc.stdout.decode()


def median_of(runs: int, cmd: list[str]) -> tuple[float, int, str]:
    results = [timed(cmd) for _ in range(runs)]
    walls = [r[0] for r in results]
    return statistics.median(walls), max(r[1] for r in results), results[-1][2]


FLOOR = (
    "import orjson, sys\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        orjson.loads(line)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    random.seed(7)
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-"))
    try:
        run(tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path, args: argparse.Namespace) -> None:
    cpus = len(os.sched_getaffinity(0))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {cpus} cores; python {sys.version.split()[0]}; {args.runs} runs, medians")
    print(f"load average at start: {load} (other work on the machine slows the parallel run most)")
    corpus = tmp / "corpus.ndjson"
    t = time.perf_counter()
    invalid = build_ndjson(corpus, args.lines)
    size = corpus.stat().st_size
    print(
        f"corpus: {args.lines:,} lines, {size / 2**20:,.0f} MiB, {invalid} invalid "
        f"(built in {time.perf_counter() - t:.1f} s)"
    )

    # 1. NDJSON throughput against the single-core orjson parse floor, same run, interleaved.
    ours, floor, peak = [], [], 0
    out = ""
    for _ in range(args.runs):
        wall, rss, out = timed([*QC, "-q", str(corpus)], "ours")
        ours.append(wall)
        peak = max(peak, rss)
        floor.append(timed([sys.executable, "-c", FLOOR, str(corpus)], "floor")[0])
    ours_rate = args.lines / statistics.median(ours)
    floor_rate = args.lines / statistics.median(floor)
    summary = out.strip().splitlines()[-1] if out.strip() else "(no output)"
    print("\n== NDJSON, auto-detect")
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    print(f"quay-contract validate : {ours_rate:>10,.0f} payloads/s  ({ours_s:.2f} s)")
    print(f"orjson parse, 1 core   : {floor_rate:>10,.0f} payloads/s  ({floor_s:.2f} s)")
    print(f"ratio to the floor     : {ours_rate / floor_rate:.2f}x   (report: {summary})")
    ours_cpu, floor_cpu = CPU["ours"] / args.lines * 1e6, CPU["floor"] / args.lines * 1e6
    print(
        f"CPU per payload        : {ours_cpu:.1f} us (all processes) vs {floor_cpu:.1f} us "
        f"(floor): on {cpus} idle cores about {cpus * floor_cpu / ours_cpu:.2f}x the floor"
    )

    # The engine's own ceiling: parse + one jsonschema-rs call per line, in memory, no I/O.
    parse_rate, engine_rate, loop_rate = engine_ceiling(corpus, min(args.lines, 100_000))
    print(
        f"engine alone, 1 core   : {engine_rate:>10,.0f} payloads/s  (in memory: orjson + one "
        f"jsonschema-rs call a line; orjson alone {parse_rate:,.0f}/s)"
    )
    print(
        f"hot loop, 1 core       : {loop_rate:>10,.0f} payloads/s  ({1e6 / loop_rate:.1f} us a "
        f"line in memory: the engine plus routing, invariants, fingerprint and tally; "
        f"{1e6 / loop_rate - 1e6 / engine_rate:.1f} us more than the engine)"
    )
    print(
        f"engine ceiling         : {cpus} x that = {cpus * engine_rate / floor_rate:.2f}x the "
        "floor (perfect scaling, no I/O, no other work)"
    )

    # 2. Peak memory: 100k lines against the full corpus.
    small = tmp / "small.ndjson"
    with corpus.open("rb") as src, small.open("wb") as dst:
        for i, line in enumerate(src):
            if i >= min(100_000, args.lines // 10):
                break
            dst.write(line)
    _, small_rss, _ = timed([*QC, "-q", str(small)])
    print("\n== Peak memory (largest process)")
    print(f"{min(100_000, args.lines // 10):>9,} lines : {small_rss / 1024:6.1f} MiB")
    print(f"{args.lines:>9,} lines : {peak / 1024:6.1f} MiB")

    # 3. The directory, against check-jsonschema.
    folder = tmp / "dir"
    bad_files = build_directory(folder, args.files)
    schema = tmp / "build_success.bundled.json"
    bundled = {k: v for k, v in contract.resolved("build_success").items() if k != "$id"}
    schema.write_bytes(orjson.dumps(bundled))
    wall, rss, out = median_of(args.runs, [*QC, "--format", "json", str(folder)])
    report = json.loads(out)
    caught = {Path(r["source"]).name for r in report["results"] if r["status"] == "fail"}
    print(
        f"\n== Directory: {args.files:,} files, {len(bad_files)} invalid (15 only by format: uri)"
    )
    print(
        f"quay-contract validate : {wall:6.2f} s  {args.files / wall:>8,.0f} files/s  "
        f"peak {rss / 1024:.0f} MiB  caught {len(caught & bad_files)}/{len(bad_files)}, "
        f"false alarms {len(caught - bad_files)}"
    )
    cj = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    files = sorted(str(p) for p in folder.iterdir())
    if Path(cj).exists():
        cj_wall, cj_rss, cj_out = median_of(args.runs, [cj, "--schemafile", str(schema), *files])
        cj_caught = {Path(line.split("::")[0].strip()).name for line in cj_out.splitlines()}
        cj_caught = {n for n in cj_caught if n in {Path(f).name for f in files}}
        print(
            f"check-jsonschema       : {cj_wall:6.2f} s  {args.files / cj_wall:>8,.0f} files/s  "
            f"peak {cj_rss / 1024:.0f} MiB  caught {len(cj_caught & bad_files)}/{len(bad_files)}"
        )
        print(f"speed-up               : {cj_wall / wall:.1f}x")
    else:
        print("check-jsonschema       : not installed (pip install check-jsonschema); skipped")

    # 4. One file, start-up included.
    one = files[0]
    one_wall = statistics.median(timed([*QC, one])[0] for _ in range(max(5, args.runs)))
    print("\n== One file (wall, start-up included)")
    print(f"quay-contract validate : {one_wall * 1000:6.0f} ms")
    if Path(cj).exists():
        cj_one = statistics.median(
            timed([cj, "--schemafile", str(schema), one])[0] for _ in range(max(5, args.runs))
        )
        print(f"check-jsonschema       : {cj_one * 1000:6.0f} ms")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at end: {load}")


if __name__ == "__main__":
    main()
