"""`validate --engine dask`: the local engine's report, byte for byte, from a Dask cluster;
inputs read by the workers from disk and from an S3 stand-in on 127.0.0.1; a worker killed
mid-run changes nothing. One two-worker LocalCluster serves the whole module."""

from __future__ import annotations

import contextlib
import logging
import os
import pty
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.objectstore import s3_server
from tests.validation.corpus import ndjson_lines, write_corpus, write_table
from toolkit.cli import main
from toolkit.validation import dask_engine
from toolkit.validation.batch import Options
from toolkit.validation.runner import run
from toolkit.validation.summary import Summary

FORMATS = ("text", "json", "junit", "github", "sarif")


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    with s3_server() as fs:
        yield fs


@pytest.fixture(scope="module")
def client(s3: Any) -> Iterator[Any]:
    """Two worker processes, started after the S3 environment is set (workers inherit it)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # any free port: 8787 may be taken
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_corpus(tmp_path_factory.mktemp("corpus") / "captures", big_lines=2500)
    lines = [line for line in ndjson_lines(900, 4) if line]
    write_table(root / "f-table.parquet", lines)
    return root


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)


def _summary(batches: Iterator[Any]) -> tuple[Summary, list[Any]]:
    summary, verdicts = Summary(), []
    for batch in batches:
        summary.add(batch)
        verdicts += batch.verdicts
    return summary, verdicts


def _totals(summary: Summary) -> tuple[Any, ...]:
    rows = {r.label: (r.valid, r.test_notifications, r.invalid) for r in summary.rows.values()}
    totals = summary.total, summary.valid, summary.invalid, summary.unreadable
    return *totals, rows, summary.fingerprints


FINGERPRINTS = {  # how each format shows the version fingerprints
    "text": "Quay releases (fingerprint)",
    "json": '"releases":{"text":"Quay',
    "junit": '<property name="releases" value="Quay',
    "github": "by the Quay releases that could have sent them: any release",
    "sarif": '"text": "Quay ',
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_byte_identical_to_the_local_engine(
    client: Any, corpus: Path, fmt: str
) -> None:
    """Totals, findings and version fingerprints (per verdict and summed), by default and
    narrowed to a release, whatever the task size."""
    address = client.scheduler.address
    for chunk, version in (("64KiB", None), (None, None), ("64KiB", "3.8"), (None, "3.12.1")):
        args = [*(["--chunk-size", chunk] if chunk else []), str(corpus)]
        if version:
            args = ["--quay-version", version, *args]
        local = _cli("--format", fmt, *args)
        dask = _cli("--format", fmt, "--scheduler", address, *args)
        assert local.exit_code == dask.exit_code == 1
        assert dask.stdout == local.stdout, (fmt, chunk, version)
        assert FINGERPRINTS[fmt] in local.stdout, (fmt, version)
        assert ("version-unsent" in local.stdout) == (version is not None), (fmt, version)
    assert "a-big.ndjson:" in local.stdout or fmt != "text"


def test_verbose_text_lists_every_payload_in_the_same_order(client: Any, corpus: Path) -> None:
    args = ["-v", "--chunk-size", "64KiB", str(corpus / "b-more.jsonl"), str(corpus / "e-small")]
    local = _cli(*args)
    dask = _cli("--engine", "dask", "--scheduler", client.scheduler.address, *args)
    assert dask.stdout == local.stdout
    assert local.stdout.count("PASS") > 750


def test_s3_ndjson_and_parquet_read_by_the_workers(client: Any, s3: Any, corpus: Path) -> None:
    s3.put(str(corpus), "lake/corpus", recursive=True)
    url = "s3://lake/corpus"
    local = _cli("--format", "json", str(corpus))
    expected = local.stdout.replace(str(corpus), url)
    for engine in (["--scheduler", client.scheduler.address], ["--engine", "local"]):
        remote = _cli("--format", "json", "--chunk-size", "128KiB", *engine, url + "/")
        assert remote.exit_code == 1
        assert remote.stdout == expected, engine
    tables = _cli("--format", "json", "--scheduler", client.scheduler.address, f"{url}/*.parquet")
    assert tables.stdout == _cli(
        "--format", "json", str(corpus / "f-table.parquet")
    ).stdout.replace(str(corpus), url)
    assert '"source":"s3://lake/corpus/f-table.parquet","line":null,"index":0' in tables.stdout


def test_a_worker_killed_mid_run_changes_no_total(client: Any, s3: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    path.write_bytes(b"\n".join(ndjson_lines(20_000, 9)) + b"\n")
    s3.put(str(path), "lake/kill/big.ndjson")
    expected, expected_verdicts = _summary(run([str(path)], Options(), jobs=1))
    pids = client.run(os.getpid)
    killed: list[int] = []
    summary, verdicts = Summary(), []
    for batch in dask_engine.run(
        ["s3://lake/kill/big.ndjson"], Options(), chunk=256 * 1024, client=client
    ):
        summary.add(batch)
        verdicts += batch.verdicts
        if not killed:
            busy = [w for w, keys in client.processing().items() if keys and w in pids]
            if busy:
                killed.append(pids[busy[0]])
                os.kill(pids[busy[0]], signal.SIGKILL)
    assert killed, "no worker was busy to be killed"
    assert _totals(summary) == _totals(expected)
    assert [(v.line, v.status, v.errors) for v in verdicts] == [
        (v.line, v.status, v.errors) for v in expected_verdicts
    ]
    assert Counter(v.source for v in verdicts) == Counter(
        {"s3://lake/kill/big.ndjson": len(verdicts)}
    )
    assert client.run_on_scheduler(_rerun), "no task of the killed worker was run again"
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in client.run(os.getpid).values()


def _rerun(dask_scheduler: Any) -> list[str]:
    """Keys of this engine's tasks that the scheduler started more than once."""
    starts: Counter[str] = Counter()
    for key, _, finish, *_ in dask_scheduler.transition_log:
        if str(key).startswith("quay-contract-") and finish == "processing":
            starts[str(key)] += 1
    return [key for key, n in starts.items() if n > 1]


def test_a_local_cluster_of_jobs_workers_with_progress_on_a_terminal(corpus: Path) -> None:
    """No --scheduler: the command starts (and stops) its own cluster; its progress counter
    goes to stderr on a terminal, as the local engine's does, and stdout stays the report.
    Dask's usual dashboard port is taken meanwhile: the cluster picks a free one, silently."""
    taken = socket.socket()
    with contextlib.suppress(OSError):  # already taken by someone else: the same situation
        taken.bind(("127.0.0.1", 8787))
        taken.listen()
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    args = [sys.executable, "-m", "toolkit", "validate", str(corpus / "a-big.ndjson")]
    local = subprocess.run(args, capture_output=True, check=False, cwd=ROOT, env=env)
    leader, follower = pty.openpty()
    try:
        dask = subprocess.run(
            [*args, "--engine", "dask", "-j", "2", "--chunk-size", "256KiB"],
            stdout=subprocess.PIPE,
            stderr=follower,
            check=False,
            cwd=ROOT,
            env=env,
        )
        os.close(follower)
        err = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        os.close(leader)
        taken.close()
    assert dask.returncode == local.returncode == 1, err
    assert b"8787" not in err and b"already in use" not in err
    assert dask.stdout == local.stdout
    assert b"payloads checked" in err and b"payloads checked" not in dask.stdout


def test_usage_errors(corpus: Path) -> None:
    assert _cli("--engine", "local", "--scheduler", "tcp://127.0.0.1:1", str(corpus)).exit_code == 2
    stdin = CliRunner().invoke(main, ["validate", "--engine", "dask", "-"], input="{}")
    assert stdin.exit_code == 2 and "stdin" in stdin.output
    assert _cli("--chunk-size", "lots", str(corpus)).exit_code == 2
