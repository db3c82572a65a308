"""Fuzzing: schema-driven payloads with Quay-realistic values, one-rule mutants, Hypothesis
strategies and the pytest plugin.

`from toolkit import fuzz` gives the corpus functions (`fuzz.sample(event)`, `fuzz.samples(...)`,
`fuzz.draw(...)`, ...); Hypothesis strategies are in `toolkit.strategies`.
"""

from toolkit.fuzz.corpus import (
    HYPOTHESIS_BROKEN_FROM,
    GenerationError,
    Sample,
    Violation,
    check_hypothesis,
    draw,
    draw_invalid,
    events_of,
    generator,
    hypothesis_version,
    iter_samples,
    reference_strategy,
    sample,
    samples,
)

__all__ = [
    "HYPOTHESIS_BROKEN_FROM",
    "GenerationError",
    "Sample",
    "Violation",
    "check_hypothesis",
    "draw",
    "draw_invalid",
    "events_of",
    "generator",
    "hypothesis_version",
    "iter_samples",
    "reference_strategy",
    "sample",
    "samples",
]
