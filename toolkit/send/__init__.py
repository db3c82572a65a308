"""Send: deliver payloads to a consumer's endpoint the way Quay does, and judge its answers.

`from toolkit.send import deliver, plan, summarise, quay_body, Transport` as before.
"""

from toolkit.send.delivery import (
    HEADERS,
    KINDS,
    QUAY_TIMEOUT,
    Delivery,
    Outcome,
    Summary,
    Transport,
    deliver,
    iter_problems,
    percentile,
    plan,
    post,
    quay_body,
    summarise,
)

__all__ = [
    "HEADERS",
    "KINDS",
    "QUAY_TIMEOUT",
    "Delivery",
    "Outcome",
    "Summary",
    "Transport",
    "deliver",
    "iter_problems",
    "percentile",
    "plan",
    "post",
    "quay_body",
    "summarise",
]
