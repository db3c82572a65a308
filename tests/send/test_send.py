"""`send` against real HTTP(S) servers on 127.0.0.1: what is sent, and how answers are judged."""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from tests.pki import make_pki
from toolkit import contract, validate
from toolkit.cli import main
from toolkit.send import conformance
from toolkit.send.delivery import Delivery, Outcome, percentile, quay_body
from toolkit.send.report import format_schema
from toolkit.validation.policy import ResponsePolicy

Behaviour = Callable[[str, bytes], int]


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = behaviour
        self.seen: list[tuple[str, list[tuple[str, str]], bytes]] = []
        self.in_flight = self.most_in_flight = 0
        self.lock = threading.Lock()
        self.peer_certs: list[Any] = []

    @property
    def url(self) -> str:
        scheme = "https" if isinstance(self.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}/hooks/{{event}}"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_POST(self) -> None:
        srv = self.server
        with srv.lock:
            srv.in_flight += 1
            srv.most_in_flight = max(srv.most_in_flight, srv.in_flight)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with srv.lock:
            srv.seen.append((self.path, list(self.headers.items()), body))
            if isinstance(self.connection, ssl.SSLSocket):
                srv.peer_certs.append(self.connection.getpeercert())
        status = srv.behaviour(self.path.rsplit("/", 1)[-1], body)
        with srv.lock:
            srv.in_flight -= 1
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def strict(event: str, body: bytes) -> int:
    """Rejects what breaks the contract: the `--reject-invalid` policy."""
    return 200 if validate(json.loads(body), event).valid else 400


def acknowledging(event: str, body: bytes) -> int:
    """The default policy: every JSON body gets a 2xx (a contract-breaking one is logged)."""
    json.loads(body)
    return 204


def crashes_on_manual_builds(event: str, body: bytes) -> int:
    payload = json.loads(body)
    if payload.get("trigger_metadata") == {}:
        return 500  # e.g. payload["trigger_metadata"]["commit"] -> KeyError
    return acknowledging(event, body)


def slow(event: str, body: bytes) -> int:
    time.sleep(0.15)
    return strict(event, body)


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> Server:
        server = Server(behaviour)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["send", *args])


def per_event(event: str, n: int) -> int:
    corpus = sum(c.event == event for c in conformance.cases())
    return (
        len(contract.examples(event))
        + len(contract.test_notification_examples(event))
        + corpus
        + 2 * n
    )


def test_policy_consumer_passes_and_gets_quay_shaped_requests(serve: Any) -> None:
    server = serve(acknowledging)
    result = run(server.url, "--event", "build_success", "--event", "quota_warning", "-n", "3",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    format_schema("send-report").validate(report)
    expected = per_event("build_success", 3) + per_event("quota_warning", 3)
    assert report["summary"]["sent"] == len(server.seen) == expected
    assert report["summary"]["failures"] == report["summary"]["warnings"] == 0
    assert set(report["summary"]["latency_ms"]) == {"p50", "p90", "p99", "max"}
    for path, headers, body in server.seen:
        assert path in ("/hooks/build_success", "/hooks/quota_warning")
        assert ("Content-type", "application/json") in headers  # Quay's exact casing
        assert dict(headers)["User-Agent"].startswith("python-requests/")
        assert body.isascii() and body == json.dumps(json.loads(body)).encode()
    kinds = {r["kind"] for r in report["results"]}
    assert kinds == {"example", "test_notification", "regression", "release", "valid", "invalid"}
    assert report["invalid_bodies"] == "acknowledge"
    assert all("violates" in r for r in report["results"] if r["kind"] == "invalid")


def test_rejecting_contract_breaking_bodies_is_a_warning_under_the_default_policy(
    serve: Any,
) -> None:
    server = serve(strict)
    result = run(server.url, "--event", "repo_push", "-n", "4")
    assert result.exit_code == 0, result.output
    assert result.output.count("WARN repo_push invalid") == 4
    assert "rejected a body that breaks the contract (HTTP 400)" in result.output
    assert "notification is disabled" in result.output
    assert run(server.url, "--event", "repo_push", "-n", "4", "--strict").exit_code == 1
    held = run(server.url, "--event", "repo_push", "-n", "4", "--reject-invalid", "--strict")
    assert held.exit_code == 0, held.output


def test_reject_invalid_policy_warns_about_acknowledged_bodies(serve: Any) -> None:
    server = serve(acknowledging)
    assert run(server.url, "--event", "repo_push", "-n", "4").exit_code == 0
    result = run(server.url, "--event", "repo_push", "-n", "4", "--reject-invalid")
    assert result.exit_code == 0, result.output
    assert result.output.count("WARN repo_push invalid") == 4
    assert "accepted a body that breaks the contract (HTTP 204); expected a 4xx" in result.output
    strict_run = run(server.url, "--event", "repo_push", "-n", "4", "--reject-invalid", "--strict")
    assert strict_run.exit_code == 1


def test_consumer_bug_on_legal_payloads_exits_1(serve: Any) -> None:
    server = serve(crashes_on_manual_builds)
    result = run(server.url, "--event", "build_start", "-n", "10", "--kind", "valid")
    assert result.exit_code == 1, result.output
    assert "FAIL build_start valid[" in result.output
    assert "HTTP 500" in result.output and "expected a 2xx" in result.output
    assert "  reproduce: curl " in result.output


def test_timeouts_are_failures(serve: Any) -> None:
    server = serve(slow)
    result = run(server.url, "--event", "quota_error", "--kind", "example", "--timeout", "0.05",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 1
    report = json.loads(result.output)
    format_schema("send-report").validate(report)
    results = report["results"]
    assert results and all(r["error"] == "no complete answer within 0.05 s" for r in results)
    assert {r["error_kind"] for r in results} == {"timeout"}


def test_an_unreachable_endpoint_is_one_clear_line_and_exit_3() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as closed:
        port = closed.server_address[1]
    result = run(f"http://127.0.0.1:{port}/", "--event", "repo_push", "-n", "3")
    assert result.exit_code == 3, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    sent = per_event("repo_push", 3)
    assert line.startswith(f"ERROR {sent} deliveries: connection refused by 127.0.0.1:{port}")
    assert "crashed" not in result.output and "Max retries" not in result.output
    assert "No answers, so no latency." in result.output
    report = json.loads(
        run(f"http://127.0.0.1:{port}/", "--all", "-n", "0", "--format", "json").output
    )
    format_schema("send-report").validate(report)
    assert report["summary"]["errors"] == report["summary"]["sent"] > 13
    assert set(report["summary"]["latency_ms"].values()) == {None}
    assert {r["error_kind"] for r in report["results"]} == {"refused"}


def test_junit_report(serve: Any) -> None:
    server = serve(crashes_on_manual_builds)
    result = run(server.url, "--all", "-n", "2", "--kind", "valid", "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output.split("?>", 1)[1])
    suites = root.findall("testsuite")
    assert len(suites) == 13
    failures = sum(int(s.get("failures", "0")) for s in suites)
    assert failures == len(root.findall(".//failure")) > 0
    assert all(s.get("name") for s in suites)


def test_concurrency_and_rate(serve: Any) -> None:
    server = serve(slow)
    result = run(server.url, "--event", "repo_push", "-n", "4", "--kind", "valid",
                 "--kind", "invalid", "--concurrency", "4")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert server.most_in_flight > 1
    paced = serve(acknowledging)
    start = time.monotonic()
    result = run(paced.url, "--event", "repo_push", "-n", "5", "--kind", "valid",
                 "--rate", "20", "--concurrency", "3")  # fmt: skip
    assert result.exit_code == 0
    assert time.monotonic() - start >= 4 / 20  # 5 starts spaced 50 ms apart


def test_usage_and_input_errors() -> None:
    assert run("ftp://example.com/", "--all").exit_code == 2
    assert run("http://127.0.0.1:9/", "--event", "nope").exit_code == 3
    assert run("http://127.0.0.1:9/").exit_code == 2


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl."""
    return make_pki(
        tmp_path_factory.mktemp("pki"),
        {"server": "subjectAltName=IP:127.0.0.1", "client": "extendedKeyUsage=clientAuth"},
    )


def test_client_certificate_is_presented_over_tls(serve: Any, pki: Path) -> None:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(pki / "server.pem", pki / "server.key")
    tls.load_verify_locations(pki / "ca.pem")
    tls.verify_mode = ssl.CERT_REQUIRED
    server = serve(acknowledging, tls)
    args = (server.url, "--event", "repo_push", "--kind", "example", "--cacert", str(pki / "ca.pem"))  # fmt: skip  # noqa: E501
    result = run(*args, "--cert", str(pki / "client.pem"), "--key", str(pki / "client.key"))
    assert result.exit_code == 0, result.output
    assert server.peer_certs and all(
        ("commonName", "client") in sum(c["subject"], ()) for c in server.peer_certs
    )
    without = run(*args)
    assert without.exit_code == 3, without.output
    assert f"TLS handshake with 127.0.0.1:{server.server_address[1]} failed" in without.output


def test_quay_body_matches_quays_serialisation() -> None:
    body = quay_body({"message": "Fix café ☕ build", "tags": ["a", "b"]})
    assert body == b'{"message": "Fix caf\\u00e9 \\u2615 build", "tags": ["a", "b"]}'


@pytest.mark.parametrize(
    ("kind", "status", "verdict", "rejected"),
    [
        # Bodies Quay sends: 2xx, under either policy.
        ("valid", 200, "ok", "ok"),
        ("example", 299, "ok", "ok"),
        ("regression", 204, "ok", "ok"),
        ("valid", 302, "fail", "fail"),
        ("test_notification", 400, "fail", "fail"),
        ("regression", 422, "fail", "fail"),
        ("valid", None, "fail", "fail"),
        # Bodies that break the contract: acknowledged by default, rejected with reject.
        ("invalid", 200, "ok", "warn"),
        ("invalid", 202, "ok", "warn"),
        ("invalid", 400, "warn", "ok"),
        ("invalid", 422, "warn", "ok"),
        ("invalid", 500, "fail", "fail"),
        ("invalid", None, "fail", "fail"),
    ],
)
def test_verdicts_follow_the_response_policy(
    kind: str, status: int | None, verdict: str, rejected: str
) -> None:
    delivery = Delivery("repo_push", kind, "x", {})
    error = None if status else "timeout"
    default = Outcome(delivery, "http://h/", status, 0.01, error)
    assert default.verdict == verdict
    reject = Outcome(
        delivery, "http://h/", status, 0.01, error, policy=ResponsePolicy(invalid="reject")
    )
    assert reject.verdict == rejected


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [percentile(values, q) for q in (50, 90, 99)] == [50.0, 90.0, 99.0]
    assert percentile([], 50) == 0.0
    assert percentile([7.0], 99) == 7.0
