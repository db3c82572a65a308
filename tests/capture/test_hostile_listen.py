"""`listen` against hostile requests, byte for byte over a real socket: every case is answered
within its bound and never with a 5xx, its log line stays one line, nothing secret is recorded,
and a valid delivery right after it is still answered 200 and recorded."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.capture.test_listen_app import recorder, records
from toolkit import contract

VALID = json.dumps(contract.examples("repo_push")[0]).encode()


def post(path: str, body: bytes, *headers: str, length: int | None = None) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: quay-hooks", "Content-Type: application/json"]
    head += [f"Content-Length: {len(body) if length is None else length}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def chunked(path: str, chunks: bytes) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
    return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks


def nested(levels: int) -> bytes:
    return b'{"a": ' + b"[" * levels + b"]" * levels + b"}"


RANDOM = random.Random(13).randbytes(4096)

# name: (raw request, the statuses it may get; None: the server may close without answering)
CASES: dict[str, tuple[bytes, set[int | None]]] = {
    "random-bytes-body": (post("/quay/repo_push", RANDOM), {400}),
    "empty-body": (post("/quay/repo_push", b""), {400}),
    "huge-number": (post("/quay/repo_push", b'{"n": 1e400}'), {200, 400}),
    "huge-integer": (post("/quay/repo_push", b'{"n": 123456789012345678901234567890}'), {200, 400}),
    "lone-surrogate": (post("/quay/repo_push", b'{"s": "\\ud800"}'), {200, 400}),
    "escaped-nul": (post("/quay/repo_push", b'{"s": "a\\u0000b"}'), {200}),
    "raw-nul-in-json": (post("/quay/repo_push", b'{"s": "a\x00b"}'), {400}),
    "u2028-in-body": (post("/quay/repo_push", '{"s": "a\u2028b"}'.encode()), {200}),
    "nesting-200": (post("/quay/repo_push", nested(200)), {200, 400}),
    "crlf-in-path": (post("/quay/repo_push%0d%0a200%20POST%20/forged", VALID), {200}),
    "password-in-target": (post("http://user:PW@quay-hooks/quay/repo_push", VALID), {200}),
    "nul-in-header": (post("/quay/repo_push", VALID, "X-A: a\x00b"), {400, None}),
    "huge-header": (post("/quay/repo_push", VALID, "X-A: " + "a" * 20_000), {400, 431, None}),
    "too-many-headers": (
        post("/quay/repo_push", VALID, *(f"X-{i}: {i}" for i in range(300))), {400, 431, None},
    ),
    "negative-chunk-size": (chunked("/quay/repo_push", b"-5\r\nabcde\r\n0\r\n\r\n"), {400, None}),
    "garbage-chunk-size": (chunked("/quay/repo_push", b"zz\r\nabc\r\n0\r\n\r\n"), {400, None}),
    "length-lies": (post("/quay/repo_push", b'{"a": 1}', length=1000), {400, 408, None}),
    "not-http": (b"BREW /pot HTCPCP/1.0\r\n\r\n", {400, None}),
    "binary-noise": (RANDOM[:512] + b"\r\n\r\n", {400, None}),
    "get-a-webhook": (b"GET /quay/repo_push HTTP/1.1\r\nHost: h\r\n\r\n", {405}),
}  # fmt: skip


async def exchange(url: str, raw: bytes) -> int | None:
    """Send `raw` and read the status of the answer (None: closed without one)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(raw)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 5)
    except ConnectionError:
        return None
    finally:
        writer.close()
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_requests(case: str, tmp_path: Path) -> None:
    raw, allowed = CASES[case]
    out = tmp_path / "cap"

    async def main() -> tuple[int | None, int | None, list[str]]:
        async with asyncio.timeout(15), recorder(out, body_timeout=1.0) as (running, logs):
            got = await exchange(running.urls[0], raw)
            after = await exchange(running.urls[0], post("/quay/repo_push", VALID))
            return got, after, logs

    got, after, logs = asyncio.run(main())
    assert got in allowed, (got, logs)
    assert after == 200
    assert all("\n" not in line and "\r" not in line for line in logs)
    recorded = records(out)
    assert json.loads(recorded[-1]["body"]) == json.loads(VALID)
    stored = b"".join(p.read_bytes() for p in out.iterdir())
    assert b"user:PW" not in stored and not any("user:PW" in line for line in logs)
