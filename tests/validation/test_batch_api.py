"""The batch API that every engine runs: chunks, records, ranges, and their Batches."""

from __future__ import annotations

import io
import itertools
import pickle
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import ROOT
from tests.validation.corpus import ndjson_lines, release_bodies, write_corpus
from toolkit import validate
from toolkit.contract.releases import Releases, parse_release
from toolkit.inputs import read
from toolkit.validation.batch import Batch, Options
from toolkit.validation.runner import run
from toolkit.validation.summary import Summary
from toolkit.validation.tasks import Files, Range, Renumber, plan
from toolkit.validation.work import check_chunk, check_records, read_range, run_task


def _lines_of(data: bytes) -> list[bytes]:
    return data.split(b"\n")[:-1] if data else []


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000, 4096])
def test_ranges_hold_every_line_once_whatever_the_cut(chunk: int) -> None:
    """Lines longer than a range, ranges inside one line, a last line without a newline."""
    data = b"\n".join([b"x" * 3000, b"", b"ab", *(b"y" * n for n in range(0, 200, 13)), b"z"])
    f = io.BytesIO(data)
    pieces = [
        read_range(f, start, min(start + chunk, len(data))) for start in range(0, len(data), chunk)
    ]
    assert b"".join(pieces) == data
    for piece in pieces:
        assert not piece or piece.endswith(b"\n") or piece.endswith(b"z")


def test_check_chunk_numbers_lines_from_first_line() -> None:
    lines = ndjson_lines(500, 7)
    whole = check_chunk(b"\n".join(lines) + b"\n", source="x.ndjson")
    assert whole.lines == 500
    later = check_chunk(b"\n".join(lines) + b"\n", source="x.ndjson", first_line=101)
    assert [v.line for v in later.verdicts] == [v.line + 100 for v in whole.verdicts]
    assert later.passes == whole.passes
    bad = [v for v in whole.verdicts if v.status == "fail"]
    assert bad and all(v.errors and v.errors[0].keyword for v in bad)
    assert {v.line for v in whole.verdicts if v.status == "error"} == {401}


def test_check_records_gives_what_the_reader_and_the_runner_give(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_bytes(b"\n".join(ndjson_lines(800, 3)) + b"\n")
    batch = check_records(read(str(path)))
    ran = list(run([str(path)], Options(), jobs=1))
    assert batch.verdicts == [v for b in ran for v in b.verdicts]
    assert batch.passes == sum((b.passes for b in ran), Counter())


def _fingerprints(lines: list[bytes], quay_version: str | None = None) -> Counter[Any]:
    """Payloads per (fingerprint, test notification), from toolkit.validate one line at a time."""
    out: Counter[Any] = Counter()
    for line in lines:
        try:
            payload = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        report = validate(payload, quay_version=quay_version)
        if report.releases is not None:
            out[(report.releases, report.test_notification)] += 1
    return out


@pytest.mark.parametrize("quay_version", [None, "3.3", "3.8.2", "3.12"])
def test_a_batch_counts_passes_per_fingerprint_and_the_summary_sums_them(
    quay_version: str | None,
) -> None:
    """Passes are counted per (candidates, test notification, fingerprint); folded into a
    Summary, with the reported verdicts, they give what validate() says line by line."""
    lines = ndjson_lines(1500, 5)
    options = Options(quay_version=quay_version)
    batch = check_chunk(b"\n".join(lines) + b"\n", source="x.ndjson", options=options)
    prints = {releases for (_, _, releases) in batch.passes}
    assert len(prints) >= 4 and all(isinstance(r, Releases) and r for r in prints)
    if quay_version is not None:  # a pass was sent by one of those releases
        target = parse_release(quay_version)
        assert all(r & target for r in prints)
    summary = Summary()
    summary.add(pickle.loads(pickle.dumps(batch)))
    assert summary.fingerprints == _fingerprints(lines, quay_version)
    assert sum(r.payloads for r in summary.release_rows()) == sum(summary.fingerprints.values())
    if quay_version is None:  # every valid payload has a fingerprint, and only those
        assert sum(summary.fingerprints.values()) == summary.valid


def test_a_batch_pickles_compactly_with_its_fingerprints(tmp_path: Path) -> None:
    """Verdicts carry their fingerprints across processes; a fingerprint (one shared value per
    set of releases) costs a plain pass a memo reference, not a copy."""
    bodies = release_bodies()
    for i, body in enumerate(bodies * 6):
        (tmp_path / f"{i:04}.json").write_bytes(body)
    task = Files(tuple((str(p), True) for p in sorted(tmp_path.iterdir())), 0)
    batch = run_task(task, Options(keep_all=True))
    assert len(batch.verdicts) == len(bodies) * 6
    assert all(v.releases is not None for v in batch.verdicts)
    again = pickle.loads(pickle.dumps(batch))
    assert again.verdicts == batch.verdicts
    assert [v.releases for v in again.verdicts] == [v.releases for v in batch.verdicts]
    bare = Batch([replace(v, releases=None) for v in batch.verdicts])
    distinct = len({v.releases for v in batch.verdicts})
    extra = len(pickle.dumps(batch)) - len(pickle.dumps(bare))
    assert extra <= 3 * len(batch.verdicts) + 40 * distinct + 100, (extra, distinct)


def test_plan_splits_only_plain_ndjson_and_keeps_input_order(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", big_lines=2000)
    (root / "f-table.parquet").write_bytes(b"PAR1")
    tasks = list(plan([str(root)], Options(), chunk=100_000))
    ranges = [t for t in tasks if isinstance(t, Range)]
    assert {Path(t.path).name for t in ranges} == {"a-big.ndjson", "b-more.jsonl"}
    files = [p for t in tasks if isinstance(t, Files) for p, _ in t.paths]
    assert [Path(p).name for p in files][:3] == [
        "c-packed.ndjson.gz",
        "d-captures.ndjson",
        "f-table.parquet",
    ]
    assert all(
        len(t.paths) == 1 for t in tasks if isinstance(t, Files) and "table" in t.paths[0][0]
    )
    size = (root / "a-big.ndjson").stat().st_size
    spans = [(t.start, t.end) for t in ranges if t.path.endswith("a-big.ndjson")]
    assert spans[0][0] == 0 and spans[-1][1] == size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert not any(isinstance(t, Range) for t in plan([str(root)], Options(), split=False))


@pytest.mark.parametrize("keep_all", [False, True])
def test_ranges_renumbered_in_order_equal_one_pass(tmp_path: Path, keep_all: bool) -> None:
    root = write_corpus(tmp_path / "c", big_lines=1500)
    options = Options(keep_all=keep_all)
    whole = [run_task(t, options) for t in plan([str(root)], options, split=False)]
    renumber = Renumber()
    pieces = [renumber(run_task(t, options)) for t in plan([str(root)], options, chunk=20_000)]
    assert len(pieces) > len(whole) + 10
    assert [v for b in pieces for v in b.verdicts] == [v for b in whole for v in b.verdicts]
    one, many = Summary(), Summary()
    for b in whole:
        one.add(b)
    for b in pieces:
        many.add(b)
    assert (many.total, many.valid, many.invalid, many.unreadable) == (
        one.total,
        one.valid,
        one.invalid,
        one.unreadable,
    )
    assert one.invalid > 10 and one.unreadable > 3


def test_the_local_pool_runs_the_same_ranges(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", big_lines=4000)
    serial = list(run([str(root)], Options(), jobs=1))
    pooled = list(run([str(root)], Options(), jobs=2, chunk=32_000))
    assert [v for b in pooled for v in b.verdicts] == [v for b in serial for v in b.verdicts]
    assert sum((b.passes for b in pooled), Counter()) == sum((b.passes for b in serial), Counter())


def test_batch_defaults_are_empty() -> None:
    batch = Batch()
    assert (batch.verdicts, batch.passes, batch.lines, batch.path) == ([], Counter(), 0, None)


def test_the_api_reference_example_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    block = re.search(r'```python title="batch_api.py"\n(.*?)\n```', text, re.DOTALL)
    assert block is not None
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(block.group(1), "batch_api.py", "exec"), namespace)
    batch, summary = namespace["batch"], namespace["summary"]
    assert isinstance(batch, Batch) and batch.lines == 9 and batch.verdicts
    assert isinstance(summary, Summary) and summary.status == "fail"
    said = re.search(r"summary\.status  # here (\d+), (\d+), 'fail'", block.group(1))
    assert said is not None, "the example says the totals it prints"
    assert (summary.total, summary.invalid) == (int(said[1]), int(said[2]))
    assert {str(r) for (_, _, r) in batch.passes} >= {"any release ≥ 3.0", "Quay ≥ 3.8.2"}
    narrowed = namespace["narrowed"]
    assert isinstance(narrowed, Batch)
    [line5] = [v for v in narrowed.verdicts if v.line == 5]
    assert [f.rule for f in line5.errors] == ["version-unsent"]
    rows = namespace["rows"]
    assert isinstance(rows, list) and rows[0] == ("any release ≥ 3.0", 7, 1)
    assert sum(n for _, n, _ in rows) == summary.valid
    assert summary.common is not None and not summary.common


def test_a_line_over_max_body_across_ranges_is_one_finding(tmp_path: Path) -> None:
    """A line longer than --max-body that spans several ranges: one finding, on its own line
    number, and every other line checked, whatever the cut."""
    lines = ndjson_lines(3000, 12)
    lines[1500] = b'{"repository": "' + b"x" * 400_000 + b'"}'
    path = tmp_path / "x.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    options = Options(max_body=100_000)
    one = [v for b in run([str(path)], options, jobs=1) for v in b.verdicts]
    renumber = Renumber()
    tasks = list(plan([str(path)], options, chunk=50_000))
    assert sum(isinstance(t, Range) for t in tasks) > 20
    many = [v for t in tasks for v in renumber(run_task(t, options)).verdicts]
    assert many == one
    assert [v.line for v in one] == sorted(v.line or 0 for v in one)
    [long] = [v for v in one if v.problem and "limit" in v.problem]
    assert long.line == 1501
