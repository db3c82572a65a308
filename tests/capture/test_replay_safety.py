"""`replay` checks every capture before sending anything, sends only what Quay would, reports
every attempt, and never follows a redirect to another host. Real servers on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit import contract
from toolkit.capture import envelope
from toolkit.cli import main

BODY = json.dumps(contract.examples("repo_push")[0]).encode()


class Seen(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, answer: Any) -> None:
        super().__init__(("127.0.0.1", 0), Recording)
        self.answer = answer
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Recording(BaseHTTPRequestHandler):
    server: Seen

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, dict(self.headers), body))
        status, headers = self.server.answer(self.command, self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET = do_DELETE = do_PUT = do_TRACE = do_CONNECT = do_OPTIONS = _any

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Seen] = []

    def start(answer: Any = lambda method, path: (200, {})) -> Seen:
        server = Seen(answer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def capture(**overrides: Any) -> dict[str, Any]:
    record = envelope.make(
        method="POST",
        path="/quay/repo_push",
        headers={"Content-type": "application/json", "X-Trace": "t"},
        body=BODY,
        event="repo_push",
    )
    record.update(overrides)
    return record


def write(path: Path, *records: dict[str, Any] | str) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("".join(line + "\n" for line in lines))
    return path


HOSTILE = {
    "delete": capture(method="DELETE"),
    "connect": capture(method="CONNECT"),
    "trace": capture(method="TRACE"),
    "get": capture(method="GET"),
    "method-with-space": capture(method="PO ST"),
    "method-with-crlf": capture(method="POST\r\nX-Evil: 1"),
    "header-value-crlf": capture(headers={"X-A": "a\r\nX-Injected: 1"}),
    "header-name-colon": capture(headers={"X-A: b": "c"}),
    "header-nul": capture(headers={"X-A": "a\x00b"}),
    "headers-as-list": capture(headers=[["X-A", "1"]]),
    "header-value-number": capture(headers={"X-A": 5}),
    "path-not-a-string": capture(path=["/quay"]),
    "path-with-crlf": capture(path="/quay\r\nHost: evil"),
    "path-absolute-url": capture(path="http://other.example/steal"),
    "body-base64-broken": capture(body=None, body_base64="%%%"),
    "not-an-object": "[1, 2]",
    "not-json": "{nope",
}


def test_hostile_captures_are_reported_and_never_sent(serve: Any, tmp_path: Path) -> None:
    server = serve()
    good = capture()
    source = write(tmp_path / "c.ndjson", good, *HOSTILE.values(), good)
    result = CliRunner().invoke(main, ["replay", str(source), "--to", server.url, "--keep-path"])
    assert result.exit_code == 3, result.output  # some captures could not be replayed
    assert [(m, p) for m, p, _, _ in server.requests] == [("POST", "/quay/repo_push")] * 2
    lines = (result.stdout + result.stderr).splitlines()
    for number in range(2, 2 + len(HOSTILE)):
        [line] = [x for x in lines if f"c.ndjson:{number}" in x]
        assert "skipped" in line, line
    assert "replayed 2: 2 ok, 0 failed; 17 captures not replayed" in result.stderr


def test_other_methods_only_when_asked(serve: Any, tmp_path: Path) -> None:
    server = serve()
    source = write(tmp_path / "c.ndjson", capture(method="PUT"), capture(method="DELETE"))
    result = CliRunner().invoke(
        main, ["replay", str(source), "--to", server.url, "--allow-method", "put"]
    )
    assert result.exit_code == 3, result.output
    assert [m for m, _, _, _ in server.requests] == ["PUT"]
    assert "c.ndjson:2 skipped: method DELETE is not replayed" in result.output


def test_a_redirect_to_another_host_is_the_outcome(serve: Any, tmp_path: Path) -> None:
    elsewhere = serve()
    for status in (301, 302, 303, 307, 308):
        bouncer = serve(lambda method, path, s=status: (s, {"Location": f"{elsewhere.url}/x"}))
        source = write(tmp_path / "c.ndjson", capture(headers={"X-Token": "t0k"}))
        result = CliRunner().invoke(main, ["replay", str(source), "--to", bouncer.url])
        assert result.exit_code == 1, result.output
        assert f"{status} redirect to {elsewhere.url}/x (not followed)" in result.output
        assert "0 ok, 1 failed" in result.stderr
    assert elsewhere.requests == []


def test_a_same_host_redirect_that_keeps_the_request_is_followed(
    serve: Any, tmp_path: Path
) -> None:
    def answer(method: str, path: str) -> tuple[int, dict[str, str]]:
        return (308, {"Location": "/hook/"}) if path == "/hook" else (204, {})

    server = serve(answer)
    source = write(tmp_path / "c.ndjson", capture())
    result = CliRunner().invoke(main, ["replay", str(source), "--to", f"{server.url}/hook"])
    assert result.exit_code == 0, result.output
    assert [(m, p, b) for m, p, _, b in server.requests] == [
        ("POST", "/hook", BODY),
        ("POST", "/hook/", BODY),
    ]
    assert f"-> {server.url}/hook 204 (after 308 to {server.url}/hook/)" in result.output


def test_a_303_is_not_counted_as_ok(serve: Any, tmp_path: Path) -> None:
    server = serve(lambda m, p: (303, {"Location": "/done"}) if m == "POST" else (200, {}))
    source = write(tmp_path / "c.ndjson", capture())
    result = CliRunner().invoke(main, ["replay", str(source), "--to", f"{server.url}/hook"])
    assert result.exit_code == 1, result.output
    assert [m for m, _, _, _ in server.requests] == ["POST"]
    assert "303 redirect to" in result.output


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_hostile_capture_between_two_good_ones(case: str, serve: Any, tmp_path: Path) -> None:
    """Bounded in time (a subprocess with a timeout), exit 3, both good captures sent."""
    server = serve()
    source = write(tmp_path / "c.ndjson", capture(), HOSTILE[case], capture())
    command = [sys.executable, "-m", "toolkit", "replay", str(source), "--to", server.url,
               "--keep-path", "--timeout", "5"]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 3, run.stderr
    assert [m for m, _, _, _ in server.requests] == ["POST", "POST"]
    assert run.stdout.count(" -> ") == 2 and run.stdout.count(" skipped: ") == 1
    assert "c.ndjson:2 skipped: " in run.stdout
    assert "Traceback" not in run.stderr
