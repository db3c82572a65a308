"""Check many inputs fast: stream them, fan out to worker processes, keep memory flat.

Work is cut into tasks: batches of small files, and 4 MiB newline-aligned chunks of large
NDJSON files. Workers (forked, so the compiled contract is shared) return a Batch: the verdicts
worth reporting plus a tally of passes. Batches come back in input order.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

from toolkit.hotpath import passes_fast, scan_lines, scan_stream
from toolkit.inputs import SNIFF_BYTES, Record, expand, read, read_stream, sniff
from toolkit.inputs.paths import STDIN, display
from toolkit.verdict import Verdict, check, reportable

CHUNK = 4 * 1024 * 1024
BATCH_FILES = 128
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
"""Below this much input a worker pool costs more than it saves."""

PassKey = tuple[tuple[str, ...], bool]
"""(candidates, test_notification) of passing payloads that were only counted."""


@dataclass(frozen=True)
class Options:
    """How to check."""

    event: str | None = None
    strict: bool = False
    allow_comments: bool = False
    input_format: str | None = None
    keep_all: bool = False
    """Return a Verdict for every payload, passes included (json/junit/sarif output)."""


@dataclass
class Batch:
    """The outcome of one task."""

    verdicts: list[Verdict] = field(default_factory=list)
    passes: Counter[PassKey] = field(default_factory=Counter)
    lines: int = 0
    path: str | None = None
    """For NDJSON chunks: the file, whose line numbers are fixed up in order."""

    def __getstate__(self) -> tuple[Any, ...]:
        """Verdicts travel between processes as plain tuples of their fields (pickled in C)."""
        return ([_FIELDS(v) for v in self.verdicts], self.passes, self.lines, self.path)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        packed, self.passes, self.lines, self.path = state
        self.verdicts = [Verdict(*values) for values in packed]


_FIELDS = operator.attrgetter(*(f.name for f in fields(Verdict)))
"""A Verdict's fields, in constructor order, as a tuple."""


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run(paths: Iterable[str], options: Options, jobs: int | None = None) -> Iterator[Batch]:
    """Batches for every input named by `paths`, in order; uses `jobs` processes."""
    paths = list(paths)
    jobs = jobs or default_jobs()
    if STDIN in paths:
        jobs = 1  # worker processes cannot read the parent's stdin
    tasks = _tasks(paths, options, chunked=jobs > 1)
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

    from toolkit.detect import warm

    warm()
    global _OPTIONS
    _OPTIONS = options
    bases: dict[str, int] = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for batch in pool.imap(_run_global, itertools.chain(head, rest)):
            yield _fix_lines(batch, bases)


_OPTIONS = Options()


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


def _tasks(paths: Iterable[str], options: Options, *, chunked: bool) -> Iterator[tuple[Any, ...]]:
    """("files", [paths], bytes) batches and ("chunk", path, start, end, bytes) pieces."""
    files: list[str] = []
    size = 0
    for path in expand(paths):
        if path == STDIN:
            yield ("files", [path], CHUNK)
            continue
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
        files.append(path)
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
    with open(path, "rb") as f:
        start = 0
        while start < size:
            f.seek(min(start + CHUNK, size))
            if f.tell() < size:
                f.readline()
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
    for path in task[1]:
        _check_file(path, options, batch)
    return batch


def _check_file(path: str, options: Options, batch: Batch) -> None:
    """Check one file: a small JSON payload costs one open, one read and one validation;
    NDJSON goes through the hot path, the rest via Records."""
    records: Iterable[Record]
    if path == STDIN:
        records = read(
            path, input_format=options.input_format, allow_comments=options.allow_comments
        )
    else:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            fd = -1
        try:
            head = _read_head(fd) if fd >= 0 else None
        except OSError:
            head = None
        if head is None:
            if fd >= 0:
                os.close(fd)
            records = read(path)  # reports why it cannot be opened or read
        else:
            # A small .json file is almost always one payload: try that before sniffing.
            if (
                options.input_format is None
                and path.endswith(".json")
                and len(head) < SNIFF_BYTES
                and passes_fast(head, path, options, batch)
            ):
                os.close(fd)
                return
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
                records = list(read_stream(f, head, path, path, fmt, options.allow_comments))
    for record in records:
        _add(batch, check(record, options.event, strict=options.strict), options)


def _read_head(fd: int) -> bytes:
    """Up to SNIFF_BYTES from the start of a file (fewer only at its end)."""
    head = os.read(fd, SNIFF_BYTES)
    while head and len(head) < SNIFF_BYTES:
        more = os.read(fd, SNIFF_BYTES - len(head))
        if not more:
            break
        head += more
    return head


def _add(batch: Batch, verdict: Verdict, options: Options) -> None:
    if options.keep_all or reportable(verdict):
        batch.verdicts.append(verdict)
    else:
        batch.passes[(verdict.candidates, verdict.test_notification)] += 1


def _run_chunk(path: str, start: int, end: int, options: Options) -> Batch:
    """Validate one newline-aligned piece of an NDJSON file; line numbers are chunk-relative."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    batch = Batch(path=path)
    batch.lines = scan_lines(data, display(path), options, batch)
    return batch
