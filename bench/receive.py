"""What the receiver costs per delivery, in the core and through each framework, in one run.

Delivers 2,080 fuzzed valid payloads (160 per event, fixed seed) with their events in the URL:
to `Receiver.receive` directly (checks, JSON, contract, model, de-duplication key, one no-op
handler), then to the FastAPI, Starlette, Flask and Django apps in process (no sockets: the
framework's own request handling plus the receiver), beside `toolkit.validate` + model_validate
alone. The best of three runs each; prints figures, asserts nothing.
Run: .venv/bin/python bench/receive.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.receive.frameworks import app
from toolkit import fuzz, validate
from toolkit.contract.registry import EVENTS
from toolkit.models import MODELS
from toolkit.receive import Incoming, Receiver
from toolkit.send.delivery import Delivery, quay_body
from toolkit.send.inprocess import run

RUNS = 3
JSON = {"Content-type": "application/json"}


def _best(work: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    samples = fuzz.samples(None, 160, seed=7)
    bodies = [(s.event, quay_body(s.payload)) for s in samples]
    quay = Receiver()
    for event in EVENTS:
        quay.on(event)(lambda d: None)
    n = len(bodies)

    def baseline() -> None:
        for event, body in bodies:
            payload = __import__("orjson").loads(body)
            if validate(payload, event).valid:
                MODELS[event].model_validate(payload)

    def core() -> None:
        for event, body in bodies:
            quay.receive(Incoming(body, JSON, event))

    print(f"{n:,} deliveries (160 per event), best of {RUNS}:")
    base = _best(baseline)
    print(f"  orjson + toolkit.validate + model_validate: {base / n * 1e6:7.1f} µs each")
    own = _best(core)
    print(f"  Receiver.receive (all checks, one handler):  {own / n * 1e6:7.1f} µs each "
          f"({own / base:.2f}x the baseline)")  # fmt: skip
    deliveries = [Delivery(s.event, "valid", "", s.payload) for s in samples]
    for framework in ("starlette", "fastapi", "flask", "django"):
        web = app(framework, quay)
        took = _best(lambda web=web: run(web, "http://bench/quay/{event}", deliveries))
        print(f"  {framework:<9} app in process:                {took / n * 1e6:7.1f} µs each")


if __name__ == "__main__":
    main()
