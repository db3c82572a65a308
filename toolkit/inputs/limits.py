"""The most a reader takes from one input: one set of limits for the offline readers and `listen`.

A limit that is reached is a finding for that one input, whose message names the limit and
the option that raises it; every other input is still read. Memory stays bounded by the limit,
whatever size a file, a line or a compressed body claims.
"""

from __future__ import annotations

import re

MIB = 1024 * 1024
SNIFF_BYTES = 64 * 1024
"""The head of a file read to recognise its format (and all of a small JSON payload)."""

MAX_BODY = 64 * MIB
"""The largest payload the offline readers take (`--max-body`): an NDJSON line, a JSON
document, a request body after decompression. Larger ones are reported and skipped."""

LISTEN_MAX_BODY = MIB
"""`listen`'s default for the same limit: a server answers 413 above it."""

MAX_DEPTH = 254
"""The deepest nesting of arrays and objects read (orjson re-serialises at most 254 levels;
Quay's payloads nest 5). A deeper value is reported, never recursed into."""

BODY_OPTION = "--max-body"

_SIZE = re.compile(r"(?i)^\s*(\d+)\s*(k|ki|kb|kib|m|mi|mb|mib|g|gi|gb|gib|b)?\s*$")
_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}


class LimitError(ValueError):
    """An input over a limit; the message names the limit and how to raise it."""


def over(what: str, limit: int, option: str = BODY_OPTION) -> str:
    """`<what> is over the 64 MiB limit (raise it with --max-body)`."""
    return f"{what} is over the {size(limit)} limit (raise it with {option})"


def size(n: int) -> str:
    """A byte count as people write it: `64 MiB`, `1.5 KiB`, `100 bytes`."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            value = n / factor
            return f"{value:,.0f} {unit}" if value == int(value) else f"{value:,.1f} {unit}"
    return f"{n:,} bytes"


def parse_size(text: str) -> int:
    """`1048576`, `64MiB`, `512k`, `1G` (binary units) to bytes; raises ValueError otherwise."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size (e.g. 1048576, 512KiB, 64MiB, 1GiB)")
    unit = (match.group(2) or "").lower()[:1]
    value = int(match.group(1)) * _UNITS[unit]
    if value < 1:
        raise ValueError("a size limit must be at least 1 byte")
    return value
