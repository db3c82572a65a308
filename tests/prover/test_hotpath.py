"""The NDJSON hot loop, and a task of whole files, give with the prover the very Batch they give
without: passes under the same PassKeys, the same verdicts in the same order (with and without
`--quay-version`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.validation.corpus import ndjson_lines
from toolkit.prover.learn import Prover
from toolkit.prover.native import OFF, built
from toolkit.validation import proven
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import scan_lines
from toolkit.validation.tasks import Files
from toolkit.validation.work import run_task

pytestmark = pytest.mark.skipif(not built(), reason="the native prover is not built")


def _same_batches(
    run: Callable[[], Batch], monkeypatch: pytest.MonkeyPatch
) -> tuple[Prover, Batch]:
    """Run without the prover (the reference), then twice with a fresh one (it learns, then
    proves): both Batches must be the reference's. Returns the prover and the reference."""
    monkeypatch.setenv(OFF, "1")
    proven._prover.cache_clear()
    reference = run()
    monkeypatch.delenv(OFF)
    proven._prover.cache_clear()
    first = run()  # learns
    prover = proven._prover()
    second = run()  # proves
    proven._prover.cache_clear()
    assert prover is not None and prover.scanner.size() > 10
    for batch in (first, second):
        assert batch.passes == reference.passes
        assert batch.verdicts == reference.verdicts
    return prover, reference


def _scan(data: bytes, options: Options) -> Batch:
    batch = Batch()
    scan_lines(data, "mixed.ndjson", options, batch)
    return batch


@pytest.mark.parametrize("quay_version", [None, "3.8.0", "3.0.0"])
def test_the_prover_changes_no_batch(
    quay_version: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"\n".join(ndjson_lines(3000, 7)) + b"\n"
    options = Options(quay_version=quay_version)
    prover, reference = _same_batches(lambda: _scan(data, options), monkeypatch)
    lines = data.split(b"\n")[:-1]
    proved = sum(prover.scanner.prove(raw) >= 0 for raw in lines)
    passed = sum(reference.passes.values())  # what the exact path let through
    assert proved >= 0.9 * passed


def test_an_error_while_learning_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Learning only saves time: if it fails, the prover stops learning and the exact path
    checks every line it has not proven, so the Batch is the one without the prover."""
    data = b"\n".join(ndjson_lines(600, 7)) + b"\n"
    options = Options()
    monkeypatch.setenv(OFF, "1")
    proven._prover.cache_clear()
    reference = _scan(data, options)
    monkeypatch.delenv(OFF)
    proven._prover.cache_clear()

    def broken(self: object, raw: bytes, obj: object) -> bool:
        raise LookupError("a bug while learning")

    monkeypatch.setattr("toolkit.prover.learn.Prover.learn", broken)
    monkeypatch.setattr("toolkit.prover.learn.Prover.seed", lambda self: 0)  # it must learn
    batch = _scan(data, options)
    prover = proven._prover()
    proven._prover.cache_clear()
    assert prover is not None and not prover.learning
    assert (batch.passes, batch.verdicts) == (reference.passes, reference.verdicts)


def _files(tmp_path: Path) -> Files:
    """A directory's worth of files: the corpus's lines one per file (some indented, some
    invalid, not JSON or empty), plus files that are not one payload: two lines, a byte-order
    mark, an array, and a file too large to be read in one go."""
    paths = []
    for i, raw in enumerate(ndjson_lines(700, 11)):
        path = tmp_path / f"{i:04}.json"
        if i % 3 == 0 and raw.startswith(b"{"):
            with contextlib.suppress(orjson.JSONDecodeError):
                raw = orjson.dumps(orjson.loads(raw), option=orjson.OPT_INDENT_2)
        path.write_bytes(raw)
        paths.append(path)
    lines = ndjson_lines(4, 3)
    odd = {
        "two.json": lines[0] + b"\n" + lines[0] + b"\n",
        "bom.json": b"\xef\xbb\xbf" + lines[0],
        "array.json": b"[" + lines[0] + b"]",
        "large.json": lines[0] + b" " * 80_000,
        "trailing.json": lines[0] + b" x",
    }
    for name, raw in odd.items():
        (tmp_path / name).write_bytes(raw)
        paths.insert(len(paths) // 2, tmp_path / name)
    return Files(tuple((str(p), True) for p in paths), 0)


@pytest.mark.parametrize("quay_version", [None, "3.8.0"])
def test_the_prover_changes_no_file_task(
    quay_version: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = _files(tmp_path)
    options = Options(quay_version=quay_version)
    prover, reference = _same_batches(lambda: run_task(task, options), monkeypatch)
    assert sum(reference.passes.values()) > 400
    proved = sum(prover.scanner.prove(Path(p).read_bytes()) >= 0 for p, _ in task.paths)
    assert proved > 400  # indented files too: the scanner skips whitespace


def test_the_prover_starts_from_the_seed_programs() -> None:
    """Every example of the contract is proven before anything is learned, and an example's
    skeleton needs no exemplar from the exact path."""
    from toolkit import contract
    from toolkit.contract.registry import EVENTS

    proven._prover.cache_clear()
    prover = proven._prover()
    proven._prover.cache_clear()
    assert prover is not None and len(prover.programs) > 100
    lines = [orjson.dumps(p) for e in EVENTS for p in contract.examples(e)]
    counts, checks, rest, _ = prover.run(lines, bytes([1]) * len(prover.results))
    assert rest == [] and checks == [] and sum(counts) == len(lines)


def test_the_scanner_reads_only_regular_files_whole(tmp_path: Path) -> None:
    """run_files never blocks on a FIFO and leaves whatever it cannot read whole in one go (a
    FIFO, a directory, a missing or unreadable file, one of `limit` bytes or more) to Python,
    not to learning."""
    import os

    from toolkit import contract
    from toolkit.inputs.limits import SNIFF_BYTES

    proven._prover.cache_clear()
    prover = proven._prover()
    proven._prover.cache_clear()
    assert prover is not None
    good = orjson.dumps(contract.examples("repo_push")[0], option=orjson.OPT_INDENT_2)
    (tmp_path / "good.json").write_bytes(good)
    (tmp_path / "big.json").write_bytes(good + b" " * SNIFF_BYTES)
    (tmp_path / "dir.json").mkdir()
    os.mkfifo(tmp_path / "fifo.json")
    (tmp_path / "locked.json").write_bytes(good)
    (tmp_path / "locked.json").chmod(0)
    names = ["fifo.json", "dir.json", "missing.json", "big.json", "locked.json", "good.json"]
    paths = [str(tmp_path / name) for name in names]
    mask = bytes([1]) * len(prover.results)
    counts, checks, rest, unknown = prover.scanner.run_files(paths, mask, SNIFF_BYTES)
    readable = os.access(tmp_path / "locked.json", os.R_OK)  # root reads it anyway
    assert sum(counts) == 1 + readable and checks == []
    assert rest == [0, 1, 2, 3] + ([] if readable else [4]) and unknown == []


def _chunk_pieces() -> list[bytes]:
    """Lines of every kind the scanner meets: the corpus's (valid, invalid, not JSON, blank),
    and a few of its edges (a CR before the newline, padding, a lone brace)."""
    lines = ndjson_lines(400, 11)
    return [*lines[::7], lines[0] + b"\r", b"  " + lines[1], b"", b"{", b"\r", b"[]"]


_PIECES = _chunk_pieces()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, len(_PIECES) - 1), max_size=30),
    st.booleans(),
    st.integers(0, 1 << 20),
)
def test_run_chunk_is_run_over_the_lines(picks: list[int], ended: bool, at: int) -> None:
    """The prover's verdicts on NDJSON bytes given as one buffer, cut anywhere into data and
    tail, are run()'s on the lines `split` gives; only the lines it leaves become bytes."""
    text = b"\n".join(_PIECES[i] for i in picks) + (b"\n" if ended else b"")
    at %= len(text) + 1
    lines = text.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    prover = proven._prover()
    assert prover is not None
    mask = bytes([1, 2] * len(prover.results))[: len(prover.results)]  # count some, check others
    counts, checks, rest, unknown = prover.run(lines, mask)
    *found, kept, count = prover.run_chunk(text[:at], text[at:], mask)
    assert tuple(found) == (counts, checks, rest, unknown)
    assert count == len(lines)
    assert kept == {i: lines[i] for i in (*rest, *checks[0::2])}


@pytest.mark.parametrize("at", [0, 1, 4096, 20_000, -300, -1])
@pytest.mark.parametrize("ended", [True, False])
def test_a_tail_read_apart_changes_no_batch(at: int, ended: bool) -> None:
    """scan_lines(data, tail=...) is scan_lines(data + tail): the line numbers, the verdicts
    (the file's last line cut short when it lacks its newline) and the passes."""
    text = b"\n".join(ndjson_lines(600, 3)) + (b"\n" if ended else b"")
    options = Options()
    whole = _scan(text, options)
    apart = Batch()
    count = scan_lines(text[:at], "mixed.ndjson", options, apart, 1, text[at:])
    assert count == 600
    assert (apart.passes, apart.verdicts) == (whole.passes, whole.verdicts)
    assert whole.verdicts and sum(whole.passes.values()) > 400
