"""Benchmark `quay-contract listen`: concurrent senders against a real server on loopback.

Prints validated-and-durably-recorded requests/s, then checks that every request answered 2xx
is in the capture files. With --kill-after N the server is SIGKILLed once N requests have been
acknowledged, and the same check shows that no acknowledged request was lost.

    python bench/listen.py                      # 16 senders, 20,000 requests
    python bench/listen.py --kill-after 5000    # crash under load
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

from toolkit.listen import loadtest
from toolkit.replay import Outcome, send_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--kill-after", type=int, default=0, help="SIGKILL after N acks")
    parser.add_argument("--rotate-mb", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-listen-") as tmp:
        out = Path(tmp) / "captures"
        server = loadtest.spawn(out, "--quiet", "--rotate-mb", str(args.rotate_mb))
        requests = loadtest.payloads(server.url, args.requests)
        acked: set[int] = set()

        def seen(index: int, outcome: Outcome) -> None:
            if outcome.ok:
                acked.add(index)
                if args.kill_after and len(acked) == args.kill_after:
                    server.kill()

        started = time.perf_counter()
        outcomes = asyncio.run(send_all(requests, concurrency=args.senders, on_outcome=seen))
        elapsed = time.perf_counter() - started
        server_cpu = server.cpu_seconds() if server.process.poll() is None else 0.0
        if not args.kill_after:
            server.stop()
        else:
            server.process.wait(timeout=30)
        found = loadtest.recorded(out)

    statuses: dict[str, int] = {}
    for outcome in outcomes:
        key = str(outcome.status) if outcome.status else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
    lost = acked - found.marks
    print(f"cores: {loadtest.cpu_count()}  senders: {args.senders}  requests: {args.requests}")
    print(f"answers: {dict(sorted(statuses.items()))}")
    if args.kill_after:
        print(f"SIGKILL after {args.kill_after} acknowledgements")
    else:
        print(
            f"throughput: {len(acked) / elapsed:,.0f} validated, fsynced requests/s "
            f"({len(acked)} in {elapsed:.2f} s)"
        )
        client_cpu = sum(
            getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime")
        )
        print(f"sender CPU (this process, incl. set-up): {client_cpu:.2f} s")
        per = server_cpu / max(1, len(acked)) * 1e6
        print(f"server CPU: {server_cpu:.2f} s, {per:.0f} µs per request (one process)")
    print(
        f"acknowledged: {len(acked)}  found in captures: {len(found.marks & acked)}  "
        f"lost: {len(lost)}  records: {found.records}  torn last lines: {found.torn}  "
        f"invalid verdicts: {found.invalid}  other problems: {len(found.problems)}"
    )
    return 1 if lost or found.problems or found.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
