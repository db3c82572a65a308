"""Differential fuzzing of the native prover against the exact path (outside CI).

Trains a Prover on the bench's mixed NDJSON corpus and the contract's own corpus (examples, test
notifications, invalid cases, the bodies each Quay release sends, fuzzed valid and invalid
payloads), then runs millions of mutated lines (byte flips, inserts and deletes, key swaps,
value swaps between fields, hostile values, repeated keys, nudged digits) through it, learning
from every mutant along the way. Every line the prover proves is checked by the exact path
(toolkit.validation.proven.divergence). Every mutant is also saved as whole files (compact,
indented, with a BOM, two documents ...: toolkit.prover.mutants.documents) and given to the
seeded scanner of one-file checks (toolkit.prover.seeded, the programs regenerate stored); every
file it proves is checked by the exact path (toolkit.validation.proven.document_divergence).
The mutants also go, a few thousand at a time, through the entry points the runs use: as one
NDJSON buffer cut at a random point into data and tail (`run_chunk`, the NDJSON path), and as
files in a directory, each in one of its whole-file forms (`run_files`, the directory path).
Each must give run()'s verdicts on the same lines or files, and every file run_files proves is
checked by the exact path as a whole file (divergence(whole=True)).
Prints the divergence counts (must be 0), the shares proven, and the per-line cost of the
scanner against orjson.loads on the bench corpus.

Usage: python bench/prover_fuzz.py [--lines N] [--seed S] [--quay-version V]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate import build_ndjson  # noqa: E402

from tests.validation.corpus import (  # noqa: E402
    invalid_payloads,
    release_bodies,
    valid_payloads,
)
from toolkit import contract, fuzz  # noqa: E402
from toolkit.contract.registry import EVENTS  # noqa: E402
from toolkit.contract.releases import parse_release  # noqa: E402
from toolkit.inputs.limits import SNIFF_BYTES  # noqa: E402
from toolkit.prover.learn import Prover  # noqa: E402
from toolkit.prover.mutants import documents, mutants  # noqa: E402
from toolkit.prover.native import built  # noqa: E402
from toolkit.prover.seeded import pass_key  # noqa: E402
from toolkit.validation.proven import divergence, document_divergence, mask  # noqa: E402

BATCH = 4096
"""Mutants per pass through the entry points (run_chunk, run_files)."""
FILES = 512
"""Of those, the ones written out as files for run_files."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000, help="mutated lines to run")
    parser.add_argument("--seed", default="prover-fuzz")
    parser.add_argument("--quay-version", default=None)
    parser.add_argument("--corpus", type=int, default=50_000, help="bench corpus lines")
    args = parser.parse_args()
    if not built():
        print("the native prover is not built (no C compiler at install time)")
        return 2
    gc.disable()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.ndjson"
        build_ndjson(path, args.corpus)
        bench = path.read_bytes().split(b"\n")[:-1]
    notes = [p for e in EVENTS for p in contract.test_notification_examples(e)]
    drawn = fuzz.samples(None, 30, seed=args.seed) + fuzz.samples(
        None, 30, seed=args.seed, invalid=True
    )
    own = [orjson.dumps(p) for p in valid_payloads() + invalid_payloads() + notes]
    own += release_bodies() + [orjson.dumps(s.payload) for s in drawn]
    prover = Prover()
    t0 = time.perf_counter()
    for raw in own + bench:
        _learn(prover, raw)
    print(f"trained on {len(own) + len(bench):,} lines in {time.perf_counter() - t0:.1f} s: ")
    print(f"  {prover.scanner.size():,} skeletons, {len(prover.results)} results")
    cost(prover, bench)
    shares = _share(prover, bench), _share(prover, own)
    print(f"  proven: bench corpus {shares[0]:.1%}, contract corpus {shares[1]:.1%}")

    rng = random.Random(args.seed)
    seeds = own + bench[:5000]
    lines = proven = diverged = 0
    files = [0, 0, 0]  # whole files, proven by the seeded scanner, divergent
    entries = Entries(prover, args.quay_version, rng)
    pending: list[bytes] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        while lines < args.lines:
            raw = rng.choice(seeds)
            for m in mutants(raw, rng, 8):
                lines += 1
                _seeded(m, files)
                _learn(prover, m)
                pending.append(m)
                if prover.scanner.prove(m) >= 0:
                    proven += 1
                    found = divergence(prover, m, args.quay_version)
                    if found is not None:
                        diverged += 1
                        if diverged <= 10:
                            print("DIVERGENCE:", found)
            if len(pending) >= BATCH:
                entries.run(pending, Path(folder))
                pending.clear()
            if lines % 200_000 < 8:
                print(f"  {lines:,} mutated lines, {proven:,} proven, {diverged} divergent")
        entries.run(pending, Path(folder))
    took = time.perf_counter() - t0
    print(f"\nmutated lines: {lines:,} in {took:.0f} s; proven {proven:,} ({proven / lines:.1%})")
    print(f"divergent verdicts: {diverged}")
    share = files[1] / max(files[0], 1)
    print(f"whole files (seeded scanner): {files[0]:,}; proven {files[1]:,} ({share:.1%})")
    print(f"divergent file verdicts: {files[2]}")
    print(
        f"entry points: {entries.chunks:,} NDJSON buffers ({entries.lines:,} lines), "
        f"{entries.files:,} files in directories ({entries.proven:,} proven)"
    )
    print(f"divergent entry verdicts: {entries.diverged}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if diverged or files[2] or entries.diverged else 0


class Entries:
    """Mutants through the scanner calls the runs make (run_chunk for NDJSON, run_files for a
    directory), held to run() on the same lines or file contents, and the files run_files
    proves held to the exact path."""

    def __init__(self, prover: Prover, target: str | None, rng: random.Random) -> None:
        self.prover = prover
        self.target = target
        self.releases = None if target is None else parse_release(target)
        self.rng = rng
        self.chunks = self.lines = self.files = self.proven = self.diverged = 0

    def run(self, batch: list[bytes], folder: Path) -> None:
        """One pass of `batch` through both entry points (the prover as it has learned)."""
        if not batch:
            return
        marks = mask(self.prover, self.releases)
        self._chunk(batch, marks)
        self._files(self.rng.sample(batch, min(FILES, len(batch))), marks, folder)

    def _chunk(self, batch: list[bytes], marks: bytes) -> None:
        text = b"\n".join(batch) + (b"\n" if self.rng.random() < 0.9 else b"")
        lines = text.split(b"\n")  # a mutant may hold a newline: split as the file would be
        if lines and not lines[-1]:
            lines.pop()
        at = self.rng.randrange(len(text) + 1)
        want = self.prover.run(lines, marks)
        *found, kept, count = self.prover.run_chunk(text[:at], text[at:], marks)
        self.chunks += 1
        self.lines += len(lines)
        left = {i: lines[i] for i in (*want[2], *want[1][0::2])}
        if tuple(found) != tuple(want) or count != len(lines) or kept != left:
            self._say(f"run_chunk (cut at {at} of {len(text)}) is not run() on its lines")

    def _files(self, sample: list[bytes], marks: bytes, folder: Path) -> None:
        datas = [self.rng.choice(list(documents(raw))) for raw in sample]
        paths = []
        for i, data in enumerate(datas):
            path = folder / f"{i}.json"
            path.write_bytes(data)
            paths.append(str(path))
        want = self.prover.run(datas, marks)
        found = self.prover.scanner.run_files(paths, marks, SNIFF_BYTES)
        self.files += len(datas)
        if tuple(found) != tuple(want):
            self._say("run_files is not run() on the files' bytes")
        left = set(found[2])  # those in found[1] are counted once their invariants hold
        for i, data in enumerate(datas):
            if i in left or self.prover.scanner.prove(data) < 0:
                continue
            self.proven += 1
            problem = divergence(self.prover, data, self.target, whole=True)
            if problem is not None:
                self._say(f"a file run_files proves: {problem}")

    def _say(self, problem: str) -> None:
        self.diverged += 1
        if self.diverged <= 10:
            print("ENTRY DIVERGENCE:", problem)


def _seeded(line: bytes, files: list[int]) -> None:
    """Count the whole files made of `line` that the seeded scanner proves, and check them."""
    for data in documents(line):
        files[0] += 1
        if pass_key(data) is not None:
            files[1] += 1
            found = document_divergence(data)
            if found is not None:
                files[2] += 1
                if files[2] <= 10:
                    print("FILE DIVERGENCE:", found)


def _learn(prover: Prover, raw: bytes) -> None:
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return
    if type(obj) is dict:
        prover.learn(raw, obj)


def _share(prover: Prover, lines: list[bytes]) -> float:
    return sum(prover.scanner.prove(raw) >= 0 for raw in lines) / max(len(lines), 1)


def cost(prover: Prover, lines: list[bytes]) -> None:
    """The scanner's cost per line against orjson.loads (thread CPU time, best of 5)."""
    loads = orjson.loads
    mask = bytes([1]) * len(prover.results)
    floor, scan = [], []
    for _ in range(5):
        t = time.thread_time()
        for raw in lines:
            loads(raw)
        floor.append(time.thread_time() - t)
        t = time.thread_time()
        prover.run(lines, mask)
        scan.append(time.thread_time() - t)
    n = len(lines)
    f, s = min(floor) / n * 1e6, min(scan) / n * 1e6
    print(f"  per line: orjson.loads {f:.2f} us, scanner {s:.2f} us: {s / f:.2f}x the parse")


if __name__ == "__main__":
    sys.exit(main())
