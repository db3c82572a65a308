"""Cut PATH arguments into tasks that any engine can run, and number their lines in order.

A task is a batch of whole files (`Files`) or a byte range of one large NDJSON file (`Range`):
small, picklable (named tuples, cheap to create and to pickle), and holding names rather than
data, so a worker reads its own input (from disk or object storage) and only results travel.
Planning reads nothing but listings: a range's line boundaries are found by the worker that
reads it (`work.read_range`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import NamedTuple

from toolkit.inputs.columnar import table_format
from toolkit.inputs.limits import SNIFF_BYTES
from toolkit.inputs.paths import STDIN, Selection, expand_marked
from toolkit.inputs.storage import compression, is_remote
from toolkit.validation.batch import Batch, Options
from toolkit.validation.verdict import Verdict

CHUNK = 4 * 1024 * 1024
"""Bytes per range task of the local engine."""
BATCH_FILES = 512
"""Files per task, at most: a proven file costs a few microseconds, so smaller tasks spend
more on sending tasks and Batches between processes than they save in balance (a 10,000-file
directory on 2 cores: 128 files a task 0.25 s, 512 0.23 s, 1,024 0.23 s)."""
WALKED_JSON_BYTES = 2048
"""The size assumed for a `.json` file found in a directory, which is not stat'ed (a stat per
file costs the parent, which feeds every worker, ~5 us): webhook payloads are 1-3 KiB. Only the
split of large NDJSON files into ranges needs true sizes, and NDJSON is named .ndjson / .jsonl;
a large NDJSON stream in a .json file is still checked, by one worker."""
_NDJSON_NAMES = (".ndjson", ".jsonl", ".jsonlines")


class Files(NamedTuple):
    """Whole files, each with whether it was a regular file when its directory was listed."""

    paths: tuple[tuple[str, bool], ...]
    size: int
    """Bytes, as far as planning knows (for batching and for the serial-or-parallel choice)."""


class Range(NamedTuple):
    """The lines of one NDJSON file (or URL) that start in the byte range [start, end)."""

    path: str
    start: int
    end: int

    @property
    def size(self) -> int:
        """Bytes in the range."""
        return self.end - self.start


Task = Files | Range


def plan(
    paths: Iterable[str],
    options: Options,
    *,
    chunk: int = CHUNK,
    split: bool = True,
    selection: Selection | None = None,
) -> Iterator[Task]:
    """Tasks for every input `paths` names, in input order. With `split`, NDJSON files larger
    than `chunk` become ranges of `chunk` bytes; small files are batched (BATCH_FILES or
    `chunk` bytes a task). Compressed files and tables are not split: one task each.
    `selection` filters the files found by walking directories (and lists those skipped)."""
    files: list[tuple[str, bool]] = []
    size = 0
    for path, walked, listed in expand_marked(paths, selection):
        if path == STDIN:
            if files:  # keep the input order
                yield Files(tuple(files), size)
                files, size = [], 0
            yield Files(((STDIN, False),), chunk)
            continue
        plain = walked and path.endswith(".json")  # neither compressed nor a table
        if listed is not None:
            nbytes = listed
        elif plain:
            nbytes = WALKED_JSON_BYTES
        elif is_remote(path):
            nbytes = 0  # named but not listed: reading it reports why
        else:
            try:
                nbytes = os.path.getsize(path)
            except OSError:
                nbytes = 0
        if split and nbytes > chunk and _splittable(path, options):
            if files:
                yield Files(tuple(files), size)
                files, size = [], 0
            for start in range(0, nbytes, chunk):
                yield Range(path, start, min(start + chunk, nbytes))
            continue
        files.append((path, walked))
        size += nbytes
        if len(files) >= BATCH_FILES or size >= chunk or (not plain and table_format(path)):
            yield Files(tuple(files), size)
            files, size = [], 0
    if files:
        yield Files(tuple(files), size)


def walked_json(paths: tuple[tuple[str, bool], ...]) -> list[int]:
    """The indices of the walked local `.json` files among a Files task's paths: regular files
    when listed, small JSON documents by name, what a scanner may read whole and prove."""
    return [
        i
        for i, (path, walked) in enumerate(paths)
        if walked and path.endswith(".json") and "://" not in path
    ]


def _splittable(path: str, options: Options) -> bool:
    """Whether a file can be read as byte ranges of NDJSON lines."""
    if compression(path) or table_format(path):
        return False
    if options.input_format is not None:
        return options.input_format in ("ndjson", "envelope")
    if is_remote(path):
        return path.lower().endswith(_NDJSON_NAMES)  # a sniff would cost a request
    from toolkit.inputs.readers import sniff  # only for a large file named neither way

    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return False
    return sniff(path, head) == "ndjson"


class Renumber:
    """Gives the verdicts of range tasks their line numbers in the file, given Batches in task
    order (a range counts its lines from 1; the lines of the ranges before it come first)."""

    def __init__(self) -> None:
        self._bases: dict[str, int] = {}

    def __call__(self, batch: Batch) -> Batch:
        if batch.path is None:
            return batch
        base = self._bases.get(batch.path, 0)
        if base:
            batch.verdicts = [_shift(v, base) for v in batch.verdicts]
        self._bases[batch.path] = base + batch.lines
        return batch


def _shift(verdict: Verdict, base: int) -> Verdict:
    if verdict.line is None:
        return verdict
    errors = tuple(
        replace(f, line=f.line + base) if f.line is not None else f for f in verdict.errors
    )
    return replace(verdict, line=verdict.line + base, errors=errors)
