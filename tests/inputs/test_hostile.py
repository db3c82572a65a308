"""Hostile input: every reader and every command that reads input, over a table of inputs built
at test time, mixed with a known valid and a known invalid payload.

For each run: no internal error (exit 4) or traceback, no hang (a subprocess timeout), memory
bounded (peak RSS of the command and its workers), and the findings for the known payloads are
all present. The inputs are the kinds issue 13 found (deep nesting, bad chunking, an over-long
NDJSON line, gzip bombs, a capture of a gzip delivery, a symlink loop, malformed URLs, files that
are not captures) plus random bytes, huge numbers, lone surrogates, NUL bytes, CRLF and U+2028 in
NDJSON, FIFOs and sparse files.
"""

from __future__ import annotations

import base64
import gzip
import os
import random
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from tests.capture.test_listen_app import records as recorded
from tests.capture.test_listen_app import run as run_recorder
from toolkit import contract, validate_body
from toolkit.capture import envelope
from toolkit.inputs import read_paths
from toolkit.validation.body import UnreadableBodyError

PUSH = contract.examples("repo_push")[0]
BAD_PUSH = {**PUSH, "namespace": "Acme"}
TIMEOUT = 120
"""Seconds a command may take over the whole table (a hang fails, it does not block CI)."""
PEAK_MIB = 400
"""Peak RSS bound for a run over inputs that claim gigabytes (a 1 GiB gzip bomb, sparse files)."""


def deep(levels: int) -> bytes:
    """The push example with an `extra` member `levels` arrays deep."""
    return orjson.dumps(PUSH)[:-1] + b',"extra":' + b"[" * levels + b"]" * levels + b"}"


def http(target: str, body: bytes, **headers: str) -> bytes:
    head = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    if "Transfer-Encoding" not in head:
        head += f"Content-Length: {len(body)}\r\n"
    return f"POST {target} HTTP/1.1\r\nContent-Type: application/json\r\n{head}\r\n".encode() + body


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped, built a MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(2**20)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


def hostile_bodies() -> dict[str, bytes]:
    """Request bodies for `validate_body` and `listen` (each one payload at most)."""
    push = orjson.dumps(PUSH)
    rng = random.Random(13)
    return {
        "deep-300": deep(300),
        "deep-1000-array": b"[" * 1000 + b"]" * 1000,
        "deep-100000": b"[" * 100_000,
        "random-bytes": bytes(rng.randrange(256) for _ in range(4096)),
        "huge-numbers": push[:-1] + b',"n":1' + b"9" * 400 + b',"f":1e400}',
        "big-int": push[:-1] + b',"n":184467440737095516160000}',
        "lone-surrogate": push[:-1] + b',"s":"\\ud800"}',
        "nul-bytes": push[:-1] + b',"s":"a\\u0000b"}\x00',
        "u2028": push[:-1] + ',"s":"a\u2028b"}'.encode(),
        "empty": b"",
        "nan": b'{"a": NaN}',
    }


def build(root: Path) -> None:
    """The hostile directory `root/inputs`, the known valid and invalid payloads among them."""
    inputs = root / "inputs"
    inputs.mkdir()
    push = orjson.dumps(PUSH)
    files: dict[str, bytes] = {
        "valid.json": push,
        "invalid.json": orjson.dumps(BAD_PUSH, option=orjson.OPT_INDENT_2),
        # 1, 8: nesting beyond what every reader reads, and a top-level array 1,000 deep.
        "deep-object.json": deep(300),
        "deep-lines.ndjson": push + b"\n" + b"[" * 1000 + b"]" * 1000 + b"\n" + push + b"\n",
        # 2: bad chunk sizes (-5 looped forever), and others int(x, 16) would take.
        "chunk-negative.http": http(
            "/quay/repo_push", b"-5\r\n{}\r\n0\r\n\r\n", Transfer_Encoding="chunked"
        ),
        "chunk-0x.http": http(
            "/quay/repo_push", b"0x2\r\n{}\r\n0\r\n\r\n", Transfer_Encoding="chunked"
        ),
        "chunk-huge.http": http(
            "/", b"ffffffffffffffff\r\n{}\r\n0\r\n\r\n", Transfer_Encoding="chunked"
        ),
        # 3: a first line over the 64 MiB limit, then two valid and two invalid lines.
        "long-first-line.ndjson": b'{"a":"'
        + b"x" * (65 * 2**20)
        + b'"}\n'
        + b"\n".join([push, orjson.dumps(BAD_PUSH)] * 2)
        + b"\n",
        # 6: a malformed IPv6 URL in a dump and in a HAR file.
        "ipv6.http": http("http://[::1/quay/repo_push", push),
        "ipv6.har": orjson.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "request": {
                                "url": "http://[::1/quay/repo_push",
                                "postData": {"text": push.decode()},
                            }
                        }
                    ]
                }
            }
        ),
        # 7: a gzip bomb (1 GiB of zeros in ~1 MiB).
        "bomb.http": http("/quay/repo_push", gzip_bomb(2**30), Content_Encoding="gzip"),
        # 23: a truncated line in the middle of a file is not "the last line".
        "torn-middle.ndjson": push + b"\n" + push[:40] + b"\n" + push + b"\n",
        # 27: fuzz output, event pinned.
        "fuzz.ndjson": orjson.dumps({"event": "repo_push", "payload": BAD_PUSH}) + b"\n",
        # The rest of the table.
        "random.json": bytes(random.Random(7).randrange(256) for _ in range(8192)),
        "numbers.ndjson": b"\n".join(
            [b"1" * 5000, b'{"n": 1e400}', b'{"n": -0.0e-999}', b"184467440737095516160000"]
        )
        + b"\n",
        "surrogates.ndjson": b'{"s": "\\ud800"}\n{"s": "\\udc00\\ud800"}\n' + push + b"\n",
        "nul.ndjson": b'{"s": "a\\u0000"}\n\x00\x00\n' + push + b"\n",
        "crlf.ndjson": push + b"\r\n" + push + b"\r\n\r\n",
        "u2028.ndjson": push[:-1] + ',"s":"\u2028\u2029"}\n'.encode() + push + b"\n",
        "lines.jsonl": b"\n".join([push, b"", b"  ", b"[1,2]", b"null"]) + b"\n",
        "noext-capture": push,  # no extension: read by its content
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    # 4: what listen recorded for a gzip delivery: the body decoded, Content-Encoding kept,
    # once as listen 0.1.0 wrote it and once as it writes it now.
    old = envelope.make(
        method="POST",
        path="/quay/repo_push",
        body=push,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    new = {**old, "body_decoded": ["gzip"]}
    raw = {**old, "body": None, "body_base64": base64.b64encode(gzip.compress(push)).decode()}
    (inputs / "gzip-captures.ndjson").write_bytes(
        b"".join(orjson.dumps(e) + b"\n" for e in (old, new, raw))
    )
    # 7: sparse files: a 1 GiB document, and 300 MB of NDJSON without a newline between lines.
    with (inputs / "sparse.json").open("wb") as f:
        f.write(b"{")
        f.truncate(2**30)
    with (inputs / "sparse.ndjson").open("wb") as f:
        f.write(orjson.dumps(BAD_PUSH) + b"\n" + b'{"a":"')
        f.truncate(300 * 10**6)
    with (inputs / "sparse.ndjson").open("ab") as f:
        f.write(b'"}\n' + push + b"\n")
    # 25: files that are not captures, found by walking, are skipped.
    (inputs / "README.md").write_text("# captures\n")
    (inputs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    # 6: a symlink loop and a FIFO found by walking (the loop is one problem, the FIFO is no
    # regular file and is skipped: opening it would wait for a writer).
    os.symlink("loop.json", inputs / "loop.json")
    os.mkfifo(inputs / "walked.fifo")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    build(root)
    return root / "inputs"


def command(
    *args: str, timeout: float = TIMEOUT, stdin: bytes | None = None
) -> tuple[int, str, str, float]:
    """Run `quay-contract ARGS` with a deadline; (exit code, stdout, stderr, peak RSS in MiB)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], stdin=None if sys.stdin.isatty() else sys.stdin)\n"
        "sys.stderr.write(f'\\nPEAK {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n')\n"
        "sys.exit(r.returncode)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "toolkit", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    err = proc.stderr.decode()
    err, _, peak = err.rpartition("\nPEAK ")
    return proc.returncode, proc.stdout.decode(), err, int(peak) / 1024


def assert_sound(code: int, err: str, peak: float) -> None:
    assert code != 4 and "internal error" not in err and "Traceback" not in err, err
    assert peak < PEAK_MIB, f"peak RSS {peak:.0f} MiB"


# --- validate, every format, one and two processes ------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_json_checks_everything_else(hostile: Path, jobs: str) -> None:
    code, out, err, peak = command("validate", "--format", "json", "-j", jobs, str(hostile))
    assert_sound(code, err, peak)
    assert code == 1
    results = orjson.loads(out)["results"]
    by_file: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_file.setdefault(Path(r["source"]).name, []).append(r)
    # The known payloads: the valid one passes, the invalid one is a finding, with its reason.
    assert [r["status"] for r in by_file["valid.json"]] == ["pass"]
    [bad] = by_file["invalid.json"]
    assert bad["status"] == "fail"
    assert ("$.namespace", "pattern") in {(e["path"], e["keyword"]) for e in bad["errors"]}
    # Walked files that are not inputs are skipped, and said so.
    assert not {"README.md", "logo.png", "walked.fifo"} & set(by_file)
    assert "skipped 2 file(s)" in err
    # 1: too deep is one finding for that record; the lines around it are still checked.
    [deep_obj] = by_file["deep-object.json"]
    assert deep_obj["status"] == "error" and "nested deeper than 254 levels" in deep_obj["problem"]
    lines = by_file["deep-lines.ndjson"]
    assert [(r["line"], r["status"]) for r in lines] == [(1, "pass"), (2, "error"), (3, "pass")]
    # 2: every malformed chunked body is a finding.
    for name in ("chunk-negative.http", "chunk-0x.http", "chunk-huge.http"):
        [r] = by_file[name]
        assert r["status"] == "error" and "chunk" in r["problem"], r
    # 3: the over-long first line is one finding; the four lines after it are all checked.
    long = by_file["long-first-line.ndjson"]
    assert [(r["line"], r["status"]) for r in long] == [
        (1, "error"),
        (2, "pass"),
        (3, "fail"),
        (4, "pass"),
        (5, "fail"),
    ]
    assert "over the 64 MiB limit (raise it with --max-body)" in long[0]["problem"]
    # 4: a capture of a gzip delivery is checked again, old and new.
    assert [r["status"] for r in by_file["gzip-captures.ndjson"]] == ["pass"] * 3
    # 6: the symlink loop is one problem; the malformed IPv6 URLs are read as paths.
    [loop] = by_file["loop.json"]
    assert loop["status"] == "error" and "symbolic links" in loop["problem"]
    assert by_file["ipv6.http"][0]["status"] == "pass"
    assert by_file["ipv6.har"][0]["status"] == "pass"
    # 7: the bomb and the sparse files stop at the limit, naming it.
    for name in ("bomb.http", "sparse.json"):
        [r] = by_file[name]
        assert r["status"] == "error" and "--max-body" in r["problem"], r
    assert [(r["line"], r["status"]) for r in by_file["sparse.ndjson"]] == [
        (1, "fail"),
        (2, "error"),
        (3, "pass"),
    ]
    # 23: only a last line is "cut short".
    torn = by_file["torn-middle.ndjson"]
    assert [(r["line"], r["status"]) for r in torn] == [(1, "pass"), (2, "error"), (3, "pass")]
    assert "cut short" not in torn[1]["problem"]
    # 27: a fuzz line is its payload, with its event pinned.
    [fuzzed] = by_file["fuzz.ndjson"]
    assert fuzzed["status"] == "fail" and fuzzed["event"] == "repo_push"
    # Everything else is read and judged, one way or another.
    assert [r["status"] for r in by_file["crlf.ndjson"]] == ["pass", "pass"]
    assert by_file["u2028.ndjson"][1]["status"] == "pass"
    assert by_file["noext-capture"][0]["status"] == "pass"
    for name in ("random.json", "numbers.ndjson", "surrogates.ndjson", "nul.ndjson", "lines.jsonl"):
        assert by_file[name], name


@pytest.mark.parametrize("fmt", ["text", "junit", "github", "sarif"])
def test_validate_every_format_reports_the_known_finding(hostile: Path, fmt: str) -> None:
    code, out, err, peak = command("validate", "--format", fmt, str(hostile))
    assert_sound(code, err, peak)
    assert code == 1
    assert "invalid.json" in out and "namespace" in out


def test_report_reads_everything_else(hostile: Path) -> None:
    code, out, err, peak = command("report", "--format", "json", str(hostile))
    assert_sound(code, err, peak)
    result = orjson.loads(out)
    push = next(e for e in result["events"] if e["event"] == "repo_push")
    # valid.json, invalid.json, the good NDJSON lines, captures, dumps: far more than two.
    assert push["payloads"] >= 10
    assert "skipped: " in err and "nested deeper than 254 levels" in err


def test_replay_reads_hostile_captures_and_sends_only_whole_envelopes(hostile: Path) -> None:
    got: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        files = [
            str(hostile / n) for n in ("gzip-captures.ndjson", "deep-lines.ndjson", "random.json")
        ]
        code, _, err, peak = command("replay", *files, "--to", url)
    finally:
        server.shutdown()
        server.server_close()
    assert_sound(code, err, peak)
    assert len(got) == 3 and all(orjson.loads(b)["name"] == PUSH["name"] for b in got[:2])


def test_stdin_and_a_named_fifo_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "named.fifo"
    os.mkfifo(fifo)

    def writer() -> None:
        with fifo.open("wb") as f:
            f.write(orjson.dumps(BAD_PUSH))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    code, out, err, peak = command("validate", "--format", "json", str(fifo), "-")
    thread.join(5)
    assert_sound(code, err, peak)
    results = orjson.loads(out)["results"]
    assert [r["status"] for r in results] == ["fail", "error"]  # stdin is empty here


# --- the library and the recorder --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile_bodies()))
def test_validate_body_reports_or_judges(name: str) -> None:
    body = hostile_bodies()[name]
    try:
        report = validate_body(body)
    except UnreadableBodyError as exc:
        message = str(exc)
    else:
        assert report.valid or report.errors
        return
    assert message.startswith("request body: ")


def test_validate_body_stops_a_gzip_bomb_at_the_limit() -> None:
    with pytest.raises(UnreadableBodyError, match=r"over the 64 MiB limit"):
        validate_body(gzip_bomb(2**27), content_encoding="gzip")


def test_listen_records_and_answers_every_hostile_body(tmp_path: Path) -> None:
    bodies = hostile_bodies()

    async def scenario(base: str, session: aiohttp.ClientSession) -> list[int]:
        statuses = []
        for body in bodies.values():
            async with session.post(
                base + "/quay/repo_push", data=body, headers={"Content-Type": "application/json"}
            ) as response:
                statuses.append(response.status)
        return statuses

    statuses, _ = run_recorder(tmp_path, scenario)
    assert set(statuses) <= {200, 400}, statuses
    captured = recorded(tmp_path)
    assert len(captured) == len(bodies)  # every delivery recorded, none lost to a 500
    deep_verdicts = [c["verdict"] for c in captured if c["body"] and c["body"].startswith("[[[[")]
    assert all("nested deeper than 254 levels" in v["errors"][0]["message"] for v in deep_verdicts)
    # And what listen recorded reads back.
    problems = [r.problem for r in read_paths([str(tmp_path)]) if r.problem]
    assert len(problems) + sum(1 for r in read_paths([str(tmp_path)]) if not r.problem) == len(
        bodies
    )
