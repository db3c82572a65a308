"""`send` against hostile consumers on 127.0.0.1: each run ends within its bound, never as an
internal error (exit 4), and reports every delivery, with a kind for every failure."""

from __future__ import annotations

import json
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toolkit.send.delivery import plan
from toolkit.send.report import format_schema

Handler = Callable[[socket.socket], None]


def read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n")
         if line.lower().startswith(b"content-length:")), 0,
    )  # fmt: skip
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


def answer(raw: bytes) -> Handler:
    def handle(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(raw)

    return handle


def close_at_once(conn: socket.socket) -> None:
    read_request(conn)


def reset(conn: socket.socket) -> None:
    read_request(conn)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def never(conn: socket.socket) -> None:
    read_request(conn)
    conn.recv(1)


def dribble(conn: socket.socket) -> None:
    read_request(conn)
    with_body = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100
    for i in range(len(with_body)):
        conn.sendall(with_body[i : i + 1])
        time.sleep(0.2)


def endless_body(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    while True:
        conn.sendall(chunk)  # ends with an error once the client has closed


def redirect_to_self(conn: socket.socket) -> None:
    read_request(conn)
    conn.sendall(
        b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /again\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n"
    )


def plain_at_once(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")  # to a TLS ClientHello
    conn.recv(65536)  # and wait for the client to give up


def speaks_tls(conn: socket.socket) -> None:
    conn.sendall(bytes.fromhex("15030300020228"))  # a TLS alert record, whatever was asked


class RawServer:
    def __init__(self, handle: Handler) -> None:
        self.handle = handle
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn:
                self.handle(conn)
        except OSError:
            pass


# name: (server behaviour, URL scheme, exit code, the error kinds every delivery must have)
CASES: dict[str, tuple[Handler | None, str, int, set[str | None]]] = {
    "refused": (None, "http", 3, {"refused"}),
    "closes-without-answer": (close_at_once, "http", 1, {"closed"}),
    "resets": (reset, "http", 1, {"reset", "closed"}),
    "never-answers": (never, "http", 1, {"timeout"}),
    "one-byte-at-a-time": (dribble, "http", 1, {"timeout"}),
    "not-http": (answer(b"hello there\r\n\r\n"), "http", 1, {"other"}),
    "status-999": (answer(b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n"), "http", 1, {None}),
    "endless-body": (endless_body, "http", 0, {None}),
    "redirect-loop": (redirect_to_self, "http", 1, {"redirects"}),
    "tls-on-a-plain-url": (speaks_tls, "http", 1, {"other", "closed", "reset"}),
    "plain-on-a-tls-url": (plain_at_once, "https", 3, {"tls"}),
}


@pytest.fixture
def servers() -> Iterator[list[RawServer]]:
    made: list[RawServer] = []
    yield made
    for server in made:
        server.listener.close()


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_consumers(case: str, servers: list[RawServer], tmp_path: Path) -> None:
    handle, scheme, code, kinds = CASES[case]
    if handle is None:
        with socket.create_server(("127.0.0.1", 0)) as gone:
            port = gone.getsockname()[1]
    else:
        servers.append(RawServer(handle))
        port = servers[-1].port
    url = f"{scheme}://127.0.0.1:{port}/hooks/{{event}}"
    command = [sys.executable, "-m", "toolkit", "send", url, "--event", "repo_push",
               "--event", "quota_error", "-n", "1", "--timeout", "1", "--concurrency", "4",
               "--format", "json"]  # fmt: skip
    begun = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert time.monotonic() - begun < 30
    assert run.returncode == code, run.stderr
    report = json.loads(run.stdout)
    format_schema("send-report").validate(report)
    planned = len(plan(["repo_push", "quota_error"], 1))  # examples, tests, corpus, fuzz
    assert len(report["results"]) == report["summary"]["sent"] == planned
    assert {r["error_kind"] for r in report["results"]} <= kinds, report["results"][0]
    for result in report["results"]:
        assert (result["status"] is None) == (result["error"] is not None)
        assert "\n" not in (result["error"] or "")


def test_the_tls_case_is_really_tls() -> None:
    assert ssl.HAS_TLSv1_3 or ssl.HAS_TLSv1_2  # the alert bytes above are a TLS record
