"""Benchmark `quay-contract listen`: concurrent senders against a real server on loopback.

Prints validated-and-durably-recorded requests/s, then checks that every request answered 2xx
is in the capture files. With --kill-after N the server is SIGKILLed once N requests have been
acknowledged, and the same check shows that no acknowledged request was lost.

The default sender is a lean HTTP/1.1 keep-alive load generator (one request in flight per
connection, as Quay sends), so that on a 2-core machine the senders leave the server its core;
`--client aiohttp` uses the toolkit's replay client instead.

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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from toolkit.capture.listen import loadtest
from toolkit.capture.replay import Outcome, Outgoing, send_all

OnStatus = Callable[[int, int | None], None]


async def lean_send(requests: list[Outgoing], senders: int, on_status: OnStatus) -> None:
    """Send each request over `senders` kept-alive connections; report (index, status|None)."""
    url = urlsplit(requests[0].url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    next_index = iter(range(len(requests)))

    def wire(request: Outgoing) -> bytes:
        path = urlsplit(request.url).path
        head = "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
        return (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
            f"Content-Length: {len(request.body)}\r\n\r\n"
        ).encode() + request.body

    async def sender() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index in next_index:
                try:
                    writer.write(wire(requests[index]))
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line[:15].lower() == b"content-length:":
                            length = int(line[15:])
                    await reader.readexactly(length)
                except (OSError, asyncio.IncompleteReadError):
                    on_status(index, None)
                    return  # the connection is gone (the server was killed)
                status = int(head[9:12])
                on_status(index, status)
        finally:
            writer.close()

    results = await asyncio.gather(*(sender() for _ in range(senders)), return_exceptions=True)
    for index in next_index:  # connections that died leave the rest unsent
        on_status(index, None)
    del results


def _health(url: str) -> dict[str, int]:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        data = json.load(response)
    return data if isinstance(data, dict) else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--kill-after", type=int, default=0, help="SIGKILL after N acks")
    parser.add_argument("--rotate-mb", type=int, default=8)
    parser.add_argument("--client", choices=["lean", "aiohttp"], default="lean")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-listen-") as tmp:
        out = Path(tmp) / "captures"
        server = loadtest.spawn(out, "--quiet", "--rotate-mb", str(args.rotate_mb))
        requests = loadtest.payloads(server.url, args.requests)
        acked: set[int] = set()
        statuses: dict[str, int] = {}

        def seen(index: int, status: int | None) -> None:
            key = str(status) if status else "no answer"
            statuses[key] = statuses.get(key, 0) + 1
            if status is not None and 200 <= status < 300:
                acked.add(index)
                if args.kill_after and len(acked) == args.kill_after:
                    server.kill()

        def seen_outcome(index: int, outcome: Outcome) -> None:
            seen(index, outcome.status)

        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        if args.client == "lean":
            asyncio.run(lean_send(requests, args.senders, seen))
        else:
            asyncio.run(send_all(requests, concurrency=args.senders, on_outcome=seen_outcome))
        elapsed = time.perf_counter() - started
        alive = server.process.poll() is None
        server_cpu = server.cpu_seconds() - cpu_before if alive else 0.0
        fsyncs = _health(server.url).get("fsyncs", 0) if alive else 0
        if not args.kill_after:
            server.stop()
        else:
            server.process.wait(timeout=30)
        found = loadtest.recorded(out)

    lost = acked - found.marks
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"cores: {loadtest.cpu_count()}  senders: {args.senders} ({args.client})  "
        f"requests: {args.requests}"
    )
    print(f"answers: {dict(sorted(statuses.items()))}")
    if args.kill_after:
        print(f"SIGKILL after {args.kill_after} acknowledgements")
    else:
        print(
            f"throughput: {len(acked) / elapsed:,.0f} validated, fsynced requests/s "
            f"({len(acked)} in {elapsed:.2f} s)"
        )
        per = server_cpu / max(1, len(acked)) * 1e6
        print(f"fsyncs: {fsyncs} (group commit: {len(acked) / max(1, fsyncs):.1f} requests each)")
        print(
            f"server CPU: {server_cpu:.2f} s, {per:.0f} µs per request; "
            f"sender CPU (incl. set-up): {usage.ru_utime + usage.ru_stime:.2f} s"
        )
    print(
        f"acknowledged: {len(acked)}  found in captures: {len(found.marks & acked)}  "
        f"lost: {len(lost)}  records: {found.records}  torn last lines: {found.torn}  "
        f"invalid verdicts: {found.invalid}  other problems: {len(found.problems)}"
    )
    return 1 if lost or found.problems or found.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
