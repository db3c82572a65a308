"""A load harness for the recorder, shared by `bench/listen.py` and the crash tests.

It runs `quay-contract listen` as a child process, sends uniquely marked valid payloads with
many concurrent senders, and checks that every acknowledged (2xx) request is in the captures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from toolkit import contract
from toolkit.capture import envelope
from toolkit.capture import reader as captures
from toolkit.capture.replay import Outgoing
from toolkit.contract.registry import EVENTS

MARK = "x_load_id"
"""The extra top-level field that numbers each sent payload (extra fields are allowed)."""


@dataclass
class Server:
    """A recorder running in a child process."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL: no chance to flush anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, then wait for a clean exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def spawn(out: Path, *args: str, timeout: float = 30.0) -> Server:
    """Start `quay-contract listen --port 0 --out OUT ARGS...` and wait for its URL."""
    log = out.parent / f"{out.name}.listen.log"
    command = [sys.executable, "-m", "toolkit", "listen", "--port", "0", "--out", str(out), *args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        for line in text.splitlines():
            if " listening on " in line:
                url = line.split(" listening on ", 1)[1].split(" ", 1)[0].rstrip(",")
                return Server(process, url, log)
        if process.poll() is not None:
            raise RuntimeError(f"listen exited with {process.returncode}:\n{text}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"listen did not start within {timeout} s:\n{log.read_text()}")


def payloads(url: str, count: int) -> list[Outgoing]:
    """`count` valid deliveries to `/quay/<event>`, cycling through every event's examples."""
    samples = [(event, example) for event in EVENTS for example in contract.examples(event)]
    headers = {"Content-type": "application/json", "User-Agent": "python-requests/2.32.3"}
    out = []
    for index in range(count):
        event, example = samples[index % len(samples)]
        body = orjson.dumps({**example, MARK: index})
        out.append(Outgoing(f"{url}/quay/{event}", headers, body, label=str(index)))
    return out


@dataclass(frozen=True)
class Recorded:
    """What the capture files hold."""

    marks: set[int]
    records: int
    torn: int
    problems: list[str]
    invalid: int


def recorded(out: Path) -> Recorded:
    """Every marked payload in the captures under `out`, plus torn lines and other problems."""
    marks: set[int] = set()
    records = torn = invalid = 0
    problems: list[str] = []
    for item in captures.read([out]):
        if isinstance(item, captures.Problem):
            torn += item.torn
            if not item.torn:
                problems.append(f"{item.location}: {item.message}")
            continue
        records += 1
        verdict = item.record.get("verdict") or {}
        invalid += not verdict.get("valid", False)
        body = orjson.loads(envelope.body_bytes(item.record))
        if isinstance(body, dict) and isinstance(body.get(MARK), int):
            marks.add(body[MARK])
    return Recorded(marks, records, torn, problems, invalid)


def cpu_count() -> int:
    """Cores available to this process."""
    return len(os.sched_getaffinity(0))
