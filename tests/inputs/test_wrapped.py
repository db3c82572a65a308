"""Envelope-template bodies (`{"event": <name>, "data": "${$}"}`) are unwrapped and pinned.

The bodies are rendered by the template engine exactly as Quay sends them; every reader, then
validate, listen, report and the receiving helpers check `data` as the named event.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner

from tests.conftest import example_cases
from toolkit import contract, parse, validate_body
from toolkit.capture import reader as captures
from toolkit.capture.listen.config import ListenConfig
from toolkit.capture.listen.serve import start
from toolkit.cli import main
from toolkit.contract.registry import EVENTS
from toolkit.inputs import read_paths
from toolkit.inputs.wrapped import TEMPLATE, unwrap
from toolkit.templates.engine import deliver
from toolkit.validation.verdict import check

SHARED = ("build_start", "build_success", "build_failure", "build_cancelled")


def envelope(event: str) -> str:
    """The recommended template for `event`."""
    return TEMPLATE.replace("<name>", event)


def sent(event: str, payload: Any) -> bytes:
    """The body Quay POSTs for `payload` through the envelope template."""
    return deliver(envelope(event), payload).data


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_sent_through_the_envelope_is_unwrapped_and_pinned(
    tmp_path: Path, event: str, index: int, payload: Any
) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(sent(event, payload))
    [record] = read_paths([str(path)])
    assert record.payload == payload and record.event == event
    assert record.wrapper_event == event and record.prefix == ("data",)
    verdict = check(record)
    assert verdict.valid and verdict.pinned and verdict.event == event
    assert any("envelope template" in note for note in verdict.notes)


def test_the_name_tells_apart_events_that_share_a_shape(tmp_path: Path) -> None:
    payload = contract.examples("build_success")[0]
    for event in SHARED:  # the same body under four names: the name decides
        path = tmp_path / f"{event}.json"
        path.write_bytes(sent(event, payload))
        [record] = read_paths([str(path)])
        assert check(record).event == event
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(payload))
    [record] = read_paths([str(plain)])
    assert check(record).candidates == SHARED  # without the name only the URL could tell


def test_every_input_format_unwraps(tmp_path: Path) -> None:
    payload = contract.examples("repo_push")[0]
    body = sent("repo_push", payload)
    (tmp_path / "lines.ndjson").write_bytes(body + b"\n" + body + b"\n")
    (tmp_path / "list.json").write_bytes(b"[" + body + b", " + body + b"]")
    har = {"log": {"entries": [{"request": {"method": "POST", "url": "http://h/hook",
           "postData": {"mimeType": "application/json", "text": body.decode()}}}]}}  # fmt: skip
    (tmp_path / "capture.har").write_text(json.dumps(har))
    dump = b"POST /hook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
    dump += b"Content-Length: %d\r\n\r\n" % len(body) + body
    (tmp_path / "request.http").write_bytes(dump)
    line = {
        "v": 1,
        "received_at": "2026-12-03T00:00:00Z",
        "remote": None,
        "method": "POST",
        "path": "/quay/repo_push",
        "headers": {},
        "event": "repo_push",
        "body": None,
        "body_base64": base64.b64encode(body).decode(),
        "verdict": None,
    }
    (tmp_path / "captures.ndjson").write_text(json.dumps(line) + "\n")
    records = list(read_paths([str(tmp_path)]))
    assert len(records) == 7
    for record in records:
        assert record.problem is None, record
        assert (record.payload, record.event, record.wrapper_event) == (
            payload,
            "repo_push",
            "repo_push",
        ), record.where


@pytest.mark.parametrize(
    "body",
    [
        {"event": "repo_push", "data": {"repository": "a/b"}, "extra": 1},  # three keys
        {"event": 1, "data": {}},  # the name is not a string
        {"event": "repo_push", "data": "text"},  # data is not an object
        {"event": "repo_push", "data": [{"repository": "a/b"}]},
        {"data": {}},
    ],
)
def test_other_bodies_are_left_alone(body: dict[str, Any]) -> None:
    assert unwrap(body) is None


def test_no_quay_body_is_mistaken_for_an_envelope() -> None:
    for event in EVENTS:
        for body in contract.examples(event) + contract.test_notification_examples(event):
            assert unwrap(body) is None


def test_an_unknown_name_is_a_finding_and_the_event_is_detected(tmp_path: Path) -> None:
    payload = contract.examples("repo_push")[0]
    path = tmp_path / "body.json"
    path.write_bytes(sent("repo_pushed", payload))
    [record] = read_paths([str(path)])
    verdict = check(record)
    assert not verdict.valid and verdict.candidates == ("repo_push",)
    [finding] = verdict.errors
    assert (finding.path, finding.keyword) == ("$.event", "envelope")
    assert "did you mean repo_push?" in finding.message
    assert (finding.line, finding.column) == (1, 11)  # the name in the body


def test_a_wrapped_envelope_is_unwrapped_once(tmp_path: Path) -> None:
    inner = json.loads(sent("repo_push", contract.examples("repo_push")[0]))
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"event": "repo_push", "data": inner}))
    [record] = read_paths([str(path)])
    assert record.payload == inner and not check(record).valid


def test_validate_command_reports_the_unwrapping(tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(sent("build_failure", contract.examples("build_failure")[0]))
    result = CliRunner().invoke(main, ["validate", "-j", "1", str(path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "1 valid" in result.output and "build_failure" in result.output
    assert "unwrapped from an envelope template for build_failure" in result.output


def test_validate_body_and_parse_unwrap() -> None:
    payload = contract.examples("build_start")[0]
    report = validate_body(sent("build_start", payload))
    assert report.valid and report.event == "build_start"
    assert report.wrapper_event == "build_start"
    assert type(parse(sent("build_start", payload))).__name__ == "BuildStart"
    unknown = validate_body(sent("build_begun", payload))
    assert not unknown.valid and unknown.errors[0].keyword == "envelope"


def test_listen_pins_the_named_event_and_report_folds_it_there(tmp_path: Path) -> None:
    out = tmp_path / "cap"
    payload = contract.examples("build_cancelled")[0]

    async def scenario() -> list[Any]:
        running = await start(ListenConfig(port=0, out=out), lambda line: None)
        answers = []
        try:
            async with aiohttp.ClientSession() as session:
                for event, path in [
                    ("build_cancelled", "/hooks/quay"),
                    ("build_canceled", "/quay/x"),
                ]:
                    body = sent(event, payload)
                    headers = {"Content-type": "application/json"}
                    async with session.post(
                        running.urls[0] + path, data=body, headers=headers
                    ) as r:
                        answers.append((r.status, await r.json(content_type=None)))
        finally:
            await running.stop()
        return answers

    good, bad = asyncio.run(scenario())
    assert good == (200, {"recorded": True, "event": "build_cancelled", "valid": True})
    assert bad[0] == 200 and bad[1]["valid"] is False
    assert bad[1]["errors"][0]["keyword"] == "envelope"
    recorded = [c.record for c in captures.read([out]) if isinstance(c, captures.Capture)]
    assert [r["verdict"]["unwrapped"] for r in recorded] == ["build_cancelled", "build_canceled"]
    result = CliRunner().invoke(main, ["report", str(out), "--format", "json"])
    report = json.loads(result.output)
    folded = {e["event"]: e["payloads"] for e in report["events"]}
    assert folded["build_cancelled"] == 1  # pinned by the name, not the shared-shape group
    assert folded[" | ".join(SHARED)] == 1  # the unknown name: detected from data
