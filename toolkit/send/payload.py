"""`send --payload FILE`: chosen bodies, read as every command reads its inputs.

A JSON file is one body (an array, several); NDJSON, HAR, HTTP dumps, capture envelopes and
`fuzz` output work too, and a capture's URL or envelope pins the event. The body is sent as Quay
serialises it; whether Quay sends bodies like it (so a 2xx is due) is the contract's verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from toolkit.inputs import read
from toolkit.send.delivery import Delivery
from toolkit.validation.validator import validate


@dataclass(frozen=True)
class PayloadProblem:
    """A file, or a body in it, that cannot be sent."""

    where: str
    message: str


def deliveries(
    paths: Iterable[str], event: str | None, *, needs_event: bool
) -> tuple[list[Delivery], list[PayloadProblem]]:
    """One Delivery per body in the files; `needs_event` when the URL has `{event}`."""
    out: list[Delivery] = []
    problems: list[PayloadProblem] = []
    for path in paths:
        for record in read(path):
            if record.problem is not None:
                problems.append(PayloadProblem(record.where, record.problem))
                continue
            pinned = event or record.event
            report = validate(record.payload, pinned)
            chosen = pinned or report.event or report.closest or report.candidates[0]
            if needs_event and pinned is None and report.event is None:
                fits = ", ".join(report.candidates) or "no event"
                problems.append(
                    PayloadProblem(
                        record.where,
                        f"the body fits {fits}: give --event NAME to say which URL to send it to",
                    )
                )
                continue
            label = f"payload[{record.where}]"
            out.append(Delivery(chosen, "payload", label, record.payload, quay_sends=report.valid))
    return out, problems
