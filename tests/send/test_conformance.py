"""The conformance kit: the corpus as data, `send --payload`, curl commands that reproduce a
delivery byte for byte, and the in-process `quay_conformance` fixture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from toolkit import contract, validate
from toolkit.cli import main
from toolkit.send import conformance
from toolkit.send.curl import curl_command, quay_headers
from toolkit.send.delivery import KINDS, plan, quay_body
from toolkit.send.report import format_schema

CORPUS = Path(str(resources.files("toolkit").joinpath("send/corpus")))


def corpus_files() -> list[Path]:
    """Every file under the corpus, through links (`release/` links tests/data/releases/)."""
    return [Path(d) / f for d, _, names in os.walk(CORPUS, followlinks=True) for f in names]


def test_every_corpus_file_is_indexed_and_every_index_entry_exists() -> None:
    indexed = {
        str((index.parent / entry["file"]).relative_to(CORPUS))
        for index in corpus_files()
        if index.name == "index.json"
        for entry in json.loads(index.read_text())["files"]
    }
    bodies = [p for p in corpus_files() if p.parent.name in contract.EVENTS]  # <event>/<name>
    present = {str(p.relative_to(CORPUS)) for p in bodies}
    assert indexed == present and len(conformance.cases()) == len(present)
    assert {c.path for c in conformance.cases()} == present


@pytest.mark.parametrize("case", conformance.cases(), ids=lambda c: f"{c.kind}/{c.name}")
def test_corpus_bodies_are_exact_quay_bodies_the_contract_accepts(case: conformance.Case) -> None:
    assert case.body == quay_body(case.payload)  # json.dumps, ASCII, no trailing newline
    report = validate(case.payload, case.event)
    assert report.valid and report.test_notification == case.test_notification
    assert case.description


def test_the_corpus_holds_every_release_shape() -> None:
    releases = json.loads((ROOT / "tests" / "data" / "releases" / "index.json").read_text())
    shipped = {c.path.removeprefix("release/") for c in conformance.cases() if c.kind == "release"}
    assert shipped == {entry["file"] for entry in releases["files"]}
    assert "release" in KINDS


def test_the_corpus_holds_the_bodies_that_broke_real_consumers() -> None:
    cases = conformance.cases()
    broke = " ".join(b for c in cases for b in c.broke)
    for consumer in ("Argo CD Image Updater", "keel", "lewagon", "Kargo"):
        assert consumer in broke
    assert any(c.payload.get("updated_tags") == [] for c in cases)
    manual = {c.event for c in cases if c.payload.get("trigger_metadata") == {}}
    assert manual == {"build_start", "build_success", "build_failure", "build_cancelled"}
    assert {c.event for c in cases if "docker_url" not in c.payload} == {
        "quota_warning",
        "quota_error",
    }
    assert any(":" in c.payload.get("docker_url", "").split("/")[0] for c in cases)
    assert any("trigger_id" not in c.payload for c in cases if c.event == "build_queued")


def test_plan_delivers_the_corpus_and_every_test_notification() -> None:
    deliveries = plan(None, 0)
    corpus = [d for d in deliveries if d.kind in ("regression", "release")]
    assert len(corpus) == len(conformance.cases())
    tests = [d for d in deliveries if d.kind == "test_notification"]
    assert len(tests) == sum(len(contract.test_notification_examples(e)) for e in contract.EVENTS)
    assert sorted(d.body for d in corpus) == sorted(c.body for c in conformance.cases())


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int = 200) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.seen: list[tuple[str, dict[str, str], bytes]] = []


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.path, dict(self.headers.items()), body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_curl_command_repeats_the_delivery_byte_for_byte(recorder: Recorder) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed (Debian package curl)")
    url = f"http://127.0.0.1:{recorder.server_address[1]}/quay/repo_mirror_sync_failed"
    payload = next(p for p in contract.examples("repo_mirror_sync_failed") if "'" in p["message"])
    result = CliRunner().invoke(main, ["send", url, "--payload", "-"], input=json.dumps(payload))
    assert result.exit_code == 0, result.output
    subprocess.run(["bash", "-c", curl_command(url, quay_body(payload))], check=True,
                   capture_output=True)  # fmt: skip
    (path_a, headers_a, body_a), (path_b, headers_b, body_b) = recorder.seen
    assert path_a == path_b and body_a == body_b == quay_body(payload)
    for name, value in quay_headers().items():  # Quay's headers, Content-type's casing included
        assert headers_a[name] == headers_b[name] == value
    assert "Content-type" in headers_b


def test_send_payload_delivers_one_chosen_body_judged_by_the_contract(
    recorder: Recorder, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{recorder.server_address[1]}/quay/{{event}}"
    manual = contract.examples("build_success")[2]
    (tmp_path / "manual.json").write_text(json.dumps(manual, indent=2))
    result = CliRunner().invoke(
        main,
        [
            "send",
            url,
            "--payload",
            str(tmp_path / "manual.json"),
            "--event",
            "build_success",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    format_schema("send-report").validate(report)
    [row] = report["results"]
    assert (row["kind"], row["event"], row["verdict"]) == ("payload", "build_success", "ok")
    [(path, _, body)] = recorder.seen
    assert path == "/quay/build_success" and body == quay_body(manual)  # as Quay serialises it

    ambiguous = CliRunner().invoke(main, ["send", url, "--payload", str(tmp_path / "manual.json")])
    assert ambiguous.exit_code == 3
    assert "build_start, build_success, build_failure, build_cancelled" in ambiguous.output
    assert "--event" in ambiguous.output

    recorder.status = 400
    broken = {**manual, "build_id": "nope"}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    args = ["send", url, "--payload", str(tmp_path / "broken.json"), "--event", "build_success"]
    warned = CliRunner().invoke(main, args)
    assert warned.exit_code == 0 and "WARN build_success payload[" in warned.output
    assert CliRunner().invoke(main, [*args, "--reject-invalid", "--strict"]).exit_code == 0
    real = CliRunner().invoke(main, ["send", url, "--payload", str(tmp_path / "manual.json"),
                                     "--event", "build_success"])  # fmt: skip
    assert real.exit_code == 1 and "rejected a body Quay sends (HTTP 400)" in real.output
    assert "  body: " + quay_body(manual).decode() in real.output
    assert "--data-binary" in real.output.split("  reproduce: ", 1)[1]
    chosen = ["--payload", str(tmp_path / "manual.json"), "--event", "build_success"]
    as_json = CliRunner().invoke(main, ["send", url, *chosen, "--format", "json"])
    failed = json.loads(as_json.output)
    format_schema("send-report").validate(failed)
    [row] = failed["results"]
    assert row["verdict"] == "fail" and row["body"] == quay_body(manual).decode()
    assert row["curl"].startswith("curl -sS -i -L --max-time 10 ") and row["url"] in row["curl"]
    assert CliRunner().invoke(main, ["send", url, "--payload", "nope.json"]).exit_code == 3
    usage = CliRunner().invoke(main, ["send", url, "--payload", "x.json", "--all"])
    assert usage.exit_code == 2


def test_send_payload_reads_captures_with_their_event(recorder: Recorder, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{recorder.server_address[1]}/hooks/{{event}}"
    payload = contract.examples("build_cancelled")[2]
    dump = tmp_path / "delivery.http"
    body = quay_body(payload)
    dump.write_bytes(
        b"POST /quay/build_cancelled HTTP/1.1\r\nHost: x\r\nContent-type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    result = CliRunner().invoke(main, ["send", url, "--payload", str(dump)])
    assert result.exit_code == 0, result.output
    assert [p for p, _, _ in recorder.seen] == ["/hooks/build_cancelled"]


APP = """
import json

from fastapi import FastAPI
from flask import Flask

from toolkit.receive import Receiver
from toolkit.receive.fastapi import router
from toolkit.receive.flask import blueprint

quay = Receiver()
deployed = []


@quay.on("build_start", "build_success", "build_failure", "build_cancelled")
def relay(delivery):
    commit = delivery.payload["trigger_metadata"]{ACCESS}
    deployed.append(commit)


asgi = FastAPI()
asgi.include_router(router(quay))
wsgi = Flask(__name__)
wsgi.register_blueprint(blueprint(quay))


def bare(environ, start_response):  # no toolkit at all: any WSGI app
    body = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
    meta = body.get("trigger_metadata")
    commit = meta{ACCESS} if meta is not None else None
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_asgi(quay_conformance):
    quay_conformance(asgi, n=3)


def test_wsgi(quay_conformance):
    quay_conformance(wsgi, n=3)


def test_bare(quay_conformance):
    quay_conformance(bare, "/anything/{event}", n=3)
"""


def _pytest(tmp_path: Path, access: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_consumer.py").write_text(textwrap.dedent(APP).replace("{ACCESS}", access))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_fixture_finds_the_planted_bug_and_passes_the_fixed_app(tmp_path: Path) -> None:
    broken = _pytest(tmp_path, '["commit"]')  # KeyError on trigger_metadata: {}
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "3 failed" in broken.stdout
    for line in (
        "FAIL build_success regression[manual-build-empty-trigger-metadata]: rejected a body "
        "Quay sends (HTTP 500)",
        '"trigger_metadata": {}',
        "reproduce: curl -sS -i -L --max-time 10",
        "http://127.0.0.1:8000/anything/build_failure",
    ):
        assert line in broken.stdout, line

    fixed = _pytest(tmp_path, '.get("commit")')
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "3 passed" in fixed.stdout


def test_fixture_runs_the_asgi_lifespan() -> None:
    from starlette.applications import Starlette

    from toolkit.receive import Receiver
    from toolkit.receive.starlette import routes
    from toolkit.send.inprocess import run

    events: list[str] = []
    quay = Receiver()
    quay.on("repo_push")(lambda d: events.append("push"))

    async def lifespan(app: Any) -> Any:
        events.append("startup")
        yield
        events.append("shutdown")

    from contextlib import asynccontextmanager

    app = Starlette(routes=routes(quay), lifespan=asynccontextmanager(lifespan))
    outcomes = run(app, "http://testserver/quay/{event}", plan("repo_push", 0, kinds=["example"]))
    assert [o.verdict for o in outcomes] == ["ok"] * len(contract.examples("repo_push"))
    assert events == ["startup", *["push"] * len(outcomes), "shutdown"]


def test_a_new_set_of_shapes_is_data_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder with an index in the corpus format (as tests/data/releases/ has) is a new kind,
    delivered by plan() and selectable with --kind, without code."""
    body = quay_body(contract.examples("repo_push")[1])
    (tmp_path / "releases" / "repo_push").mkdir(parents=True)
    (tmp_path / "releases" / "repo_push" / "3.4+-v2-push.json").write_bytes(body)
    index = {"files": [{"file": "repo_push/3.4+-v2-push.json", "event": "repo_push",
                        "test_notification": False, "description": "a v2 push"}]}  # fmt: skip
    (tmp_path / "releases" / "index.json").write_text(json.dumps(index))
    monkeypatch.setattr(conformance, "_root", lambda: tmp_path)
    conformance.cases.cache_clear()
    try:
        [case] = conformance.cases()
        assert (case.kind, case.path, case.body) == ("releases", "releases/repo_push/3.4+-v2-push.json", body)  # fmt: skip  # noqa: E501
        [delivery] = plan("repo_push", 0, kinds=["releases"])
        assert delivery.label == "releases[3.4+-v2-push]" and delivery.body == body
    finally:
        conformance.cases.cache_clear()
