"""How `send` judges an answer: by the response policy every guide and the receiver follow.

A body Quay sends (an example, a test notification, a corpus body, a fuzzed valid payload) must
be answered 2xx: anything else is a failed delivery to Quay, and 3 in a row disable the
notification. A body that breaks the contract must not crash the consumer (5xx, no answer);
under the default policy it is acknowledged (2xx) and a 4xx is a warning, because the same answer
to a future Quay change would disable the notification; under `reject_invalid` a 4xx is right
and a 2xx is the warning.
"""

from __future__ import annotations

from toolkit.validation.policy import QUAY_FAILURES_TO_DISABLE, ResponsePolicy


def judge(
    quay_sends: bool, status: int | None, error: str | None, policy: ResponsePolicy
) -> tuple[str, str]:
    """(`ok` | `fail` | `warn`, the reason in words)."""
    success = status is not None and 200 <= status < 300
    got = error or f"HTTP {status}"
    if quay_sends:
        if success:
            return "ok", got
        if error:
            return "fail", f"could not deliver a body Quay sends ({got})"
        return "fail", (
            f"rejected a body Quay sends ({got}); expected a 2xx: "
            f"{QUAY_FAILURES_TO_DISABLE} failed deliveries in a row disable the notification"
        )
    expected = "a 2xx" if policy.invalid == "acknowledge" else "a 4xx"
    if status is None:
        return "fail", f"no answer to a body that breaks the contract ({got}); expected {expected}"
    if status >= 500:
        return "fail", f"crashed on a body that breaks the contract ({got}); expected {expected}"
    if policy.invalid == "acknowledge":
        if success:
            return "ok", got
        return "warn", (
            f"rejected a body that breaks the contract ({got}); the policy is to acknowledge it "
            "(2xx): if Quay starts sending bodies like it, every delivery fails and the "
            "notification is disabled (pass --reject-invalid if rejecting is your policy)"
        )
    if success:
        return "warn", f"accepted a body that breaks the contract ({got}); expected a 4xx"
    return "ok", got
