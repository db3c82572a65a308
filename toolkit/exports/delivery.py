"""How Quay delivers a webhook: the facts both exports state, in CommonMark.

Traced to Quay's `WebhookMethod.perform` (`notifications/notificationmethod.py`), the
notification worker and `data/model/notification.py`; the site's home page gives the same facts
with their sources.
"""

from __future__ import annotations

TITLE = "Quay notification webhooks"

SUMMARY = "What Quay POSTs to a notification's webhook URL, one schema per event."

OVERVIEW = """\
Quay (quay.io and Red Hat Quay) sends one HTTP `POST` to the URL configured on a notification \
whenever the notification's event happens in a repository or namespace. This document describes \
those deliveries from the receiver's side. It is derived from the canonical JSON Schemas \
(draft-07) of [quay-webhook-contracts]({site}); do not edit it, run `quay-contract regenerate`.
"""

FACTS = """\
- **Body:** the event's fields as JSON (`json.dumps`, no envelope), or the notification's own \
body template applied to them when one is configured (then the body is whatever the template \
makes, not these schemas).
- **Headers:** only `Content-type: application/json`; the rest are python-requests defaults.
- **No signature:** no HMAC, no auth header, no shared secret. Anyone who knows the URL can post \
to it: use an unguessable HTTPS URL and validate every body.
- **No event name:** neither the body nor a header names the event, and several events share one \
body shape. Give each event its own URL; the path is the only reliable way to tell them apart.
- **Test notifications:** Quay's "Test Notification" button sends a fixed sample body (fake ids) \
to the same URL; each event documents it beside the real body.
- **Timeout:** 10 s (`NOTIFICATION_SEND_TIMEOUT`) to connect and to read the response.
- **Success:** any final `2xx` status. Redirects are followed (301, 302 and 303 turn into a `GET` \
without a body).
- **Retries:** anything else, a connection error or a timeout is a failed attempt, retried after \
about 30 s. Every failed attempt adds one to the notification's failure count; a success resets it.
- **Auto-disable:** at **3 failures** Quay stops delivering: one event gets at most 3 attempts, \
and every later event is dropped until someone resets the notification. Answer `2xx` to every \
well-formed delivery, also to one that breaks the contract (log it).
- **At least once:** a delivery can repeat; only `build_id` (build events) and \
`notification_uuid` (repo_image_expiry) identify one.
"""

ACKNOWLEDGED = (
    "Acknowledged. Any final `2xx` status counts as delivered and resets the notification's "
    "failure count; Quay ignores the response body."
)

FAILED = (
    "A failed attempt: any other final status, as well as a connection error or no answer within "
    "10 s. Quay retries after about 30 s, and at 3 failures it disables the notification and "
    "drops every later event until someone resets it."
)

URL_CONVENTION = (
    "Quay posts to whatever URL the notification names. This document gives each event its own "
    "path, `/quay/<event>`, the convention of this project's receiver guide, `quay-contract "
    "listen` and `quay-contract validate` (which read the event from such a path)."
)


def shares_shape(event: str, others: tuple[str, ...]) -> str:
    """A sentence saying which events' bodies `event`'s cannot be told apart from, if any."""
    if not others:
        return ""
    names = ", ".join(f"`{e}`" for e in others)
    return f"The body of `{event}` has the same shape as {names}: only the URL tells them apart."
