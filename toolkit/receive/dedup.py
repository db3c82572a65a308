"""De-duplication keys: Quay delivers at least once, and its bodies carry no delivery id.

A failed attempt is retried with the same bytes 30 s later, so a consumer that acts on an event
needs a key that is the same for every delivery of one event and different for two events. The
payload allows one for these events only:

- the build events: the event name and `build_id` (a build sends each event once, except that a
  build Quay restarts after an internal error sends build_start again, with the same body; the
  key makes it a duplicate). The event is part of the key: build_start and build_success of one
  build share `build_id`. With the event unknown (detected from an ambiguous shape) there is no key.
- repo_image_expiry: `notification_uuid` and the sorted `tags` (Quay remembers which tags it has
  notified for each notification, so one set of tags is sent once; releases before 3.13 send no
  `notification_uuid`, and then there is no key).

Every other event has none: two pushes of the same tag, two identical mirror syncs or the same
vulnerability reported twice give byte-identical bodies. `content_hash` is offered as a best
effort for them: the same hash within Quay's retry window (5 attempts, 30 s apart: a few
minutes) is probably a retry, but it may also be a second, identical event. Test notifications
never get a key: every press of the button sends the same fake `build_id`.
"""

from __future__ import annotations

import hashlib
from typing import Any

BUILD_EVENTS = frozenset(
    {"build_queued", "build_start", "build_success", "build_failure", "build_cancelled"}
)
KEYED_EVENTS = (*sorted(BUILD_EVENTS), "repo_image_expiry")
"""The events whose payload gives a de-duplication key."""


def dedup_key(event: str | None, payload: Any, *, test_notification: bool = False) -> str | None:
    """`<event>:<build_id>`, `repo_image_expiry:<notification_uuid>:<tag,...>`, or None."""
    if event is None or test_notification or not isinstance(payload, dict):
        return None
    if event in BUILD_EVENTS and isinstance(payload.get("build_id"), str):
        return f"{event}:{payload['build_id']}"
    if event == "repo_image_expiry":
        uuid, tags = payload.get("notification_uuid"), payload.get("tags")
        if (
            isinstance(uuid, str)
            and isinstance(tags, list)
            and all(isinstance(t, str) for t in tags)
        ):
            return f"{event}:{uuid}:{','.join(sorted(tags))}"
    return None


def content_hash(body: bytes) -> str:
    """`sha256:<hex>` of the body as received (content codings undone): a best-effort key."""
    return "sha256:" + hashlib.sha256(body).hexdigest()
