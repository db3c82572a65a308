"""What Quay's notification worker does when a delivery raises (read from Quay's worker code).

- A template parse error becomes a notification failure: counted, the queue item is retried
  after 30 s, and the notification stops firing once it has failed 3 times.
- KeyError is counted too, then escapes the worker's loop like any other exception.
- Any other exception (TypeError, AttributeError, ...) is not counted: it is logged as
  "Operation raised exception", the item is claimed again when its 30 s reservation expires, up
  to 5 attempts, and the notification is never disabled, so the failure stays invisible in
  Quay's UI.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.templates.engine import DELIVERY_FAILED, QuayError

ATTEMPTS = 5
"""How often the queue hands out one event before giving up."""
DISABLED_AFTER = 3
"""Failures after which Quay skips the notification."""


@dataclass(frozen=True)
class Effect:
    """How the worker handles one failed delivery."""

    counted: bool
    """The notification's failure count goes up."""
    text: str


def effect(error: QuayError) -> Effect:
    """The worker's handling of a delivery that raised `error`."""
    if error.parse or error.type == DELIVERY_FAILED:
        return Effect(
            True,
            f"Quay counts the failure and retries after 30 s; after {DISABLED_AFTER} failures "
            "the notification is disabled",
        )
    if error.type == "KeyError":
        return Effect(
            True,
            f"Quay's worker counts the KeyError as a failure (after {DISABLED_AFTER} the "
            "notification is disabled) and lets it escape; the event is retried up to "
            f"{ATTEMPTS} times",
        )
    return Effect(
        False,
        f"Quay's worker does not catch {error.type}: each event is tried {ATTEMPTS} times and "
        "logged as 'Operation raised exception', and the notification is never disabled "
        "(its failure count stays 0)",
    )
