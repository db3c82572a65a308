"""Payloads generated per second, per event, on one core.

    python bench/fuzz.py [--seconds 1.0] [--hypothesis] [--reference N]

Rates are per CPU second of the process (time.process_time), i.e. per core, so that other load on
a shared machine does not distort them. Columns:
  valid/s      toolkit.fuzz.draw: schema-driven generator, each payload checked by jsonschema-rs
  invalid/s    toolkit.fuzz.draw_invalid: one rule broken, labelled via toolkit.validate
  test/s       test-notification bodies
  @given/s     (--hypothesis) toolkit.fuzz.strategies.payloads inside a Hypothesis @given test; the
               last line shows Hypothesis's own per-example ceiling for comparison
  ref/s        (--reference N) hypothesis-jsonschema's from_schema on the same schema, N examples
               ("fails" when it cannot satisfy the schema at all)
The target is >= 1,000 valid payloads/s per event per core.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from random import Random
from typing import Any

from toolkit import fuzz
from toolkit.contract.registry import EVENTS


def rate(make: Callable[[Random], Any], seconds: float) -> float:
    """Calls per CPU second of this process (steady on a shared machine, unlike wall time)."""
    rng = Random(1)
    make(rng)  # warm caches (validators compiled once per schema)
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for _ in range(20):
            make(rng)
        count += 20
    return count / elapsed


def given_rate(event: str, examples: int, strategy: Any) -> float:
    from hypothesis import HealthCheck, Phase, given, settings

    seen = [0]

    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(payload: Any) -> None:
        seen[0] += 1

    start = time.process_time()
    run()
    return seen[0] / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per event and column")
    parser.add_argument("--hypothesis", action="store_true", help="also time @given")
    parser.add_argument("--reference", type=int, default=0, help="hypothesis-jsonschema examples")
    args = parser.parse_args()

    head = f"{'event':<26}{'valid/s':>9}{'invalid/s':>11}{'test/s':>9}"
    head += f"{'@given/s':>10}" if args.hypothesis else ""
    head += f"{'ref/s':>8}" if args.reference else ""
    print(head)
    valid_rates = []
    for event in EVENTS:
        valid = rate(lambda r, e=event: fuzz.draw(e, r), args.seconds)
        invalid = rate(lambda r, e=event: fuzz.draw_invalid(e, r), args.seconds / 2)
        test = rate(lambda r, e=event: fuzz.draw(e, r, test_notification=True), args.seconds / 2)
        valid_rates.append(valid)
        row = f"{event:<26}{valid:>9.0f}{invalid:>11.0f}{test:>9.0f}"
        if args.hypothesis:
            from toolkit.fuzz.strategies import payloads

            row += f"{given_rate(event, 300, payloads(event)):>10.0f}"
        if args.reference:
            try:
                ref = f"{given_rate(event, args.reference, fuzz.reference_strategy(event)):>8.1f}"
            except Exception as exc:  # hypothesis-jsonschema gives up on some schemas
                ref = f"{'fails':>8} ({type(exc).__name__})"
            row += ref
        print(row, flush=True)
    if args.hypothesis:
        from hypothesis import strategies as st

        floor = given_rate("", 1000, st.integers())
        print(f"Hypothesis's own ceiling, @given(st.integers()): {floor:.0f} examples/s")
    low = min(valid_rates)
    print(
        f"valid payloads/s: min {low:.0f}, median {statistics.median(valid_rates):.0f} "
        f"(target >= 1000 per event per core: {'met' if low >= 1000 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
