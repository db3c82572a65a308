"""What the recorder logs, counts and records for every kind of request, hostile ones included."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.capture.test_listen_app import QUAY_HEADERS, post, records, run
from toolkit import contract
from toolkit.capture import envelope, recorder

BODY = json.dumps(contract.examples("repo_push")[0]).encode()


@pytest.mark.parametrize(
    ("token", "sent"),
    [("tok en", "tok%20en"), ("tök", "t%C3%B6k"), ("t0k", "%74%30%6B")],
    ids=["space", "non-ascii", "needlessly-encoded"],
)
def test_a_percent_encoded_path_token_is_never_recorded(
    tmp_path: Path, token: str, sent: str
) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/{sent}/quay/repo_push?x=1", BODY)

    (status, _answer), logs = run(tmp_path / "cap", scenario, path_token=token)
    assert status == 200
    [record] = records(tmp_path / "cap")
    assert record["path"] == "/[REDACTED]/quay/repo_push?x=1"
    data = b"".join(p.read_bytes() for p in (tmp_path / "cap").iterdir())
    assert sent.encode() not in data and token.encode() not in data
    assert not any(sent in line or token in line for line in logs)


def test_with_a_path_token_the_status_pages_need_it_too(tmp_path: Path) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        await post(session, f"{url}/s3cr3t/quay/repo_push", BODY)
        out = {}
        for path in ("/", "/healthz", "/s3cr3t/", "/s3cr3t/healthz", "/guess/"):
            async with session.get(f"{url}{path}") as response:
                out[path] = response.status, await response.text()
        return out

    pages, _ = run(tmp_path / "cap", scenario, path_token="s3cr3t")
    assert pages["/"][0] == 404 and pages["/guess/"][0] == 404
    assert pages["/s3cr3t/"][0] == 200 and "Recorded 1 deliveries" in pages["/s3cr3t/"][1]
    assert json.loads(pages["/healthz"][1]) == {"status": "ok"}  # liveness only, no details
    assert json.loads(pages["/s3cr3t/healthz"][1])["recorded"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/quay/repo_push%0d%0a12:00:00%20200%20POST%20/quay/forged%20valid",
        "/quay/repo_push%0a",
        "/x%e2%80%a8y",
        "/%1b[31mred",
    ],
    ids=["crlf", "trailing-lf", "u2028", "escape-sequence"],
)
def test_encoded_control_characters_never_forge_a_log_line(tmp_path: Path, path: str) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        target = aiohttp.client.URL(f"{url}{path}", encoded=True)
        async with session.post(target, data=BODY, headers=QUAY_HEADERS) as response:
            return response.status

    status, logs = run(tmp_path / "cap", scenario)
    assert status == 200
    [line] = logs
    assert not any(c in line for c in "\r\n\x1b\u2028")
    [record] = records(tmp_path / "cap")
    assert record["event"] is None  # `/quay/repo_push\n` does not name an event


def test_every_answer_is_logged_and_counted(tmp_path: Path) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        answers = []
        calls: list[tuple[str, str, bytes, dict[str, str]]] = [
            ("POST", "/quay/repo_push", BODY, QUAY_HEADERS),
            ("POST", "/nowhere", BODY, QUAY_HEADERS),
            ("GET", "/quay/repo_push", b"", {}),
            ("PUT", "/", b"", {}),
            ("POST", "/quay/repo_push", b"x" * 2048, QUAY_HEADERS),
            ("POST", "/quay/repo_push", BODY, {"Content-Type": "text/plain"}),
        ]
        for method, path, body, headers in calls:
            async with session.request(
                method,
                f"{url}{path}",
                data=body,
                headers=headers,
                skip_auto_headers=["Content-Type"],
            ) as response:
                answers.append(response.status)
        async with session.get(f"{url}/") as page:
            return answers, await page.text()

    (answers, html), logs = run(tmp_path / "cap", scenario, max_body=1024, path_token=None)
    assert answers == [200, 200, 405, 405, 413, 415]  # no token: /nowhere is a webhook too
    logged = [line.split(" ", 2)[:2] for line in logs]
    assert logged == [
        ["200", "POST"], ["200", "POST"], ["405", "GET"], ["405", "PUT"], ["413", "POST"],
        ["415", "POST"],
    ]  # fmt: skip
    assert "Responses: 200: 2, 405: 2, 413: 1, 415: 1" in html


def test_404_is_logged_without_the_guessed_token(tmp_path: Path) -> None:
    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        return await post(session, f"{url}/s3cr3x/quay/repo_push", BODY)

    (status, _), logs = run(tmp_path / "cap", scenario, path_token="s3cr3t")
    assert status == 404
    assert logs == ["404 POST /[REDACTED]/quay/repo_push not found"]


def test_listen_answers_again_once_the_disk_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No inode for the next capture file: 503 (Quay retries), then 200 once there is one."""
    real_open = os.open
    full = True

    def no_inodes(path: Any, flags: int, *args: Any) -> int:
        if full and str(path).endswith(".ndjson"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, *args)

    async def scenario(url: str, session: aiohttp.ClientSession) -> Any:
        nonlocal full
        statuses = [(await post(session, f"{url}/quay/repo_push", BODY))[0]]
        monkeypatch.setattr(recorder.os, "open", no_inodes)
        statuses += [(await post(session, f"{url}/quay/repo_push", BODY))[0] for _ in range(3)]
        full = False
        statuses += [(await post(session, f"{url}/quay/repo_push", BODY))[0] for _ in range(3)]
        return statuses

    statuses, logs = run(tmp_path / "cap", scenario, rotate_bytes=len(BODY))
    assert statuses == [200, 503, 503, 503, 200, 200, 200]
    assert sum("not recorded" in line for line in logs) == 3
    assert len(records(tmp_path / "cap")) == 4
    assert envelope.body_bytes(records(tmp_path / "cap")[-1]) == BODY
