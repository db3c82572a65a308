"""The unit of work of a validation run: its options, and a Batch of results that travels
cheaply between processes."""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from toolkit.contract.releases import Releases
from toolkit.inputs.limits import MAX_BODY
from toolkit.validation.verdict import Verdict

PassKey = tuple[tuple[str, ...], bool, Releases | None]
"""(candidates, test_notification, fingerprint) of passing payloads that were only counted."""


@dataclass(frozen=True)
class Options:
    """How to check."""

    event: str | None = None
    strict: bool = False
    allow_comments: bool = False
    input_format: str | None = None
    keep_all: bool = False
    """Return a Verdict for every payload, passes included (json/junit/sarif output)."""
    max_body: int = MAX_BODY
    """The largest payload read (an NDJSON line, a document, a decompressed body)."""
    body_column: str = "body"
    """The column of a Parquet or Arrow file that holds each payload's JSON text."""
    quay_version: str | None = None
    """Check against the contract narrowed to this Quay release (`3.10`, `3.8.2`)."""

    @property
    def counts_passes(self) -> bool:
        """Passes are only counted, with no event pinned and nothing strict or relaxed: what
        lets a prover count the payloads it proves (NDJSON lines, walked files)."""
        return not (self.keep_all or self.strict or self.event or self.allow_comments)


@dataclass
class Batch:
    """The outcome of one task: a small summary and the verdicts worth reporting.

    Engines merge Batches in task order (`summary.Summary.add`); a Batch pickles compactly.
    """

    verdicts: list[Verdict] = field(default_factory=list)
    """Verdicts worth reporting (reportable), or every verdict with `Options.keep_all`."""
    passes: Counter[PassKey] = field(default_factory=Counter)
    """Passing payloads that were only counted, per (candidates, test_notification,
    fingerprint): the fingerprint is the `Releases` that could have sent them (None only when
    the default contract rejects the payload, which then is no pass)."""
    lines: int = 0
    """For NDJSON chunks: how many lines the chunk held."""
    path: str | None = None
    """For NDJSON ranges: the file, whose line numbers are fixed up in order (tasks.Renumber)."""

    def __getstate__(self) -> tuple[Any, ...]:
        """Verdicts travel between processes as plain tuples of their fields (pickled in C);
        a plain pass (see _pack) as just its source, candidates and fingerprint; a fingerprint
        (Releases, shared per set) pickles once per Batch."""
        return ([_pack(v) for v in self.verdicts], self.passes, self.lines, self.path)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        packed, self.passes, self.lines, self.path = state
        self.verdicts = [
            Verdict(*values)
            if len(values) != 3
            else Verdict(  # positional: ~1 us faster than keywords, for 10,000s of verdicts
                values[0],
                None,
                None,
                "json",
                values[1][0] if len(values[1]) == 1 else None,
                values[1],
                False,
                True,
                (),
                None,
                None,
                (),
                False,
                values[2],
            )
            for values in packed
        ]


_FIELDS = operator.attrgetter(*(f.name for f in fields(Verdict)))
"""A Verdict's fields, in constructor order, as a tuple."""


def _pack(v: Verdict) -> tuple[Any, ...]:
    """(source, candidates, releases) for a plain pass: a whole file whose Verdict is what
    passes_fast gives (detected, nothing to note); every field otherwise."""
    if (
        v.valid
        and v.line is None
        and v.index is None
        and v.format == "json"
        and not (v.errors or v.notes or v.test_notification or v.pinned)
        and v.problem is None
        and v.closest is None
        and v.event == (v.candidates[0] if len(v.candidates) == 1 else None)
    ):
        return v.source, v.candidates, v.releases
    return _FIELDS(v)
