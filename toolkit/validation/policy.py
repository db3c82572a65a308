"""The response policy: what a Quay webhook receiver answers, and so what `send` expects of one.

Facts from Quay's code (`notifications/notificationmethod.py`, `workers/notificationworker/`,
`workers/queueworker.py`, `data/queue.py`, `data/model/notification.py`):

- an attempt succeeds on any final 2xx; any other status, a timeout (10 s) or a connection error
  fails it;
- every failed attempt adds one to the notification's `number_of_failures`, every success resets
  it to 0; a notification with 3 or more is skipped (disabled) until an admin resets it, and
  every later event of it is dropped;
- a failed event is retried 30 s later, at most 5 attempts, fewer once the notification is
  disabled: on a notification with no other traffic, one event gets 3 attempts in about a minute.

So the one default: answer 2xx to every body Quay really sends, whether or not it fits the
contract (a Quay change must never disable the notification), 4xx only to requests Quay cannot
have sent (not JSON, wrong secret, unknown event path), and 5xx when the consumer itself failed
to process a real body, so that Quay delivers it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ACCEPTED = 200
REJECTED = 422
"""The answer to a contract-breaking body under `invalid="reject"`."""
FAILED = 500
"""The answer when a handler raised, under `errors="retry"`."""

QUAY_FAILURES_TO_DISABLE = 3
QUAY_RETRY_AFTER = 30
QUAY_ATTEMPTS = 5

Invalid = Literal["acknowledge", "reject"]
Errors = Literal["retry", "acknowledge"]


@dataclass(frozen=True)
class ResponsePolicy:
    """What to answer Quay: the default is the documented policy; each choice can be changed."""

    invalid: Invalid = "acknowledge"
    """A JSON body that breaks the contract: `acknowledge` answers 200 (and hands it to the
    invalid-body handler); `reject` answers 422, so three of them in a row disable the
    notification: choose it only where a contract change must stop deliveries."""
    errors: Errors = "retry"
    """A handler that raised: `retry` answers 500, so Quay tries again 30 s later (up to 3
    attempts on a quiet notification, which is then disabled if every one fails);
    `acknowledge` answers 200, logs the failure and loses the event for Quay."""

    def __post_init__(self) -> None:
        if self.invalid not in ("acknowledge", "reject"):
            raise ValueError(f"invalid= must be 'acknowledge' or 'reject', not {self.invalid!r}")
        if self.errors not in ("retry", "acknowledge"):
            raise ValueError(f"errors= must be 'retry' or 'acknowledge', not {self.errors!r}")

    @property
    def invalid_status(self) -> int:
        """The status for a JSON body that breaks the contract."""
        return ACCEPTED if self.invalid == "acknowledge" else REJECTED

    @property
    def error_status(self) -> int:
        """The status when a handler raised."""
        return FAILED if self.errors == "retry" else ACCEPTED


DEFAULT = ResponsePolicy()
