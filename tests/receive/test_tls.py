"""The client-certificate setup the receiving guide documents, on a real uvicorn server: Quay's
certificate is accepted when it allows client authentication, and refused when its extended key
usage is serverAuth alone."""

from __future__ import annotations

import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pki import make_pki
from toolkit.receive import Receiver


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA; the receiver's certificate; Quay's, with and without clientAuth."""
    return make_pki(
        tmp_path_factory.mktemp("pki"),
        {
            "receiver": "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth",
            "quay": "subjectAltName=DNS:quay.example.com\nextendedKeyUsage=serverAuth,clientAuth",
            "quay-server-only": "subjectAltName=DNS:quay.example.com\nextendedKeyUsage=serverAuth",
        },
    )


@pytest.fixture
def uvicorn_tls(pki: Path) -> Iterator[str]:
    """The FastAPI adapter under uvicorn, requiring a client certificate from the CA."""
    import uvicorn
    from fastapi import FastAPI

    from toolkit.receive.fastapi import router

    app = FastAPI()
    app.include_router(router(Receiver()))
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="critical", lifespan="off",
        ssl_certfile=str(pki / "receiver.pem"), ssl_keyfile=str(pki / "receiver.key"),
        ssl_ca_certs=str(pki / "ca.pem"), ssl_cert_reqs=ssl.CERT_REQUIRED,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"https://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def send(url: str, pki: Path, *cert: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "toolkit", "send", f"{url}/quay/{{event}}",
               "--event", "repo_push", "--kind", "example", "--cacert", str(pki / "ca.pem"), *cert]  # fmt: skip  # noqa: E501
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_quay_certificate_with_client_auth_is_accepted(uvicorn_tls: str, pki: Path) -> None:
    done = send(uvicorn_tls, pki, "--cert", str(pki / "quay.pem"), "--key", str(pki / "quay.key"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failures" in done.stdout


def test_no_certificate_or_a_server_only_one_is_refused(uvicorn_tls: str, pki: Path) -> None:
    assert send(uvicorn_tls, pki).returncode != 0
    only = ("--cert", str(pki / "quay-server-only.pem"), "--key", str(pki / "quay-server-only.key"))
    done = send(uvicorn_tls, pki, *only)
    # Refused during the handshake (TLS 1.2), or by an alert right after it (TLS 1.3: the
    # connection is reset or closed before any answer): no delivery is answered either way.
    assert done.returncode in (1, 3) and " 0 ok" in done.stdout, done.stdout
    assert any(word in done.stdout for word in ("TLS", "reset", "closed")), done.stdout
