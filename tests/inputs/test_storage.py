"""Inputs beyond plain local files: compressed NDJSON, file:// and http:// URLs, Parquet and
Arrow tables with the body in a column. Each must give the report that plain NDJSON gives."""

from __future__ import annotations

import bz2
import gzip
import http.server
import json
import lzma
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import zstandard
from click.testing import CliRunner

from tests.conftest import DATA
from tests.validation.corpus import ndjson_lines, write_table
from toolkit import contract
from toolkit.cli import main
from toolkit.inputs import read, read_paths
from toolkit.inputs.storage import MissingExtra, compression, is_remote, local_path, plain_name

LINES = ndjson_lines(700, 11)
REPORT_SCHEMA = json.loads(
    (Path(__file__).parents[2] / "toolkit/formats/validate-report.schema.json").read_text()
)
PLAIN = b"\n".join(LINES) + b"\n"


def _json(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", *args])
    return result.exit_code, json.loads(result.output)


def _without_sources(report: dict[str, Any]) -> dict[str, Any]:
    for item in report["results"]:
        item.pop("source")
    return report


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("ref") / "x.ndjson"
    path.write_bytes(PLAIN)
    code, report = _json(str(path))
    assert code == 1 and report["summary"]["invalid"] >= 7
    return _without_sources(report)


COMPRESSORS = {
    ".gz": lambda b: gzip.compress(b, mtime=0),
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_compressed_ndjson_reads_as_plain(
    tmp_path: Path, suffix: str, reference: dict[str, Any]
) -> None:
    path = tmp_path / f"x.ndjson{suffix}"
    path.write_bytes(COMPRESSORS[suffix](PLAIN))
    code, report = _json(str(path))
    assert code == 1
    assert _without_sources(report) == reference
    assert [r.line for r in read(str(path)) if r.problem] == [401]


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_a_corrupt_compressed_file_is_unreadable_not_a_crash(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"x.ndjson{suffix}"
    path.write_bytes(COMPRESSORS[suffix](PLAIN)[:40] + b"\x00garbage" * 50)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code in (1, 3), result.output
    assert "ERROR" in result.output and "cannot read" in result.output


def test_a_gzip_json_payload_and_a_file_url(tmp_path: Path) -> None:
    payload = contract.examples("repo_push")[0]
    path = tmp_path / "one.json.gz"
    path.write_bytes(gzip.compress(json.dumps(payload).encode()))
    code, report = _json(str(path), (tmp_path / "one.json.gz").as_uri())
    assert code == 0 and report["summary"]["valid"] == 2


def test_names_and_urls() -> None:
    assert compression("a/b.ndjson.GZ") == "gzip" and compression("a.gz/b") is None
    assert plain_name("x.jsonl.zst") == "x.jsonl"
    assert is_remote("s3://b/k") and not is_remote("file:///tmp/x") and not is_remote("/tmp/x")
    assert local_path("file:///tmp/a%20b.json") == "/tmp/a b.json"


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_a_table_reads_like_ndjson(tmp_path: Path, suffix: str, reference: dict[str, Any]) -> None:
    nonblank = [line for line in LINES if line]
    path = tmp_path / f"t{suffix}"
    write_table(path, nonblank, event=[None] * len(nonblank))
    code, report = _json(str(path))
    assert code == 1
    got = report["results"]

    def seen(results: list[dict[str, Any]]) -> list[Any]:
        # A finding's line is the line within the row's body: 1, where NDJSON says the file's.
        return [
            (
                r["status"],
                r["candidates"],
                [(e["path"], e["keyword"], e["column"]) for e in r["errors"]],
            )
            for r in results
        ]

    assert seen(got) == seen(reference["results"])
    jsonschema.validate(report, REPORT_SCHEMA)
    assert {e["line"] for r in got for e in r["errors"]} == {1}
    assert report["summary"] == reference["summary"]
    rows = [r["index"] for r in got if r["status"] == "error"]
    assert rows == [nonblank.index(b'{"repository": "ns/r", "truncated": ')]


def test_a_table_event_column_pins_the_event(tmp_path: Path) -> None:
    body = json.dumps(contract.examples("build_success")[0]).encode()
    path = tmp_path / "t.parquet"
    write_table(path, [body, body], event=["build_success", None])
    code, report = _json("-v", str(path))
    assert code == 0
    first, second = report["results"]
    assert first["event"] == "build_success" and first["candidates"] == ["build_success"]
    assert second["event"] is None and len(second["candidates"]) > 1


def test_body_column_and_its_absence(tmp_path: Path) -> None:
    body = json.dumps(contract.examples("repo_push")[0]).encode()
    path = tmp_path / "t.parquet"
    write_table(path, [body], column="payload")
    code, report = _json(str(path))
    assert code == 3
    assert "no column 'body'" in report["results"][0]["problem"]
    assert "--body-column" in report["results"][0]["problem"]
    code, report = _json("--body-column", "payload", str(path))
    assert code == 0 and report["summary"]["valid"] == 1


def test_a_table_of_capture_envelopes(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        json.loads(line)
        for line in (Path("samples") / "listen-capture.ndjson").read_bytes().splitlines()
    ]
    columns = sorted({k for r in rows for k in r if k != "headers"})
    table = pa.table({c: [r.get(c) for r in rows] for c in columns if c != "verdict"})
    pq.write_table(table, tmp_path / "env.parquet")
    _, from_table = _json(str(tmp_path / "env.parquet"))
    _, from_lines = _json("samples/listen-capture.ndjson")
    assert from_table["summary"] == from_lines["summary"]
    assert [r["event"] for r in from_table["results"]] == [
        r["event"] for r in from_lines["results"]
    ]


def test_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1 but not really")
    code, report = _json(str(path))
    assert code == 3 and "not a readable parquet file" in report["results"][0]["problem"]


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[str]:
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(tmp_path), **k
    )

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass

    server = Quiet(("127.0.0.1", 0), handler)
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_http_url(tmp_path: Path, http_root: str, reference: dict[str, Any]) -> None:
    (tmp_path / "x.ndjson.gz").write_bytes(gzip.compress(PLAIN))
    code, report = _json(f"{http_root}/x.ndjson.gz")
    assert code == 1
    assert report["results"][0]["source"] == f"{http_root}/x.ndjson.gz"
    assert _without_sources(report) == reference
    code, report = _json(f"{http_root}/missing.ndjson")
    assert code == 3 and "cannot open" in report["results"][0]["problem"]


def test_missing_extra_names_the_extra() -> None:
    message = str(MissingExtra("s3:// URLs", "s3"))
    assert message == "s3:// URLs need the s3 extra: pip install 'quay-webhook-contracts[s3]'"


@pytest.mark.parametrize("name", ["capture.parquet", "capture.ndjson.zst"])
def test_the_table_and_zstd_data_hold_the_sample_deliveries(name: str) -> None:
    _, expected = _json("samples/deliveries.ndjson")
    _, got = _json(str(DATA / "tables" / name))
    assert got["summary"] == expected["summary"]
    assert got["summary"]["invalid"] > 0


def test_tables_and_compressed_files_unwrap_envelope_template_bodies(tmp_path: Path) -> None:
    from tests.inputs.test_wrapped import sent

    payload = contract.examples("repo_push")[0]
    body = sent("repo_push", payload)
    write_table(tmp_path / "t.parquet", [body])
    (tmp_path / "lines.ndjson.gz").write_bytes(gzip.compress(body + b"\n"))
    records = list(read_paths([str(tmp_path)]))
    assert len(records) == 2
    for record in records:
        assert (record.payload, record.event, record.wrapper_event) == (
            payload,
            "repo_push",
            "repo_push",
        ), record.where
