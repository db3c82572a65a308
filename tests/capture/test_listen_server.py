"""`quay-contract listen` as a real process on 127.0.0.1: bad input, crashes, TLS, re-validation."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from toolkit import contract
from toolkit.capture.listen import loadtest
from toolkit.capture.replay import Outcome, send_all

CLI = [sys.executable, "-m", "toolkit"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[loadtest.Server]:
    running = loadtest.spawn(tmp_path / "cap", "--body-timeout", "0.5", "--quiet")
    yield running
    if running.process.poll() is None:
        running.kill()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[loadtest.Server]:
    """One recorder that every bad request is thrown at in turn: it must survive them all."""
    out = tmp_path_factory.mktemp("shared") / "cap"
    running = loadtest.spawn(out, "--body-timeout", "0.5", "--quiet")
    yield running
    if running.process.poll() is None:
        running.kill()


def raw_exchange(url: str, chunks: list[bytes], pause: float = 0.0) -> bytes:
    """Send raw bytes (with an optional pause between chunks) and return the raw answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        for i, chunk in enumerate(chunks):
            if i and pause:
                time.sleep(pause)
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        try:
            while data := conn.recv(65536):
                answer += data
                if b"\r\n\r\n" in answer and not pause:
                    break
        except (ConnectionResetError, TimeoutError):
            pass
    return answer


def healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        return bool(json.load(response)["status"] == "ok")


def request_head(path: str, length: int, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-type: application/json\r\n{extra}"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


BOMB = gzip.compress(b" " * (64 * 1024 * 1024))
TEN_MB = 10 * 1024 * 1024
BAD_REQUESTS = {
    "garbage-bytes": ([b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"], 400),
    "gzip-bomb": (
        [request_head("/quay/repo_push", len(BOMB), "Content-Encoding: gzip\r\n") + BOMB],
        413,
    ),
    "ten-mb-body": ([request_head("/quay/repo_push", TEN_MB)] + [b"x" * 65536] * 160, 413),
    "ten-mb-chunked": (
        [
            b"POST /quay/repo_push HTTP/1.1\r\nHost: x\r\nContent-type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        ]
        + [b"10000\r\n" + b"x" * 65536 + b"\r\n"] * 160,
        413,
    ),
    "non-utf8": ([request_head("/quay/repo_push", 8) + b'{"a":"\xe9"}'[:8]], 400),
    # aiohttp answers an over-long header field with 400 ("Got more than 8190 bytes").
    "huge-header": (
        [b"POST /quay/repo_push HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"],
        400,
    ),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_bad_requests_get_the_right_status_and_never_crash(
    shared_server: loadtest.Server, name: str
) -> None:
    server = shared_server
    chunks, status = BAD_REQUESTS[name]
    answer = raw_exchange(server.url, chunks)
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == str(status).encode(), answer[:300]
    assert server.process.poll() is None and healthy(server.url)


def test_a_slow_body_gets_408(shared_server: loadtest.Server) -> None:
    server = shared_server
    answer = raw_exchange(
        server.url, [request_head("/quay/repo_push", 20) + b'{"repo', b'sitory": 1}'], pause=1.5
    )
    assert answer.startswith(b"HTTP/1.1 408")
    assert healthy(server.url)


def _acked_under_kill(server: loadtest.Server, total: int, kill_after: int) -> set[int]:
    requests = loadtest.payloads(server.url, total)
    acked: set[int] = set()

    def seen(index: int, outcome: Outcome) -> None:
        if outcome.ok:
            acked.add(index)
            if len(acked) == kill_after:
                server.kill()

    asyncio.run(send_all(requests, concurrency=8, on_outcome=seen, timeout=5))
    return acked


def test_sigkill_under_load_loses_no_acknowledged_request(
    server: loadtest.Server, tmp_path: Path
) -> None:
    acked = _acked_under_kill(server, total=3000, kill_after=800)
    assert server.process.returncode == -9
    found = loadtest.recorded(tmp_path / "cap")
    assert len(acked) >= 800 and acked <= found.marks
    assert not found.problems and found.invalid == 0

    # A power loss could also tear the last line; every reader reports it and goes on.
    last = sorted((tmp_path / "cap").glob("*.ndjson"))[-1]
    data = last.read_bytes()
    if not data.endswith(b"\n"):  # the SIGKILL itself cut the last write short: drop that tail
        last.write_bytes(data[: data.rfind(b"\n") + 1])
    with last.open("ab") as handle:
        handle.write(b'{"v":1,"received_at":"2026-11-27T00:00:00Z","body":"{\\"repos')
    again = loadtest.recorded(tmp_path / "cap")
    assert again.torn == 1 and again.marks == found.marks
    result = subprocess.run(
        [*CLI, "validate", str(tmp_path / "cap")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 3, result.stderr  # 3: one line could not be checked
    assert "cut short" in result.stdout + result.stderr
    assert f"{found.records} valid" in result.stdout + result.stderr


def test_captures_revalidate_with_validate(server: loadtest.Server, tmp_path: Path) -> None:
    requests = loadtest.payloads(server.url, 120)
    outcomes = asyncio.run(send_all(requests, concurrency=4))
    assert all(o.ok for o in outcomes)
    assert server.stop() == 0
    assert "stopped" in server.log.read_text()
    result = subprocess.run(
        [*CLI, "validate", str(tmp_path / "cap")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "120 payload(s): 120 valid" in result.stdout + result.stderr


def _certificates(directory: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    paths: dict[str, Path] = {}

    def write(name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        paths[f"{name}.crt"] = directory / f"{name}.crt"
        paths[f"{name}.key"] = directory / f"{name}.key"
        paths[f"{name}.crt"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[f"{name}.key"].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def build(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name | None = None
    ) -> x509.CertificateBuilder:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        build("test CA", ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    write("ca", ca, ca_key)
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    for name, usage in (
        ("server", ExtendedKeyUsageOID.SERVER_AUTH),
        ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = build(name, key, ca.subject).add_extension(
            x509.ExtendedKeyUsage([usage]), critical=False
        )
        builder = builder.add_extension(aki, critical=False)
        if name == "server":
            san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
            builder = builder.add_extension(san, critical=False)
        write(name, builder.sign(ca_key, hashes.SHA256()), key)
    return paths


def test_tls_with_a_required_client_certificate(tmp_path: Path) -> None:
    certs = _certificates(tmp_path)
    running = loadtest.spawn(
        tmp_path / "cap",
        "--certfile", str(certs["server.crt"]),
        "--keyfile", str(certs["server.key"]),
        "--client-ca", str(certs["ca.crt"]),
    )  # fmt: skip
    try:
        assert running.url.startswith("https://127.0.0.1:")
        body = json.dumps(contract.examples("repo_push")[0]).encode()
        url = f"{running.url}/quay/repo_push"

        def post(context: ssl.SSLContext) -> int:
            request = urllib.request.Request(
                url, data=body, headers={"Content-type": "application/json"}
            )
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                return int(response.status)

        with_cert = ssl.create_default_context(cafile=str(certs["ca.crt"]))
        with_cert.load_cert_chain(certs["client.crt"], certs["client.key"])
        assert post(with_cert) == 200

        without_cert = ssl.create_default_context(cafile=str(certs["ca.crt"]))
        with pytest.raises((ssl.SSLError, ConnectionError, urllib.error.URLError)):
            post(without_cert)
        assert running.process.poll() is None
        assert len(loadtest.recorded(tmp_path / "cap").marks) == 0
        assert loadtest.recorded(tmp_path / "cap").records == 1
    finally:
        running.stop()


def test_binds_to_loopback_by_default(shared_server: loadtest.Server) -> None:
    assert urlsplit(shared_server.url).hostname == "127.0.0.1"
