"""pytest plugin (entry point `pytest11`, name `quay_contract_consumer`): the conformance fixture.

`quay_conformance(app)` delivers the corpus `quay-contract send --all` delivers (the schemas'
examples, every test-notification body, the bodies that broke real consumers, fuzzed valid and
contract-breaking payloads) to an ASGI or WSGI app in this process, without a server, judges
every answer by the response policy, and fails the test with each failing body and a curl
command that repeats it. Importing this module is cheap; nothing loads until the fixture runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from toolkit.send.delivery import Outcome, Transport

SHOWN = 20
"""Failures listed in full; the rest are counted."""


class Conformance:
    """Call it with your app: `quay_conformance(app)`; it returns the outcomes when all pass."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def __call__(
        self,
        app: Any,
        url: str = "/quay/{event}",
        *,
        events: str | Iterable[str] | None = None,
        n: int = 10,
        kinds: Iterable[str] | None = None,
        reject_invalid: bool = False,
        strict: bool = False,
        interface: str | None = None,
        base_url: str = "http://127.0.0.1:8000",
    ) -> list[Outcome]:
        """Deliver to `app` at `url` (`{event}` replaced; a path is joined to `base_url`, which
        the curl commands use too); fail the test on any consumer bug (and warning if
        `strict`). `interface` is `asgi` or `wsgi` when the app's kind cannot be told."""
        from toolkit.send import inprocess
        from toolkit.send.delivery import KINDS, plan
        from toolkit.validation.policy import ResponsePolicy

        target = base_url.rstrip("/") + url if url.startswith("/") else url
        deliveries = plan(events, n, self.seed, kinds=tuple(kinds or KINDS))
        policy = ResponsePolicy(invalid="reject" if reject_invalid else "acknowledge")
        outcomes = inprocess.run(app, target, deliveries, interface=interface, policy=policy)
        bad = [o for o in outcomes if o.verdict == "fail" or (strict and o.verdict == "warn")]
        if bad:
            pytest.fail(explain(bad, len(outcomes)), pytrace=False)
        return outcomes


def explain(bad: list[Outcome], sent: int, transport: Transport | None = None) -> str:
    """The failure message: each bad answer with its body and a curl command."""
    from toolkit.send.curl import reproduce

    lines = [f"{len(bad)} of {sent} Quay deliveries were answered against the policy:"]
    for o in bad[:SHOWN]:
        d = o.delivery
        lines.append(f"{o.verdict.upper()} {d.event} {d.label}: {o.reason}")
        lines.append("  body: " + d.body.decode("ascii", errors="backslashreplace"))
        lines.append("  reproduce: " + reproduce(o.url, d.body, transport))
    if len(bad) > SHOWN:
        lines.append(f"... and {len(bad) - SHOWN} more")
    return "\n".join(lines)


@pytest.fixture
def quay_conformance(request: pytest.FixtureRequest) -> Conformance:
    """`quay_conformance(app, url="/quay/{event}", ...)`: the consumer conformance run."""
    seed = request.config.getoption("--quay-seed", default="0")
    return Conformance(f"{seed}:{request.node.nodeid}")
