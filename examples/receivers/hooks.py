"""What the example receivers do with Quay's webhooks: one Receiver, mounted by each framework.

`fastapi_app.py`, `flask_app.py` and `django_app.py` serve this same `quay` object; only the
few lines that mount it differ.
"""

from __future__ import annotations

import logging

from toolkit.models import BuildFailure, BuildSuccess, QuotaWarning, RepoPush, VulnerabilityFound
from toolkit.receive import Delivery, Receiver

log = logging.getLogger("quay-example")
quay = Receiver()  # the default response policy: 2xx for every body Quay sends

SEEN: set[str] = set()  # de-duplication keys acted on (a database table in a real service)
INCIDENTS: dict[str, str] = {}  # repository -> the open incident


def first_time(delivery: Delivery) -> bool:
    """False for a repeated delivery of an event already handled (Quay delivers at least once)."""
    if delivery.dedup_key is None:  # repo_push, vulnerability_found ...: the body has no key
        return True
    if delivery.dedup_key in SEEN:
        log.info("duplicate delivery %s: already handled", delivery.dedup_key)
        return False
    SEEN.add(delivery.dedup_key)
    return True


@quay.on("repo_push")
def deploy(delivery: Delivery[RepoPush]) -> None:
    push = delivery.model
    if not push.updated_tags:  # a Docker v1 push that committed no tags
        log.info("push to %s without tags: nothing to deploy", push.docker_url)
    for tag in push.updated_tags:
        log.info("would deploy %s:%s", push.docker_url, tag)


@quay.on("build_failure")
def open_incident(delivery: Delivery[BuildFailure]) -> None:
    if not first_time(delivery):
        return
    build = delivery.model
    # A build without a trigger (a Dockerfile upload) sends trigger_metadata: {}.
    commit = getattr(build.trigger_metadata, "commit", None)
    cause = f"commit {commit[:7]}" if commit else "an uploaded Dockerfile"
    INCIDENTS[build.repository] = build.homepage
    log.warning("incident opened: build %s of %s (%s) failed, see %s",
                build.build_name, build.repository, cause, build.homepage)  # fmt: skip


@quay.on("build_success")
def close_incident(delivery: Delivery[BuildSuccess]) -> None:
    if not first_time(delivery):
        return
    build = delivery.model
    if INCIDENTS.pop(build.repository, None):
        log.info("incident closed: %s builds again", build.repository)
    log.info("built %s with tags %s", build.repository, ", ".join(build.docker_tags))


@quay.on("vulnerability_found")
def security_alert(delivery: Delivery[VulnerabilityFound]) -> None:
    found = delivery.model
    vulnerability = found.vulnerability
    # Quay 3.9 to 3.11 sent new-index reports without `tags`: the release corpus caught it.
    tags = ", ".join(found.tags) if found.tags else "(no tags in the body)"
    log.warning("security: %s (%s) in %s, tags %s",
                vulnerability.id or "a vulnerability", vulnerability.priority or "no priority",
                found.repository, tags)  # fmt: skip


@quay.on("quota_warning", "quota_error")  # one shape: /quay (no event) gives both candidates
def quota(delivery: Delivery[QuotaWarning]) -> None:
    usage = delivery.model
    which = delivery.event or " or ".join(delivery.candidates)
    used, limit = usage.usage_bytes_formatted, usage.limit_bytes_formatted
    log.warning("%s: namespace %s uses %s of %s", which, usage.namespace, used, limit)


@quay.on_test()
def test_button(delivery: Delivery) -> None:
    log.info("test notification for %s: the webhook reaches this app", delivery.event)


@quay.on_invalid
def contract_broken(delivery: Delivery) -> None:
    # Acknowledged all the same (a Quay change must not disable the notification); alert a human.
    first = delivery.report.errors[0]
    log.error("body breaks the contract (%s): %s [%s]", delivery.event, first.path, first.keyword)


def configure_logging() -> None:
    """One line per action, on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
