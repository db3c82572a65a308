"""Send: deliver payloads to a consumer's endpoint the way Quay does, and judge its answers.

`from toolkit.send import deliver, plan, summarise, quay_body, Transport` as before.
"""

from toolkit.send.delivery import (
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
from toolkit.send.http import HEADERS, Answer, exchange

__all__ = [
    "HEADERS",
    "KINDS",
    "QUAY_TIMEOUT",
    "Answer",
    "Delivery",
    "Outcome",
    "Summary",
    "Transport",
    "deliver",
    "exchange",
    "iter_problems",
    "percentile",
    "plan",
    "post",
    "quay_body",
    "summarise",
]
