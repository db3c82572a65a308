"""The batch API: check a piece of input, get back a small Batch. What every engine runs.

Each function is a plain, picklable top-level function of picklable arguments, so the local fork
pool, a Dask cluster or any other scheduler can call it on a worker; the Batch it returns holds
counts of the passes, per (candidates, test notification, version fingerprint), and only the
verdicts worth reporting (every verdict with `Options.keep_all`), each with its fingerprint, and
pickles compactly. `Options.quay_version` narrows the contract to one release on the worker.

- `check_chunk(data, source=, first_line=, options=)`: newline-aligned NDJSON bytes.
- `check_records(records, options)`: Records from any reader (a table's rows, a HAR file ...).
- `run_task(task, options)`: one planned task (`tasks.Files` or `tasks.Range`), reading its own
  input from disk or object storage.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Iterable
from typing import IO, cast

import orjson

from toolkit.inputs import SNIFF_BYTES, Record, read, read_stream, reason, sniff
from toolkit.inputs.columnar import table_format
from toolkit.inputs.paths import STDIN, display
from toolkit.inputs.storage import compression, is_remote, open_input, open_raw
from toolkit.prover.native import enabled as prover_enabled
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import passes_fast, scan_lines, scan_stream
from toolkit.validation.passes import Cells, target_of
from toolkit.validation.tasks import CHUNK, Files, Task, walked_json
from toolkit.validation.verdict import Verdict, check, reportable

__all__ = ["check_chunk", "check_records", "range_reader", "read_range", "run_task"]


def check_chunk(
    data: bytes, *, source: str, first_line: int = 1, options: Options | None = None
) -> Batch:
    """Check whole NDJSON lines (`data` ends at a line's end) whose first line is `first_line`
    of `source`. The Batch counts the lines in `lines`, the passes in `passes` per (candidates,
    test notification, version fingerprint), and holds the verdicts worth reporting, each with
    its fingerprint in `releases`."""
    batch = Batch()
    batch.lines = scan_lines(data, source, options or Options(), batch, first_line)
    return batch


def check_records(records: Iterable[Record], options: Options | None = None) -> Batch:
    """Check Records (each names its own source and place); `options.event` pins the event and
    `options.quay_version` narrows the contract to a release. The Batch is check_chunk's."""
    options = options or Options()
    batch = Batch()
    _check_all(batch, records, options)
    return batch


def run_task(task: Task, options: Options) -> Batch:
    """Run one task with the cyclic GC paused: parsed payloads hold no reference cycles, so
    reference counting frees them, and GC passes over fresh dicts cost 10-20 % of the time.

    A Range's Batch names its file in `path` and numbers lines from 1 (see tasks.Renumber)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        if isinstance(task, Files):
            batch = Batch()
            _check_files(task.paths, options, batch)
            return batch
        batch = Batch(path=task.path)
        with open_raw(task.path) as f:
            piece = range_reader(f, task.start, task.end)
            batch.lines = scan_stream(piece, b"", display(task.path), options, batch, CHUNK)
        return batch
    finally:
        if enabled:
            gc.enable()


def range_reader(f: IO[bytes], start: int, end: int) -> IO[bytes]:
    """The whole lines of an open file that start in [start, end), as a stream: a line begun
    before `start` belongs to the range before; the last one is read on past `end` to its
    newline. Reads are bounded (a line is skipped a MiB at a time), so an endless line costs
    no memory here: the reader of the stream decides what to do with it (scan_stream reports
    a line over `max_body` and skips it)."""
    if start:
        f.seek(start - 1)
        while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass  # the rest of a line begun before `start` (or just the newline before it)
        start = f.tell()
    else:
        f.seek(0)
    return cast(IO[bytes], _Range(f, max(end - start, 0)))


def read_range(f: IO[bytes], start: int, end: int) -> bytes:
    """range_reader's lines as bytes, for callers that hold a range in memory anyway."""
    piece = range_reader(f, start, end)
    data = piece.read()
    return b"".join((data, piece.readline())) if data and not data.endswith(b"\n") else data


class _Range:
    """The next `size` bytes of a binary file (read and readline), then the rest of the line
    that crosses the end, if one does."""

    def __init__(self, f: IO[bytes], size: int) -> None:
        self._f = f
        self._left = size
        self._last = b"\n"

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        data = self._f.read(self._left if n < 0 else min(n, self._left))
        return self._took(data)

    def readline(self, limit: int = -1) -> bytes:
        if self._left <= 0:  # past the end: only the line that crosses it
            if self._last == b"\n":
                return b""
            return self._took(self._f.readline(limit))
        data = self._took(self._f.readline(self._left if limit < 0 else min(limit, self._left)))
        if self._left or data.endswith(b"\n") or not data or len(data) == limit:
            return data
        more = self._f.readline(limit - len(data) if limit >= 0 else -1)  # crosses the end
        return data + self._took(more)

    def _took(self, data: bytes) -> bytes:
        self._left = max(self._left - len(data), 0) if data else 0
        if data:
            self._last = data[-1:]
        return data


def _check_files(paths: tuple[tuple[str, bool], ...], options: Options, batch: Batch) -> None:
    """Check a task's files. When the native prover is on, the walked `.json` files go through
    it at once, like the lines of an NDJSON chunk: the scanner reads each (one read, whole) and
    proves its bytes, so a proven file costs no Python object at all. The others take
    _check_file; those that plainly pass teach the prover their skeleton."""
    where: list[int] = []
    if prover_enabled() and options.counts_passes and options.input_format is None:
        where = walked_json(paths)
    cells = Cells()
    names = [paths[i][0] for i in where]
    proof = None
    if where:
        from toolkit.validation.proven import prove_files  # the prover: imported when used

        proof = prove_files(names, target_of(options), cells, _whole)
    if proof is None:
        for path, walked in paths:
            _check_file(path, options, batch, walked)
        return
    cells.into(batch.passes)
    left = {where[j]: j for j in proof.rest}
    proven = set(where) - left.keys()
    for i, (path, walked) in enumerate(paths):
        if i in proven:
            continue
        j = left.get(i)
        head = None if j is None else _whole(path)
        if j is not None and head is not None:
            if passes_fast(head, path, options, batch):
                if j in proof.unknown:
                    proof.learn(j, head, orjson.loads(head))
                continue
            _check_open(io.BytesIO(), head, path, options, batch)  # `head` is the whole file
        else:
            _check_file(path, options, batch, walked)


def _whole(path: str) -> bytes | None:
    """A file's bytes when one read returns fewer than SNIFF_BYTES (what _check_file tries as
    one payload); None otherwise, or if it cannot be read."""
    fd = _open(path)
    if fd < 0:
        return None
    try:
        head = os.read(fd, SNIFF_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return head if len(head) < SNIFF_BYTES else None


def _check_file(path: str, options: Options, batch: Batch, regular: bool = False) -> None:
    """Check one file: a small JSON payload costs one open, one read and one validation;
    NDJSON goes through the hot path, the rest via Records.

    `regular`: the path was a regular file when its directory was listed, so a read that returns
    less than asked for has most likely reached the end; the fast pass then needs no second read
    to prove it. Should the pass fail, the head is completed before anything else reads it.
    """
    if path == STDIN:
        _check_all(batch, _read(path, options, input_format=options.input_format), options)
    elif ("://" in path or not path.endswith(".json")) and (
        is_remote(path) or compression(path) or table_format(path)
    ):
        _check_stream(path, options, batch)  # a local `.json` file is none of these
    else:
        fd = _open(path)
        head = _first_read(fd, regular)
        if head is None:
            if fd >= 0:
                os.close(fd)
            _check_all(batch, read(path), options)  # reports why it cannot be opened or read
        elif (
            options.input_format is None
            and path.endswith(".json")
            and len(head) < SNIFF_BYTES
            and passes_fast(head, path, options, batch)
        ):
            # A small .json file is almost always one payload: tried before sniffing.
            os.close(fd)
        elif regular and (head := _fill(fd, head)) is None:
            os.close(fd)
            _check_all(batch, read(path), options)
        else:
            with os.fdopen(fd, "rb") as f:  # positioned just after `head`
                _check_open(f, head, path, options, batch)


def _check_open(
    f: IO[bytes], head: bytes, path: str, options: Options, batch: Batch, *, tried: bool = True
) -> None:
    """Check an open stream whose head was read: NDJSON through the hot loop, a small JSON
    payload that plainly passes at once, tables by their rows, the rest as Records, one at a
    time (a payload is dropped once checked). `tried`: a `.json` file's head was already tried
    as one payload."""
    fmt = options.input_format or sniff(path, head)
    if fmt in ("ndjson", "envelope") and not options.keep_all:
        scan_stream(f, head, path, options, batch, CHUNK)
    elif (
        fmt == "json"
        and not (tried and path.endswith(".json") and options.input_format is None)
        and len(head) < SNIFF_BYTES
        and passes_fast(head, path, options, batch)
    ):
        return
    elif fmt in ("parquet", "arrow"):
        _check_all(batch, _read(path, options, input_format=fmt), options)
    else:
        records = read_stream(
            f, head, path, path, fmt, options.allow_comments, max_body=options.max_body
        )
        _check_all(batch, records, options)


def _check_stream(path: str, options: Options, batch: Batch) -> None:
    """A URL, a compressed file or a table: read through a stream (storage.open_input)."""
    if (options.input_format or table_format(path)) in ("parquet", "arrow"):
        _check_all(batch, _read(path, options, input_format=options.input_format), options)
        return
    try:
        f = open_input(path)
    except OSError:
        _check_all(batch, read(path), options)  # reports why it cannot be opened
        return
    with f:
        try:
            _check_open(f, f.read(SNIFF_BYTES), path, options, batch, tried=False)
        except OSError as exc:  # a corrupt compressed file, a connection lost
            _add(batch, Verdict(path, problem=f"cannot read: {reason(exc)}"), options)


def _read(path: str, options: Options, *, input_format: str | None) -> Iterable[Record]:
    return read(
        path,
        input_format=input_format,
        allow_comments=options.allow_comments,
        max_body=options.max_body,
        body_column=options.body_column,
    )


def _check_all(batch: Batch, records: Iterable[Record], options: Options) -> None:
    event, strict, quay_version = options.event, options.strict, options.quay_version
    for record in records:
        _add(batch, check(record, event, strict=strict, quay_version=quay_version), options)


def _open(path: str) -> int:
    """A file descriptor for reading `path`, or -1."""
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return -1


def _first_read(fd: int, regular: bool) -> bytes | None:
    """The head of an open file (one read for a regular file), or None if it cannot be read."""
    if fd < 0:
        return None
    try:
        return os.read(fd, SNIFF_BYTES) if regular else _read_head(fd)
    except OSError:
        return None


def _read_head(fd: int) -> bytes | None:
    """Up to SNIFF_BYTES from the start of a file (fewer only at its end); None on errors."""
    return _fill(fd, os.read(fd, SNIFF_BYTES))


def _fill(fd: int, head: bytes) -> bytes | None:
    """`head` read on until SNIFF_BYTES or the end of the file; None if reading fails."""
    try:
        while head and len(head) < SNIFF_BYTES:
            more = os.read(fd, SNIFF_BYTES - len(head))
            if not more:
                break
            head += more
    except OSError:
        return None
    return head


def _add(batch: Batch, verdict: Verdict, options: Options) -> None:
    if options.keep_all or reportable(verdict):
        batch.verdicts.append(verdict)
    else:
        batch.passes[(verdict.candidates, verdict.test_notification, verdict.releases)] += 1
