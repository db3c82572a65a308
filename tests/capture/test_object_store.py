"""`report` and `replay` read captures from object storage (an S3 stand-in on 127.0.0.1),
compressed or not, exactly as they read local files."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.capture.test_replay import write_captures
from tests.objectstore import s3_server
from toolkit.capture import reader as captures
from toolkit.capture.listen import loadtest
from toolkit.cli import main


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    with s3_server() as fs:
        yield fs


def test_report_over_an_s3_prefix_equals_the_local_report(s3: Any, tmp_path: Path) -> None:
    local = tmp_path / "caps"
    local.mkdir()
    write_captures(local / "a.ndjson")
    (local / "b.ndjson.gz").write_bytes(
        gzip.compress((Path("samples") / "listen-capture.ndjson").read_bytes())
    )
    s3.put(str(local), "lake/report", recursive=True)
    for narrowed in ([], ["--quay-version", "3.8"]):  # the fingerprints summed; one release
        args = ["report", "--format", "json", *narrowed]
        expected = CliRunner().invoke(main, [*args, str(local)])
        got = CliRunner().invoke(main, [*args, "s3://lake/report/"])
        assert got.exit_code == expected.exit_code
        assert json.loads(got.stdout) == json.loads(expected.stdout)
        assert json.loads(got.stdout)["captures"] >= 8
        assert json.loads(got.stdout)["releases"], "no version fingerprint was summed"
        assert json.loads(got.stdout)["quay_version"] == (narrowed[1] if narrowed else None)
    globbed = CliRunner().invoke(main, ["report", "--format", "json", "s3://lake/report/*.gz"])
    assert json.loads(globbed.stdout)["captures"] < json.loads(got.stdout)["captures"]


def test_replay_from_s3(s3: Any, tmp_path: Path) -> None:
    source = tmp_path / "in.ndjson"
    sent = write_captures(source)
    s3.pipe("lake/replay/in.ndjson.gz", gzip.compress(source.read_bytes()))
    running = loadtest.spawn(tmp_path / "out", "--quiet")
    try:
        result = CliRunner().invoke(
            main, ["replay", "s3://lake/replay/", "--to", running.url, "--keep-path"]
        )
    finally:
        running.stop()
    assert result.exit_code == 0, result.output
    assert "torn last line" in result.stderr and "s3://lake/replay/in.ndjson.gz:" in result.stderr
    assert "replayed 4: 4 ok, 0 failed" in result.stderr
    got = [c.record for c in captures.read([tmp_path / "out"]) if isinstance(c, captures.Capture)]
    assert sorted(r["body"] for r in got) == sorted(r["body"] for r in sent)


def test_a_missing_object_is_exit_3(s3: Any) -> None:
    result = CliRunner().invoke(
        main, ["replay", "s3://lake/nothing.ndjson", "--to", "http://127.0.0.1:9/"]
    )
    assert result.exit_code == 3, result.output
