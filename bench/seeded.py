"""What the seeded scanner of one-file checks costs and covers (toolkit.prover.seeded).

Prints, from one run:
- the seed file: its size, programs, skeletons and results;
- start-up, median of N fresh processes of this interpreter, interleaved, from a non-editable
  install with compiled bytecode (bench/validate.py's, made here unless --site names one):
  `python -c pass`, `import toolkit`, importing toolkit.prover.seeded, and importing it and
  proving one build_success example (the loading of the seed files included), and
  `import orjson, jsonschema_rs` for comparison;
- the loading of the seed files and the cost of one call, in process;
- the share of the traced release bodies (tests/data/releases) and captured bodies
  (tests/data/captured) it proves, compact and indented, among all and among those the exact
  path passes (plain_pass); it is never asked to prove the others right;
- the `python -X importtime` summary of a process that imports it and proves the example.

Usage: python bench/seeded.py [--runs N] [--site DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate import install  # noqa: E402

from tests.validation.corpus import captured_bodies, release_bodies  # noqa: E402
from toolkit.prover import seeded  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--site", type=Path, help="a non-editable install (pip --target) to use")
    args = parser.parse_args()
    load = os.getloadavg()
    path = ROOT / "generated" / seeded.SEEDS
    data = json.loads(path.read_text())
    skeletons = len({p[0] for p in data["programs"]})
    print(f"seed file: {path.stat().st_size:,} B, {len(data['programs'])} programs, ")
    print(f"  {skeletons} skeletons, {len(data['results'])} results, {len(data['sets'])} sets")
    example = json.loads((ROOT / "schemas" / "build_success.schema.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.json"
        one.write_text(json.dumps(example["examples"][0], indent=2))
        site = args.site or install(Path(tmp))
        env = {**os.environ, "PYTHONPATH": str(site)}
        where = subprocess.run(
            [sys.executable, "-c", "import toolkit; print(toolkit.__file__)"],
            **_in(env, tmp),
        ).stdout.strip()
        print(f"toolkit from {where} (non-editable, bytecode)")
        startup(one, args.runs, env, tmp)
        importtime(one, env, tmp)
        text = one.read_bytes()
    in_process(text)
    coverage()
    end = os.getloadavg()
    print(f"load average: {load[0]:.2f} at the start, {end[0]:.2f} at the end")
    return 0


def _in(env: dict[str, str], cwd: str) -> dict[str, Any]:
    return {"env": env, "cwd": cwd, "capture_output": True, "text": True, "check": True}


def startup(one: Path, runs: int, env: dict[str, str], cwd: str) -> None:
    prove = (
        "from toolkit.prover.seeded import pass_key; "
        f"assert pass_key(open({str(one)!r}, 'rb').read())"
    )
    cases = {
        "python -c pass": "pass",
        "import toolkit": "import toolkit",
        "import toolkit.prover.seeded": "import toolkit.prover.seeded",
        "... and prove one file": prove,
        "import orjson, jsonschema_rs": "import orjson, jsonschema_rs",
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, code in cases.items():
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], **_in(env, cwd))
            times[name].append((time.perf_counter() - t) * 1e3)
    print(f"start-up, median of {runs} processes (interleaved):")
    base = statistics.median(times["python -c pass"])
    for name, found in times.items():
        median = statistics.median(found)
        print(f"  {name:32} {median:6.1f} ms  (+{median - base:.1f} ms)")


def importtime(one: Path, env: dict[str, str], cwd: str) -> None:
    code = f"from toolkit.prover.seeded import pass_key; pass_key(open({str(one)!r}, 'rb').read())"
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], **_in(env, cwd)).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        _, own, total, name = line.replace(":", "|", 1).split("|")
        rows.append((int(total), int(own), name[1:]))
    top = [r for r in rows if not r[2].startswith(" ")]
    print("python -X importtime, top-level imports of the one-file proof (cumulative us):")
    for total, _, name in sorted(top, reverse=True)[:12]:
        print(f"  {total:7,}  {name}")
    ours = sorted(r[2].strip() for r in rows if r[2].strip().startswith("toolkit"))
    print(f"  modules imported: {len(rows)}; toolkit modules: {', '.join(ours)}")


def in_process(example: bytes) -> None:
    seeded._seeded.cache_clear()
    t = time.perf_counter()
    seeded._seeded()
    loaded = (time.perf_counter() - t) * 1e3
    n = 20_000
    t = time.perf_counter()
    for _ in range(n):
        seeded.pass_key(example)
    call = (time.perf_counter() - t) / n * 1e6
    print(
        f"in process: loading the seeds {loaded:.2f} ms; one call {call:.1f} us "
        f"({len(example):,} B, indented)"
    )


def coverage() -> None:
    from toolkit.validation.plain import plain_pass

    for name, bodies in (("release bodies", release_bodies()), ("captured", captured_bodies())):
        forms = [b for raw in bodies for b in (raw, _indented(raw))]
        passing = [b for b in forms if plain_pass(b) is not None]
        proven = [b for b in forms if seeded.pass_key(b) is not None]
        among = sum(1 for b in passing if seeded.pass_key(b) is not None)
        print(
            f"{name}: {len(bodies)} bodies, compact and indented: proven {len(proven)} of "
            f"{len(forms)} ({len(proven) / len(forms):.0%}); of the {len(passing)} plain "
            f"passes {among} ({among / max(len(passing), 1):.0%})"
        )


def _indented(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), indent=2, ensure_ascii=False).encode()


if __name__ == "__main__":
    sys.exit(main())
