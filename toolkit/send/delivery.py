"""Deliver payloads to a consumer's webhook endpoint the way Quay's webhook sender does.

Quay (`WebhookMethod.perform`) POSTs `json.dumps(payload)` (default separators, ASCII-escaped) with
the single header `Content-type: application/json`, through python-requests with its default
headers, redirects followed, a 10 s timeout and optionally its own certificate as a TLS client
certificate. Success is any final 2xx status. This module does the same (the HTTP exchange is
`toolkit.send.http`, with a total deadline per delivery) and classifies what the consumer
answered; it returns data and prints nothing.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from toolkit import contract
from toolkit.contract.fingerprint import fingerprint
from toolkit.contract.releases import parse_release
from toolkit.fuzz.corpus import Violation, eras_sending, events_of, iter_samples
from toolkit.send import conformance
from toolkit.send.http import UNREACHABLE, exchange
from toolkit.send.judge import judge
from toolkit.validation.policy import DEFAULT, ResponsePolicy

QUAY_TIMEOUT = 10.0
"""NOTIFICATION_SEND_TIMEOUT's default (Quay applies it per socket operation; `send` to the
whole delivery)."""
KINDS = ("example", "test_notification", *conformance.kinds(), "valid", "invalid")
"""What `send` delivers: the schemas' examples and test-notification bodies, the corpus
(`regression`: bodies that broke real consumers; `release`: each Quay release's shapes, when the
corpus has them) and fuzzed payloads."""


def quay_body(payload: Any) -> bytes:
    """The request body exactly as Quay serialises it."""
    return json.dumps(payload).encode("ascii")


@dataclass(frozen=True)
class Delivery:
    """One request to make."""

    event: str
    kind: str
    """`example`, `test_notification`, a corpus kind (`regression`, ...), `valid` (fuzzed),
    `invalid` (fuzzed, one rule broken) or `payload` (a file given to `send --payload`)."""
    label: str
    payload: Any
    violates: Violation | None = None
    raw: bytes | None = None
    """The exact body, when it is not `quay_body(payload)`."""
    quay_sends: bool | None = None
    """Whether Quay sends bodies like this (they fit the contract); by default every kind but
    `invalid`."""

    @property
    def expect_success(self) -> bool:
        """Whether Quay could legally send this, so the consumer must answer 2xx."""
        return self.kind != "invalid" if self.quay_sends is None else self.quay_sends

    @property
    def body(self) -> bytes:
        """The request body, exactly as Quay sends it."""
        return self.raw if self.raw is not None else quay_body(self.payload)


@dataclass(frozen=True)
class Outcome:
    """What the consumer answered to one delivery."""

    delivery: Delivery
    url: str
    status: int | None
    elapsed: float
    """Seconds from sending to the final response (or the error)."""
    error: str | None = None
    error_kind: str | None = None
    """Why no answer came: `timeout`, `refused`, `dns`, `tls` ... (see `toolkit.send.http`)."""
    policy: ResponsePolicy = DEFAULT
    """The response policy the consumer is held to (`send --reject-invalid`)."""

    @property
    def verdict(self) -> str:
        """`ok`, `fail` (a consumer bug), `warn` (an answer against the policy that Quay's
        bodies of today do not trigger, see `toolkit.send.judge`) or `error` (the consumer could
        not be reached, so nothing about it was checked)."""
        if self.error_kind in UNREACHABLE:
            return "error"
        return judge(self.delivery.expect_success, self.status, self.error, self.policy)[0]

    @property
    def reason(self) -> str:
        """Why the verdict is what it is, in words."""
        if self.error_kind in UNREACHABLE:
            return f"could not reach the consumer: {self.error}"
        return judge(self.delivery.expect_success, self.status, self.error, self.policy)[1]


def plan(
    event: str | Iterable[str] | None,
    n: int,
    seed: int | str = 0,
    *,
    kinds: Iterable[str] = KINDS,
    quay_version: str | None = None,
) -> list[Delivery]:
    """What to send per event: examples, test-notification bodies, the corpus, `n` valid and `n`
    invalid.

    With `quay_version`, what that release sends: the examples, test notifications and corpus
    bodies it could send, and payloads fuzzed from the contract narrowed to it (none for an event
    it never sends)."""
    wanted = set(kinds)
    out: list[Delivery] = []
    v = quay_version
    for name in events_of(event):
        fuzzed = v is None or bool(eras_sending(name, v))  # an event the release never sends
        if "example" in wanted:
            for i, p in enumerate(contract.examples(name)):
                if _sends(p, name, v, False):
                    out.append(Delivery(name, "example", f"examples[{i}]", p))
        if "test_notification" in wanted:
            for i, p in enumerate(contract.test_notification_examples(name)):
                if _sends(p, name, v, True):
                    out.append(Delivery(name, "test_notification", f"test_notification[{i}]", p))
        for case in conformance.cases():
            sent = case.event == name and _sends(case.payload, name, v, case.test_notification)
            if sent and case.kind in wanted:
                label = f"{case.kind}[{case.name.split('/', 1)[-1]}]"
                out.append(Delivery(name, case.kind, label, case.payload, raw=case.body))
        if "valid" in wanted and fuzzed:
            for i, s in enumerate(iter_samples(name, n, seed, quay_version=v)):
                out.append(Delivery(name, "valid", f"valid[{i}]", s.payload))
        if "invalid" in wanted and fuzzed:
            for i, s in enumerate(iter_samples(name, n, seed, invalid=True, quay_version=v)):
                out.append(Delivery(name, "invalid", f"invalid[{i}]", s.payload, s.violates))
    return out


def _sends(payload: Any, event: str, quay_version: str | None, test: bool) -> bool:
    """Whether a release `quay_version` names could send this example (any, without one)."""
    if quay_version is None:
        return True
    return bool(fingerprint(payload, (event,), test) & parse_release(quay_version))


@dataclass(frozen=True)
class Transport:
    """How to reach the consumer: Quay's timeout, client certificate and trust settings."""

    timeout: float = QUAY_TIMEOUT
    """Seconds for the whole delivery: connect, TLS, redirects, headers and body."""
    cert: str | tuple[str, str] | None = None
    """A client certificate file (with its key), or (cert, key), as Quay presents its own."""
    verify: bool | str = True
    """True (system/certifi trust), or a CA bundle path for a test endpoint."""


def post(url: str, payload: Any, transport: Transport) -> tuple[int | None, float, str | None]:
    """One Quay-style POST: (status, seconds, error)."""
    body = payload if isinstance(payload, bytes) else quay_body(payload)
    answer = exchange(
        url, body, timeout=transport.timeout, cert=transport.cert, verify=transport.verify
    )
    return answer.status, answer.elapsed, answer.error


class _Pacer:
    """Spaces request starts to at most `rate` per second across all workers."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            slot = max(self.next, time.monotonic())
            self.next = slot + self.interval
        time.sleep(max(0.0, slot - time.monotonic()))


def deliver(
    url: str,
    deliveries: list[Delivery],
    *,
    transport: Transport | None = None,
    concurrency: int = 1,
    rate: float | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    policy: ResponsePolicy = DEFAULT,
) -> list[Outcome]:
    """Send every delivery (`{event}` in `url` is replaced by the event); outcomes in plan order,
    judged by `policy`."""
    settings = transport or Transport()
    pacer = _Pacer(rate)

    def one(delivery: Delivery) -> Outcome:
        pacer.wait()
        target = url.replace("{event}", delivery.event)
        answer = exchange(
            target,
            delivery.body,
            timeout=settings.timeout,
            cert=settings.cert,
            verify=settings.verify,
        )
        outcome = Outcome(
            delivery, target, answer.status, answer.elapsed, answer.error, answer.kind, policy
        )
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, deliveries))


@dataclass(frozen=True)
class Summary:
    """Counts and latency percentiles (milliseconds) over a run."""

    sent: int
    ok: int
    failures: int
    warnings: int
    errors: int
    """Deliveries that never reached the consumer (refused, DNS, TLS): not checked."""
    answered: int
    """Deliveries that got an HTTP answer; the latency covers these."""
    latency_ms: dict[str, float | None]
    """Percentiles of answered deliveries; `None` each when nothing was answered."""


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(outcomes: list[Outcome]) -> Summary:
    """Counts by verdict and latency percentiles of answered requests."""
    times = sorted(o.elapsed * 1000 for o in outcomes if o.status is not None)
    latency: dict[str, float | None] = {
        f"p{q}": round(percentile(times, q), 2) if times else None for q in (50, 90, 99)
    }
    latency["max"] = round(times[-1], 2) if times else None
    verdicts = [o.verdict for o in outcomes]
    return Summary(
        sent=len(outcomes),
        ok=verdicts.count("ok"),
        failures=verdicts.count("fail"),
        warnings=verdicts.count("warn"),
        errors=verdicts.count("error"),
        answered=len(times),
        latency_ms=latency,
    )


def iter_problems(outcomes: list[Outcome]) -> Iterator[Outcome]:
    """Unreachable deliveries, failures, then warnings, each in plan order."""
    for verdict in ("error", "fail", "warn"):
        yield from (o for o in outcomes if o.verdict == verdict)
