"""`quay-contract replay`: recorded deliveries resent with their original headers and body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import contract
from toolkit.capture import envelope
from toolkit.capture import reader as captures
from toolkit.capture.listen import loadtest
from toolkit.capture.replay import resend_headers, target
from toolkit.cli import main


def write_captures(path: Path) -> list[dict[str, object]]:
    records = []
    for event in ("repo_push", "build_failure", "quota_error"):
        body = json.dumps(contract.examples(event)[0]).encode()
        records.append(
            envelope.make(
                method="POST",
                path=f"/quay/{event}?token=s3cret&team=web",
                headers={
                    "Host": "quay-hooks.example:8080",
                    "User-Agent": "python-requests/2.32.3",
                    "Content-type": "application/json",
                    "Content-Length": str(len(body)),
                    "Authorization": "Bearer s3cret",
                    "X-Trace": "t-1",
                },
                body=body,
                remote="10.0.0.7:51234",
                event=event,
            )
        )
    records.append(
        envelope.make(
            method="POST",
            path="/quay/repo_push",
            headers={"Content-type": "application/json"},
            body=b'{"repository": 5}',
            event="repo_push",
        )
    )
    text = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    path.write_bytes(text + b'{"v":1,"received_at":"2026-')  # and a torn last line
    return records


def test_replay_resends_original_headers_and_bodies(tmp_path: Path) -> None:
    source = tmp_path / "in.ndjson"
    sent = write_captures(source)
    running = loadtest.spawn(tmp_path / "out", "--quiet", "--reject-invalid")
    try:
        result = CliRunner().invoke(
            main, ["replay", str(source), "--to", running.url, "--keep-path", "--concurrency", "2"]
        )
    finally:
        running.stop()
    assert result.exit_code == 1  # the invalid capture got 422 from --reject-invalid
    assert "torn last line" in result.stderr
    assert "replayed 4: 3 ok, 1 failed" in result.stderr
    assert " 422" in result.stdout
    got = [c.record for c in captures.read([tmp_path / "out"]) if isinstance(c, captures.Capture)]
    assert sorted(envelope.body_bytes(r) for r in got) == sorted(
        envelope.body_bytes(r) for r in sent
    )
    by_event = {r["event"]: r for r in got}
    assert set(by_event) == {"repo_push", "build_failure", "quota_error"}
    pushed = by_event["build_failure"]
    assert pushed["headers"]["User-Agent"] == "python-requests/2.32.3"
    assert pushed["headers"]["X-Trace"] == "t-1"
    lower = {k.lower(): v for k, v in pushed["headers"].items()}  # names are case-insensitive
    assert lower["content-type"] == "application/json"
    assert "authorization" not in lower
    assert pushed["path"] == "/quay/build_failure?team=web"


def test_replay_to_a_fixed_url_and_event_filter(tmp_path: Path) -> None:
    source = tmp_path / "in.ndjson"
    write_captures(source)
    running = loadtest.spawn(tmp_path / "out", "--quiet")
    try:
        result = CliRunner().invoke(
            main,
            ["replay", str(source), "--to", f"{running.url}/hook", "--event", "quota_error"],
        )
    finally:
        running.stop()
    assert result.exit_code == 0, result.output
    [got] = [c.record for c in captures.read([tmp_path / "out"]) if isinstance(c, captures.Capture)]
    assert got["path"] == "/hook" and "quota_error" in got["verdict"]["candidates"]


def test_replay_to_nowhere_fails_cleanly(tmp_path: Path) -> None:
    source = tmp_path / "in.ndjson"
    write_captures(source)
    result = CliRunner().invoke(main, ["replay", str(source), "--to", "http://127.0.0.1:9/"])
    assert result.exit_code == 1 and "error:" in result.output
    bad = CliRunner().invoke(main, ["replay", str(source), "--to", "ftp://x/"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(main, ["replay", str(tmp_path / "nope"), "--to", "http://x/"])
    assert missing.exit_code == 3


@pytest.mark.parametrize(
    ("to", "path", "expected"),
    [
        ("http://h:1", "/quay/repo_push", "http://h:1/quay/repo_push"),
        (
            "http://h:1/base/",
            "/[REDACTED]/quay/x?token=[REDACTED]&a=1",
            "http://h:1/base/quay/x?a=1",
        ),
    ],
)
def test_keep_path_drops_redacted_parts(to: str, path: str, expected: str) -> None:
    assert target(to, path, keep_path=True) == expected


def test_connection_headers_are_not_resent() -> None:
    headers = {"Host": "a", "Content-Length": "3", "Connection": "keep-alive", "X-A": "1"}
    assert resend_headers({**headers, "Cookie": envelope.REDACTED}) == {"X-A": "1"}
