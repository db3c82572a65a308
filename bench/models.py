"""How fast the generated models parse, beside the contract's own check of the same payloads.

Parses 2,080 fuzzed payloads (160 per event, fixed seed) with `MODELS[event].model_validate`,
checks them with the compiled contract (jsonschema-rs), and runs `toolkit.parse` (contract check,
then the model) on them; the best of five runs each. Prints figures; asserts nothing.
Run: .venv/bin/python bench/models.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from toolkit import contract, fuzz, parse
from toolkit.models import MODELS

RUNS = 5


def _best(work: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    samples = fuzz.samples(None, 160, seed="bench-models")
    pairs = [(s.event, s.payload) for s in samples]
    models = [(MODELS[e], p) for e, p in pairs]
    checks = [(contract.fast(e), p) for e, p in pairs]
    for event, payload in pairs:  # warm every validator and model once
        parse(payload, event)

    model_s = _best(lambda: [m.model_validate(p) for m, p in models])
    check_s = _best(lambda: [v.is_valid(p) for v, p in checks])
    parse_s = _best(lambda: [parse(p, e) for e, p in pairs])
    n = len(pairs)
    print(f"{n} fuzzed payloads, 13 events, best of {RUNS}")
    print(f"  model_validate       {n / model_s:>10,.0f} payloads/s")
    print(f"  contract (fast path) {n / check_s:>10,.0f} payloads/s")
    print(f"  toolkit.parse        {n / parse_s:>10,.0f} payloads/s")
    print(f"  model_validate costs {model_s / check_s:.2f}x the contract check")


if __name__ == "__main__":
    main()
