"""Check many inputs fast: stream them, fan out to worker processes, keep memory flat.

Work is cut into tasks: batches of small files, and 4 MiB newline-aligned chunks of large
NDJSON files. Workers (forked, so the compiled contract is shared) return a Batch: the verdicts
worth reporting plus a tally of passes. Batches come back in input order.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO, Any, cast

from toolkit.inputs import SNIFF_BYTES, Record, read, read_stream, sniff
from toolkit.inputs.paths import STDIN, Selection, display, expand_marked
from toolkit.validation.batch import Batch, Options
from toolkit.validation.hotpath import passes_fast, scan_stream
from toolkit.validation.verdict import Verdict, check, reportable

CHUNK = 4 * 1024 * 1024
BATCH_FILES = 128
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Below this much input a worker pool costs more than it saves."""
WALKED_JSON_BYTES = 2048
"""The size assumed for a `.json` file found in a directory, which is not stat'ed (a stat per
file costs the parent, which feeds every worker, ~5 us): webhook payloads are 1-3 KiB. Only the
split of large NDJSON files into chunks needs true sizes, and NDJSON is named .ndjson / .jsonl;
a large NDJSON stream in a .json file is still checked, by one worker."""


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run(
    paths: Iterable[str],
    options: Options,
    jobs: int | None = None,
    selection: Selection | None = None,
) -> Iterator[Batch]:
    """Batches for every input named by `paths`, in order; uses `jobs` processes.

    `selection` filters the files found by walking directories, and lists those skipped.
    """
    paths = list(paths)
    jobs = jobs or default_jobs()
    if STDIN in paths:
        jobs = 1  # worker processes cannot read the parent's stdin
    tasks = _tasks(paths, options, chunked=jobs > 1, selection=selection)
    head: list[tuple[Any, ...]] = []
    size = 0
    for task in tasks:
        head.append(task)
        size += task[-1]
        if size >= PARALLEL_MIN_BYTES:
            break
    if jobs <= 1 or size < PARALLEL_MIN_BYTES:
        bases: dict[str, int] = {}
        for task in itertools.chain(head, tasks):
            yield _fix_lines(_run_task(task, options), bases)
        return
    yield from _parallel([*head], tasks, options, jobs)


def _parallel(
    head: list[tuple[Any, ...]], rest: Iterator[tuple[Any, ...]], options: Options, jobs: int
) -> Iterator[Batch]:
    import multiprocessing

    # Nothing is compiled up front: each worker compiles, on first use, only the validators its
    # payloads need (a directory of one event needs one), in parallel with the other workers.
    global _OPTIONS
    _OPTIONS = options
    bases: dict[str, int] = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_worker_init) as pool:
        for batch in pool.imap(_run_global, itertools.chain(head, rest)):
            yield _fix_lines(batch, bases)


_OPTIONS = Options()


def _worker_init() -> None:
    """Ctrl-C is the parent's to handle (exit 130, one line); a worker that took it too would
    print its own traceback. The parent's pool then ends the workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_global(task: tuple[Any, ...]) -> Batch:
    return _run_task(task, _OPTIONS)


def _fix_lines(batch: Batch, bases: dict[str, int]) -> Batch:
    if batch.path is None:
        return batch
    base = bases.get(batch.path, 0)
    if base:
        batch.verdicts = [_shift(v, base) for v in batch.verdicts]
    bases[batch.path] = base + batch.lines
    return batch


def _shift(verdict: Verdict, base: int) -> Verdict:
    if verdict.line is None:
        return verdict
    errors = tuple(
        replace(f, line=f.line + base) if f.line is not None else f for f in verdict.errors
    )
    return replace(verdict, line=verdict.line + base, errors=errors)


def _tasks(
    paths: Iterable[str], options: Options, *, chunked: bool, selection: Selection | None = None
) -> Iterator[tuple[Any, ...]]:
    """("files", [(path, walked)], bytes) batches and ("chunk", path, start, end, bytes) pieces."""
    files: list[tuple[str, bool]] = []
    size = 0
    for path, walked in expand_marked(paths, selection):
        if path == STDIN:
            if files:  # keep the input order
                yield ("files", files, size)
                files, size = [], 0
            yield ("files", [(path, False)], CHUNK)
            continue
        if walked and path.endswith(".json"):
            nbytes = WALKED_JSON_BYTES
        else:
            try:
                nbytes = os.path.getsize(path)
            except OSError:
                nbytes = 0
            if chunked and nbytes > CHUNK and _streamable(path, options):
                if files:
                    yield ("files", files, size)
                    files, size = [], 0
                yield from _chunks(path, nbytes)
                continue
        files.append((path, walked))
        size += nbytes
        if len(files) >= BATCH_FILES or size >= CHUNK:
            yield ("files", files, size)
            files, size = [], 0
    if files:
        yield ("files", files, size)


def _streamable(path: str, options: Options) -> bool:
    if options.input_format is not None:
        return options.input_format in ("ndjson", "envelope")
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    return sniff(path, head) == "ndjson"


def _chunks(path: str, size: int) -> Iterator[tuple[Any, ...]]:
    """Newline-aligned pieces of about CHUNK bytes; finding a line's end holds 1 MiB at most."""
    with open(path, "rb") as f:
        start = 0
        while start < size:
            f.seek(min(start + CHUNK, size))
            while f.tell() < size and (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            end = min(f.tell(), size)
            yield ("chunk", path, start, end, end - start)
            start = end


def _run_task(task: tuple[Any, ...], options: Options) -> Batch:
    """Run one task with the cyclic GC paused: parsed payloads hold no reference cycles, so
    reference counting frees them, and GC passes over fresh dicts cost 10-20 % of the time."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_task_now(task, options)
    finally:
        if enabled:
            gc.enable()


def _run_task_now(task: tuple[Any, ...], options: Options) -> Batch:
    if task[0] == "chunk":
        _, path, start, end, _ = task
        return _run_chunk(path, start, end, options)
    batch = Batch()
    for path, walked in task[1]:
        _check_file(path, options, batch, walked)
    return batch


def _check_file(path: str, options: Options, batch: Batch, regular: bool = False) -> None:
    """Check one file: a small JSON payload costs one open, one read and one validation;
    NDJSON goes through the hot path, the rest via Records.

    `regular`: the path was a regular file when its directory was listed, so a read that returns
    less than asked for has most likely reached the end; the fast pass then needs no second read
    to prove it. Should the pass fail, the head is completed before anything else reads it.
    """
    records: Iterable[Record] = ()
    if path == STDIN:
        records = read(
            path,
            input_format=options.input_format,
            allow_comments=options.allow_comments,
            max_body=options.max_body,
        )
    else:
        fd = _open(path)
        head = _first_read(fd, regular)
        if head is None:
            if fd >= 0:
                os.close(fd)
            records = read(path)  # reports why it cannot be opened or read
        elif (
            options.input_format is None
            and path.endswith(".json")
            and len(head) < SNIFF_BYTES
            and passes_fast(head, path, options, batch)
        ):
            # A small .json file is almost always one payload: tried before sniffing.
            os.close(fd)
            return
        elif regular and (head := _fill(fd, head)) is None:
            os.close(fd)
            records = read(path)
        else:
            with os.fdopen(fd, "rb") as f:  # positioned just after `head`
                fmt = options.input_format or sniff(path, head)
                if fmt in ("ndjson", "envelope") and not options.keep_all:
                    scan_stream(f, head, path, options, batch, CHUNK)
                    return
                if (
                    fmt == "json"
                    and not path.endswith(".json")  # .json files were tried above
                    and len(head) < SNIFF_BYTES
                    and passes_fast(head, path, options, batch)
                ):
                    return
                for record in read_stream(  # one at a time: a payload is dropped once checked
                    f, head, path, path, fmt, options.allow_comments, max_body=options.max_body
                ):
                    _add(batch, _check(record, options), options)
                return
    for record in records:
        _add(batch, _check(record, options), options)


def _check(record: Record, options: Options) -> Verdict:
    return check(record, options.event, strict=options.strict, quay_version=options.quay_version)


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


def _run_chunk(path: str, start: int, end: int, options: Options) -> Batch:
    """Validate one newline-aligned piece of an NDJSON file; line numbers are chunk-relative.

    The piece is streamed like a whole file, so a line longer than the limit is skipped
    rather than held.
    """
    batch = Batch(path=path)
    with open(path, "rb") as f:
        f.seek(start)
        piece = _Piece(f, end - start)
        batch.lines = scan_stream(cast(IO[bytes], piece), b"", display(path), options, batch, CHUNK)
    return batch


class _Piece:
    """The next `size` bytes of a binary file, read like a file (read and readline)."""

    def __init__(self, f: IO[bytes], size: int) -> None:
        self._f = f
        self._left = size

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(self._left if n < 0 else min(n, self._left))
        self._left -= len(data)
        return data

    def readline(self, limit: int = -1) -> bytes:
        data = self._f.readline(self._left if limit < 0 else min(limit, self._left))
        self._left -= len(data)
        return data
