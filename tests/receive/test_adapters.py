"""The adapters, thin over the receiver: each framework's test client, then a real server that
`quay-contract send` drives."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from typing import Any

import pytest

from tests.receive.frameworks import FRAMEWORKS, client, server
from toolkit import contract
from toolkit.receive import Delivery, Receiver
from toolkit.send import conformance
from toolkit.send.delivery import quay_body

JSON = {"Content-type": "application/json"}


def recorder(**kwargs: Any) -> tuple[Receiver, list[Delivery[Any]]]:
    quay = Receiver(**kwargs)
    seen: list[Delivery[Any]] = []
    quay.on("repo_push")(seen.append)
    quay.on("build_start", "build_success", "build_failure", "build_cancelled")(seen.append)
    quay.on_test()(seen.append)
    quay.on_invalid(seen.append)
    return quay, seen


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_events_reach_their_handlers_through_the_framework(framework: str) -> None:
    quay, seen = recorder()
    post = client(framework, quay)
    push = contract.examples("repo_push")[3]  # updated_tags: []
    status, body, headers = post("/quay/repo_push", quay_body(push), JSON)
    assert status == 200 and body["handled"] == 1 and headers["content-type"] == "application/json"
    assert seen[-1].model.updated_tags == [] and seen[-1].body == quay_body(push)

    build = contract.examples("build_failure")[2]  # trigger_metadata: {}
    status, body, _ = post("/quay", quay_body(build), JSON)  # no event: detected
    assert status == 200 and body["event"] is None and len(body["candidates"]) == 4
    assert seen[-1].candidates == (
        "build_start",
        "build_success",
        "build_failure",
        "build_cancelled",
    )

    test = contract.test_notification_examples("build_success")[0]
    status, body, _ = post("/quay/build_success", quay_body(test), JSON)
    assert status == 200 and body["test_notification"] and seen[-1].test_notification

    status, body, _ = post("/quay/repo_push", b'{"updated_tags": 7}', JSON)
    assert status == 200 and body["valid"] is False and seen[-1].model is None

    packed = gzip.compress(quay_body(push))
    status, _, _ = post("/quay/repo_push", packed, {**JSON, "Content-Encoding": "gzip"})
    assert status == 200 and seen[-1].body == quay_body(push)
    assert len(seen) == 5


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_requests_quay_cannot_send_are_refused_alike(framework: str) -> None:
    quay, seen = recorder(max_body=2048)
    post = client(framework, quay)
    push = quay_body(contract.examples("repo_push")[0])
    assert post("/quay/repo_push", push, {"Content-Type": "text/plain"})[0] == 415
    assert post("/quay/repo_push", b"{nope", JSON)[0] == 400
    status, body, _ = post("/quay/repo_pus", push, JSON)
    assert status == 404 and "did you mean 'repo_push'" in body["error"]
    assert post("/quay/repo_push", b" " * 4096 + push, JSON)[0] == 413
    assert seen == []


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_path_secret_routes(framework: str) -> None:
    quay, seen = recorder(secret="s3cr3t")
    post = client(framework, quay, path="/hooks/quay")
    push = quay_body(contract.examples("repo_push")[0])
    assert post("/s3cr3t/hooks/quay/repo_push", push, JSON)[0] == 200
    assert post("/guess/hooks/quay/repo_push", push, JSON)[0] == 404
    assert post("/hooks/quay/repo_push", push, JSON)[0] == 404
    assert len(seen) == 1


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_handler_failure_is_a_500(framework: str) -> None:
    quay = Receiver()

    @quay.on("build_start", "build_success", "build_failure", "build_cancelled")
    def relay(delivery: Delivery[Any]) -> None:
        delivery.payload["trigger_metadata"]["commit"]

    post = client(framework, quay)
    manual = quay_body(contract.examples("build_success")[2])
    status, body, _ = post("/quay/build_success", manual, JSON)
    assert status == 500 and "relay failed" in body["error"]


def send(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "toolkit", "send", url, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_real_server_passes_send(framework: str) -> None:
    quay, seen = recorder()
    with server(framework, quay) as base:
        done = send(f"{base}/quay/{{event}}", "--all", "-n", "3", "--format", "json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    report = json.loads(done.stdout)
    summary = report["summary"]
    assert summary["failures"] == summary["warnings"] == 0 and summary["ok"] == summary["sent"]
    handled = {"repo_push", "build_start", "build_success", "build_failure", "build_cancelled"}
    tests = {f"{c.kind}[{c.name.split('/', 1)[-1]}]" for c in conformance.cases() if c.test_notification}  # fmt: skip  # noqa: E501
    expected = [
        r for r in report["results"] if r["kind"] in ("invalid", "test_notification")
        or r["label"] in tests or r["event"] in handled
    ]  # fmt: skip
    assert len(seen) == len(expected)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_real_server_bug_is_reported_with_a_curl_command_that_reproduces_it(
    framework: str,
) -> None:
    quay = Receiver()

    @quay.on("build_success")
    def relay(delivery: Delivery[Any]) -> None:
        delivery.payload["trigger_metadata"]["commit"]  # manual builds send {}

    with server(framework, quay) as base:
        done = send(f"{base}/quay/{{event}}", "--event", "build_success", "-n", "0")
        assert done.returncode == 1, done.stdout
        assert "FAIL build_success regression[manual-build-empty-trigger-metadata]" in done.stdout
        command = next(
            line.split("reproduce: ", 1)[1]
            for line in done.stdout.splitlines()
            if line.startswith("  reproduce: ") and 'trigger_metadata": {}' in line
        )
        again = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("HTTP/1") and " 500 " in again.stdout.splitlines()[0]
    assert "relay failed" in again.stdout
