"""A consumer's webhook handler: the code under test in `test_webhook.py`.

Quay's body does not name its event, so the handler is mounted once per event
(`/quay/<event>`), exactly as the notifications are configured in Quay.
"""

from __future__ import annotations

import json

from toolkit import validate
from toolkit.models import MODELS

SEEN_BUILDS: set[str] = set()
CONTRACT_BREAKS: list[str] = []  # where each body that broke the contract did (alert on it)


def handle(event: str, body: bytes) -> int:
    """Process one delivery; return the HTTP status to answer Quay with."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 400  # not JSON: Quay never sends this
    report = validate(payload, event)
    if not report.valid:
        # Acknowledge, but do not act on it: a Quay change must not disable the notification.
        CONTRACT_BREAKS.append(report.errors[0].path)
        return 200
    if report.test_notification:
        return 200  # the "Test Notification" button: acknowledge, do nothing
    model = MODELS[event].model_validate(payload)
    build_id = getattr(model, "build_id", None)
    if build_id is not None:
        # Quay delivers at least once: build_id (the payload's own string) is the idempotency key.
        SEEN_BUILDS.add(build_id)
    return 200
