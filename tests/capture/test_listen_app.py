"""The recorder in-process: a real aiohttp server on 127.0.0.1 (port 0) in the test's loop."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from tests.conftest import example_cases, invalid_cases, notification_cases
from toolkit import contract
from toolkit.capture import envelope
from toolkit.capture import reader as captures
from toolkit.capture.listen.config import ListenConfig
from toolkit.capture.listen.serve import Running, start

ENVELOPE = jsonschema.Draft7Validator(envelope.schema())
QUAY_HEADERS = {
    "Content-type": "application/json",
    "User-Agent": "python-requests/2.32.3",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
}


@asynccontextmanager
async def recorder(out: Path, **overrides: Any) -> AsyncIterator[tuple[Running, list[str]]]:
    logs: list[str] = []
    running = await start(ListenConfig(port=0, out=out, **overrides), logs.append)
    try:
        yield running, logs
    finally:
        await running.stop()


def records(out: Path) -> list[dict[str, Any]]:
    return [c.record for c in captures.read([out]) if isinstance(c, captures.Capture)]


Scenario = Callable[[str, aiohttp.ClientSession], Awaitable[Any]]


def run(out: Path, scenario: Scenario, **overrides: Any) -> tuple[Any, list[str]]:
    """Run `scenario(base_url, session)` against a fresh recorder; return its result and logs."""

    async def main() -> tuple[Any, list[str]]:
        async with recorder(out, **overrides) as (running, logs), aiohttp.ClientSession() as s:
            return await scenario(running.urls[0], s), logs

    return asyncio.run(main())


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    async with session.post(url, data=body, headers=headers or QUAY_HEADERS) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize(("event", "index", "payload"), example_cases())
def test_every_example_is_acknowledged_recorded_and_valid(
    tmp_path: Path, event: str, index: int, payload: Any
) -> None:
    body = json.dumps(payload).encode()  # Quay's json.dumps spacing

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/{event}", body)

    (status, answer), logs = run(tmp_path / "cap", scenario)
    assert status == 200 and answer == {"recorded": True, "event": event, "valid": True}
    [record] = records(tmp_path / "cap")
    assert record["event"] == event and record["method"] == "POST"
    assert record["path"] == f"/quay/{event}"
    assert envelope.body_bytes(record) == body and record["body_base64"] is None
    assert record["verdict"]["valid"] is True and record["verdict"]["event"] == event
    assert record["headers"]["User-Agent"] == "python-requests/2.32.3"
    assert record["remote"].startswith("127.0.0.1:")
    assert any(f"/quay/{event} {event} valid" in line for line in logs)
    ENVELOPE.validate(record)


@pytest.mark.parametrize(("event", "payload"), notification_cases())
def test_test_notifications_are_recognised(tmp_path: Path, event: str, payload: Any) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/{event}", json.dumps(payload).encode())

    (status, _), _ = run(tmp_path / "cap", scenario)
    [record] = records(tmp_path / "cap")
    assert status == 200 and record["verdict"]["test_notification"] is True


@pytest.mark.parametrize(("event", "case"), invalid_cases()[::7])
def test_violations_are_recorded_acknowledged_or_rejected(
    tmp_path: Path, event: str, case: dict[str, Any]
) -> None:
    body = json.dumps(case["payload"]).encode()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/{event}", body)

    (status, answer), logs = run(tmp_path / "a", scenario)
    assert status == 200 and answer["valid"] is False
    [record] = records(tmp_path / "a")
    keywords = {e["keyword"] for e in record["verdict"]["errors"]}
    assert record["verdict"]["valid"] is False and case["keyword"] in keywords
    assert any("invalid:" in line for line in logs)

    (status, answer), _ = run(tmp_path / "b", scenario, reject_invalid=True)
    assert status == 422 and answer["errors"]
    assert len(records(tmp_path / "b")) == 1  # rejected, but still recorded


def test_event_is_detected_without_an_event_path(tmp_path: Path) -> None:
    payload = contract.examples("repo_push")[0]

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/hooks/anything", json.dumps(payload).encode())

    (status, answer), logs = run(tmp_path / "cap", scenario)
    [record] = records(tmp_path / "cap")
    assert status == 200 and answer["event"] == "repo_push"
    assert record["event"] is None and record["verdict"]["event"] == "repo_push"
    assert any("(detected) valid" in line for line in logs)


def test_secrets_are_redacted(tmp_path: Path) -> None:
    body = json.dumps(contract.examples("repo_push")[0]).encode()
    headers = {**QUAY_HEADERS, "Authorization": "Bearer s3cret", "X-Api-Key": "k3y"}

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        target = f"{url}/quay/repo_push?token=s3cret&access_token=t0k&team=web"
        return await post(session, target, body, headers)

    run(tmp_path / "cap", scenario)
    text = b"".join(p.read_bytes() for p in (tmp_path / "cap").iterdir())
    assert b"s3cret" not in text and b"t0k" not in text and b"k3y" not in text
    [record] = records(tmp_path / "cap")
    assert record["headers"]["Authorization"] == envelope.REDACTED
    assert record["path"] == "/quay/repo_push?token=[REDACTED]&access_token=[REDACTED]&team=web"


def test_path_token_guards_webhooks_and_is_never_recorded(tmp_path: Path) -> None:
    body = json.dumps(contract.examples("repo_push")[0]).encode()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        wrong = await post(session, f"{url}/quay/repo_push", body)
        guessed = await post(session, f"{url}/tok3n-x/quay/repo_push", body)
        right = await post(session, f"{url}/tok3n/quay/repo_push", body)
        return wrong[0], guessed[0], right

    (statuses), _ = run(tmp_path / "cap", scenario, path_token="tok3n")
    assert statuses[:2] == (404, 404)
    assert statuses[2][0] == 200 and statuses[2][1]["event"] == "repo_push"
    [record] = records(tmp_path / "cap")
    assert record["path"] == "/[REDACTED]/quay/repo_push" and record["event"] == "repo_push"
    assert b"tok3n" not in next((tmp_path / "cap").iterdir()).read_bytes()


def test_non_utf8_body_is_kept_as_base64_and_answered_400(tmp_path: Path) -> None:
    body = b'{"repository": "caf\xe9"}'

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/repo_push", body)

    (status, answer), _ = run(tmp_path / "cap", scenario)
    [record] = records(tmp_path / "cap")
    assert status == 400 and answer["errors"][0]["keyword"] == "json"
    assert record["body"] is None and base64.b64decode(record["body_base64"]) == body
    assert envelope.body_bytes(record) == body
    ENVELOPE.validate(record)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain"}, b"{}", 415),
        ({}, b"{}", 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"a=1", 415),
        ({"Content-Type": "application/json", "Content-Encoding": "br"}, b"{}", 415),
        ({"Content-Type": "application/json", "Content-Encoding": "gzip"}, b"not gzip", 400),
        ({"Content-Type": "application/json"}, b"\x00\xff garbage \x17", 400),
        ({"Content-Type": "application/json"}, b"x" * (64 * 1024 + 1), 413),
    ],
    ids=["text-plain", "no-type", "form", "brotli", "corrupt-gzip", "garbage", "over-limit"],
)
def test_bad_requests_get_the_right_status(
    tmp_path: Path, headers: dict[str, str], body: bytes, status: int
) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        async with session.post(
            f"{url}/quay/repo_push", data=body, headers=headers, skip_auto_headers=["Content-Type"]
        ) as response:
            first = response.status
        async with session.get(f"{url}/healthz") as health:
            return first, health.status

    (got, health), _ = run(tmp_path / "cap", scenario, max_body=64 * 1024)
    assert (got, health) == (status, 200)


def test_gzip_bodies_are_decoded_and_a_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    payload = json.dumps(contract.examples("repo_push")[0]).encode()
    bomb = gzip.compress(b" " * (50 * 1024 * 1024))  # 50 MiB of spaces in ~50 KiB
    deflated = zlib.compress(payload)

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        gz = {**QUAY_HEADERS, "Content-Encoding": "gzip"}
        df = {**QUAY_HEADERS, "Content-Encoding": "deflate"}
        ok = await post(session, f"{url}/quay/repo_push", gzip.compress(payload), gz)
        ok2 = await post(session, f"{url}/quay/repo_push", deflated, df)
        boom = await post(session, f"{url}/quay/repo_push", bomb, gz)
        return ok[0], ok2[0], boom[0]

    statuses, _ = run(tmp_path / "cap", scenario)
    assert len(bomb) < 1024 * 1024 and statuses == (200, 200, 413)
    recorded = records(tmp_path / "cap")
    assert [envelope.body_bytes(r) for r in recorded] == [payload, payload]


def test_methods_health_and_status_page(tmp_path: Path) -> None:
    body = json.dumps(contract.examples("quota_warning")[0]).encode()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        await post(session, f"{url}/quay/quota_warning", body)
        await post(session, f"{url}/quay/quota_warning", b"{}")
        async with session.get(f"{url}/quay/quota_warning") as get:
            method = get.status, get.headers.get("Allow")
        async with session.post(f"{url}/healthz", data=b"{}") as bad:
            health_post = bad.status
        async with session.get(f"{url}/healthz") as health:
            healthz = await health.json()
        async with session.get(f"{url}/") as page:
            html = await page.text()
        return method, health_post, healthz, html

    (method, health_post, healthz, html), _ = run(tmp_path / "cap", scenario)
    assert method == (405, "POST") and health_post == 405
    assert healthz["status"] == "ok" and healthz["recorded"] == 2
    assert "<td>quota_warning</td><td>1</td><td>1</td>" in html  # invalid 1, valid 1
    assert "200: 2" in html


def test_a_failed_write_is_not_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from toolkit.capture import recorder

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    body = json.dumps(contract.examples("repo_push")[0]).encode()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        monkeypatch.setattr(recorder.os, "fsync", full)
        failed = await post(session, f"{url}/quay/repo_push", body)
        monkeypatch.setattr(recorder.os, "fsync", os.fsync)
        return failed[0]

    status, logs = run(tmp_path / "cap", scenario)
    assert status == 503 and any("not recorded" in line for line in logs)


def test_slow_body_gets_408(tmp_path: Path) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        async def trickle() -> AsyncIterator[bytes]:
            yield b'{"repository": '
            await asyncio.sleep(1.0)
            yield b'"a/b"}'

        async with session.post(
            f"{url}/quay/repo_push", data=trickle(), headers=QUAY_HEADERS
        ) as response:
            return response.status

    status, _ = run(tmp_path / "cap", scenario, body_timeout=0.3)
    assert status == 408
    assert records(tmp_path / "cap") == []


def test_a_release_judges_each_delivery_and_the_envelope_keeps_the_fingerprint(
    tmp_path: Path,
) -> None:
    """The issue's example on a live recorder: Quay 3.10 always sends `trigger_manual`."""
    seed = json.dumps(contract.examples("build_queued")[0]).encode()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/build_queued", seed)

    (status, answer), logs = run(tmp_path / "a", scenario, quay_version="3.10", reject_invalid=True)
    assert status == 422 and answer["errors"][0]["rule"] == "version-missing"
    [record] = records(tmp_path / "a")
    verdict = record["verdict"]
    assert verdict["quay_version"] == "3.10" and verdict["releases"]["text"] == "Quay ≤ 3.8.1"
    assert any("[version-missing] Quay 3.10 always sends" in line for line in logs)
    ENVELOPE.validate(record)
    (status, answer), _ = run(tmp_path / "b", scenario, quay_version="3.8")
    assert status == 200 and answer["valid"] is True
    assert records(tmp_path / "b")[0]["verdict"]["releases"]["ranges"] == [["3.0.0", "3.8.1"]]


def test_a_broken_invariant_is_judged_on_arrival(tmp_path: Path) -> None:
    """Quay's repo_push docs sample, well-formed but with the wrong `name`: rejected on arrival
    (422 with --reject-invalid), its finding recorded with the invariant's id and fields."""
    body = (Path(__file__).parents[2] / "samples/quay-docs-repo-push.json").read_bytes()

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/quay/repo_push", body)

    (status, answer), logs = run(tmp_path / "cap", scenario, reject_invalid=True)
    assert status == 422 and answer["valid"] is False
    [record] = records(tmp_path / "cap")
    head = record["verdict"]["errors"][0]
    assert (head["keyword"], head["rule"]) == ("x-invariants", "repository-path")
    assert head["paths"] == ["$.repository", "$.namespace", "$.name"]
    assert any("invalid:" in line for line in logs)
