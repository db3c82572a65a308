"""Read capture-envelope NDJSON files (what `listen` writes), tolerating a torn last line.

A crash can leave the last line of a capture file half-written. Such a line is reported as a
`Problem` with `torn=True`, never raised: every complete line before it is still read. Files
may be compressed (`.gz`, `.zst` ...) and named by URL (`s3://bucket/captures/`, a glob), as
for every input (toolkit.inputs.storage).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from toolkit.capture import envelope
from toolkit.inputs.storage import expand_url, is_remote, local_path, open_input, plain_name

SUFFIXES = (".ndjson", ".jsonl")


@dataclass(frozen=True)
class Capture:
    """One recorded delivery and where it was read."""

    source: Path | str
    """A local path, or the URL of an object."""
    line: int
    record: dict[str, Any]

    @property
    def location(self) -> str:
        """`file:line`."""
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """A line that is not a readable capture envelope."""

    source: Path | str
    line: int
    message: str
    torn: bool = False
    """The file's last line, cut short by a crash mid-write."""

    @property
    def location(self) -> str:
        """`file:line`."""
        return f"{self.source}:{self.line}"


def expand(paths: Iterable[Path | str]) -> list[Path | str]:
    """Files named directly, plus the `*.ndjson`/`*.jsonl` files (compressed or not) of named
    directories, in order; URLs name objects, prefixes or globs."""
    out: list[Path | str] = []
    for path in paths:
        if isinstance(path, str) and is_remote(path):
            out.extend(
                url
                for url, _, walked in expand_url(path)
                if not walked or plain_name(url).endswith(SUFFIXES)
            )
            continue
        path = Path(local_path(str(path))) if isinstance(path, str) else path
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if Path(plain_name(p.name)).suffix in SUFFIXES and p.is_file()
                )
            )
        else:
            out.append(path)
    return out


def read(paths: Iterable[Path | str]) -> Iterator[Capture | Problem]:
    """Every capture in `paths` (files, directories or URLs), with problems reported in place.

    Raises OSError only when a named file cannot be opened at all.
    """
    for path in expand(paths):
        yield from _read_file(path)


def _read_file(path: Path | str) -> Iterator[Capture | Problem]:
    with open_input(str(path)) as handle:
        number = 0
        for raw in handle:
            number += 1
            complete = raw.endswith(b"\n")
            text = raw.strip()
            if not text:
                continue
            try:
                obj = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                if not complete:
                    yield Problem(
                        path,
                        number,
                        f"torn last line ({len(raw)} bytes without a newline): the writer "
                        "stopped mid-write; the line is ignored",
                        torn=True,
                    )
                else:
                    yield Problem(path, number, f"not JSON: {exc}")
                continue
            if not envelope.is_envelope(obj):
                yield Problem(path, number, "not a capture envelope (needs v, received_at, body)")
            elif obj.get("v") != envelope.VERSION:
                yield Problem(path, number, f"unknown capture envelope version {obj.get('v')!r}")
            else:
                yield Capture(path, number, obj)
