"""One JSON document proven from its bytes by the seed programs compiled at `regenerate` time
(generated/prover_seeds.json, see toolkit.prover.seeds): the one-file check's answer without
jsonschema-rs, orjson, the compiled contract or any learning at run time.

Loading costs a read of two regenerated files, a checksum of the schema files and the
scanner's tables (measured by bench/seeded.py); it happens once, on the first call.
"""

from __future__ import annotations

import os
import struct
from binascii import a2b_base64
from functools import cache
from typing import Any, NamedTuple

from toolkit.contract.installed import models_root, raw_digest, read_json
from toolkit.contract.releases import Releases
from toolkit.prover.stored import unpack

OFF = "QUAY_CONTRACT_NO_PROVER"
"""Set, it switches the prover off (toolkit.prover.native.OFF)."""
SEEDS = "prover_seeds.json"
AUTOMATA = "prover_automata.json"
FORMAT = 1
"""The layout of SEEDS this module reads (toolkit.prover.seeds.FORMAT)."""

PassKey = tuple[tuple[str, ...], bool, Releases]
"""toolkit.validation.batch.PassKey: (candidates, test notification, fingerprint)."""


def pass_key(data: bytes) -> PassKey | None:
    """The PassKey under which the exact path counts `data`, one whole JSON document (a file's
    bytes), for the default target (no `--quay-version`); None for "don't know".

    Guarantee: a PassKey is returned only if toolkit.validation.plain.plain_pass(data) returns
    that same key, and the general path checks the document as one passing payload of those
    candidates, not a test notification, with that version fingerprint and nothing to report.
    None promises nothing: the document may pass or fail (it is unreadable to the scanner:
    a byte-order mark, `\\u` escapes, exponents, two documents; its skeleton has no seed
    program; a program's check fails), and the exact path decides. None also when the C
    extension is not built, QUAY_CONTRACT_NO_PROVER is set, or the seed file is missing or
    stale (the schema files or the automata no longer match it).
    """
    seeded = _seeded()
    if seeded is None or type(data) is not bytes:
        return None
    scanner, keys = seeded
    found = scanner.prove(data)
    return keys[found] if found >= 0 else None


def available() -> bool:
    """Whether pass_key and prove_files can prove anything here (see pass_key's None)."""
    return _seeded() is not None


def prove_files(paths: list[str], limit: int) -> tuple[list[tuple[PassKey, int]], list[int]]:
    """pass_key for whole files, read by the scanner (a regular file of fewer than `limit`
    bytes, in one read; any other is left): the PassKeys of those it proves with their counts,
    and the indices (into `paths`) of the rest, in order. All are left when it is off."""
    seeded = _seeded()
    if seeded is None:
        return [], list(range(len(paths)))
    scanner, keys = seeded
    counts, _, rest, _ = scanner.run_files(paths, b"\x01" * len(keys), limit)
    return [(keys[result], n) for result, n in enumerate(counts) if n], rest


@cache
def _seeded() -> tuple[Any, tuple[PassKey, ...]] | None:
    """(the scanner with every seed program, the PassKey of each result), or None."""
    if os.environ.get(OFF):
        return None
    try:
        from toolkit.prover import _scan
    except ImportError:
        return None
    try:
        return _load(_scan.Scanner)
    except Exception:  # a damaged file only costs the fast answer
        return None


class Seeds(NamedTuple):
    """The seed file's content, ready for a scanner (ops as native int64)."""

    sets: tuple[tuple[str, tuple[bytes, ...]], ...]
    """(kind, literals), by set id."""
    programs: tuple[tuple[bytes, bytes, int], ...]
    """(skeleton, packed ops, result)."""
    results: tuple[tuple[tuple[str, ...], Releases, tuple[Releases, ...]], ...]
    """(candidates, their fingerprint, each candidate's), by result id."""


def stored() -> Seeds | None:
    """The seed programs, if the seed file is there and current (else None)."""
    seeds = read_json(os.path.join(models_root(), SEEDS))
    automata = read_json(os.path.join(models_root(), AUTOMATA))
    if (
        seeds.get("format") != FORMAT
        or automata.get("fingerprint") != seeds["fingerprint"]
        or seeds["schema_bytes"] != raw_digest()
    ):
        return None  # stale: the schemas changed since `regenerate`
    return Seeds(
        tuple((kind, tuple(item.encode() for item in items)) for kind, items in seeds["sets"]),
        tuple(
            (skeleton.encode(), _int64(code, a2b_base64(ops)), result)
            for skeleton, result, code, ops in seeds["programs"]
        ),
        tuple(
            (
                tuple(candidates),
                Releases.from_bits(int(union, 16)),
                tuple(Releases.from_bits(int(bits, 16)) for bits in each),
            )
            for candidates, union, each in seeds["results"]
        ),
    )


def _load(scanner_type: Any) -> tuple[Any, tuple[PassKey, ...]] | None:
    seeds = stored()
    if seeds is None:
        return None
    _, tables = unpack(read_json(os.path.join(models_root(), AUTOMATA)))
    scanner = scanner_type([(moves, accepting) for moves, accepting, _ in tables])
    for kind, items in seeds.sets:
        scanner.add_set(kind, items)
    for skeleton, ops, result in seeds.programs:
        scanner.add(skeleton, ops, result)
    keys = tuple((candidates, False, union) for candidates, union, _ in seeds.results)
    return scanner, keys


def _int64(code: str, packed: bytes) -> bytes:
    """Ops stored little-endian as `code` ("h": int16, "q": int64) as the scanner reads them:
    native int64."""
    values = struct.unpack(f"<{len(packed) // struct.calcsize(code)}{code}", packed)
    return struct.pack(f"={len(values)}q", *values)
