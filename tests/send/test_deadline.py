"""`send --timeout` is a deadline for each whole delivery, and a failure without an answer is
named for what it is. Real servers on 127.0.0.1 that answer slowly, or not at all."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.send.delivery import Delivery, Outcome, Transport, deliver

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 30\r\nConnection: close\r\n\r\n" + b"x" * 30


class Dribbler:
    """Reads a request, then answers one byte every `interval` seconds from byte `start` on.

    `start=0` drips the status line and headers too; a per-read timeout never fires on either.
    `start=None` never answers, `start=-1` closes the connection without a word.
    """

    def __init__(self, start: int | None, interval: float = 0.1) -> None:
        self.start, self.interval = start, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dropped: list[float] = []
        """When each connection was found closed by the client (monotonic time)."""
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )  # fmt: skip
            while len(body) < length:
                body += conn.recv(65536)
            if self.start == -1:
                return
            if self.start is None:
                conn.recv(1)  # returns b"" once the client gives up
                self.dropped.append(time.monotonic())
                return
            try:
                conn.sendall(RESPONSE[: self.start])
                for i in range(self.start, len(RESPONSE)):
                    time.sleep(self.interval)
                    conn.sendall(RESPONSE[i : i + 1])
            except OSError:
                self.dropped.append(time.monotonic())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{{event}}"

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def dribbler() -> Iterator[type[Dribbler]]:
    made: list[Dribbler] = []

    def make(start: int | None, interval: float = 0.1) -> Dribbler:
        made.append(Dribbler(start, interval))
        return made[-1]

    yield make  # type: ignore[misc]
    for server in made:
        server.close()


DELIVERY = Delivery("repo_push", "example", "examples[0]", {"repository": "a/b"})


@pytest.mark.parametrize(
    "start",
    [0, RESPONSE.index(b"\r\n\r\n") + 4, None],
    ids=["headers-one-byte-at-a-time", "body-one-byte-at-a-time", "never-answers"],
)
def test_the_timeout_bounds_the_whole_delivery(dribbler: type[Dribbler], start: int | None) -> None:
    server = dribbler(start)  # a full answer would take 3 to 9 s
    begun = time.monotonic()
    [outcome] = deliver(server.url, [DELIVERY], transport=Transport(timeout=0.6))
    took = time.monotonic() - begun
    assert outcome.status is None and outcome.error_kind == "timeout"
    assert outcome.error == "no complete answer within 0.6 s"
    assert 0.55 <= outcome.elapsed < 1.2 and took < 1.5
    deadline = begun + 0.6
    for _ in range(40):  # the connection is closed, not left to the server
        if server.dropped:
            break
        time.sleep(0.05)
    assert server.dropped and server.dropped[0] - deadline < 1.0


def test_a_slow_but_timely_answer_is_fine(dribbler: type[Dribbler]) -> None:
    server = dribbler(RESPONSE.index(b"\r\n\r\n") + 4, interval=0.005)
    [outcome] = deliver(server.url, [DELIVERY], transport=Transport(timeout=5))
    assert (outcome.status, outcome.error, outcome.verdict) == (200, None, "ok")


def test_the_cli_reports_each_timeout_kind_once(dribbler: type[Dribbler]) -> None:
    server = dribbler(0, interval=1.0)  # the consumer: one byte a second
    begun = time.monotonic()
    result = CliRunner().invoke(
        main, ["send", server.url, "--event", "repo_push", "--kind", "example", "--timeout",
               "0.5", "--concurrency", "4"],
    )  # fmt: skip
    assert time.monotonic() - begun < 3
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert line.startswith("FAIL 4 deliveries: no complete answer within 0.5 s")


def test_a_dropped_connection_is_named(dribbler: type[Dribbler]) -> None:
    server = dribbler(-1)
    result = CliRunner().invoke(
        main, ["send", server.url, "--event", "repo_push", "--kind", "invalid", "-n", "2",
               "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    results = json.loads(result.output)["results"]
    assert {r["error_kind"] for r in results} == {"closed"}
    assert all(
        r["reason"].startswith("no answer to a body that breaks the contract") for r in results
    )


@pytest.mark.parametrize(
    ("kind", "error_kind", "verdict"),
    [
        ("valid", "refused", "error"),
        ("invalid", "dns", "error"),
        ("example", "tls", "error"),
        ("valid", "timeout", "fail"),
        ("invalid", "timeout", "fail"),
        ("invalid", "closed", "fail"),
        ("test_notification", "reset", "fail"),
    ],
)
def test_verdicts_without_an_answer(kind: str, error_kind: str, verdict: str) -> None:
    outcome = Outcome(Delivery("repo_push", kind, "x", {}), "http://h/", None, 0.1, "e", error_kind)
    assert outcome.verdict == verdict
