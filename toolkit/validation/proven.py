"""The native prover in the NDJSON hot loop: lines it proves are counted without being parsed;
the rest go on to the loop, which teaches it the skeletons of the lines it accepts.

One call per chunk (`prove`), one per newly accepted line (`Proof.learn`). A proven line is
counted under the PassKey the loop would have given it (toolkit.validation.passes.keyer over
the learned fingerprints); a result whose candidates the given `--quay-version` does not send is
left to the loop, which explains it. A line whose shape has invariants is proven valid by the
scanner, then parsed and checked by the same specialised invariant function the loop uses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import orjson

from toolkit.contract.fingerprint import Each
from toolkit.contract.releases import Releases
from toolkit.inputs.limits import SNIFF_BYTES
from toolkit.prover.learn import Prover
from toolkit.prover.native import enabled
from toolkit.validation.batch import PassKey
from toolkit.validation.passes import Cell, Cells, keyer

MIN_LINES = 32
"""Chunks shorter than this are not worth a scanner pass."""
MIN_CHUNK_BYTES = 8192
"""prove_chunk's MIN_LINES: NDJSON bytes shorter than this are left to the loop."""


class Proof:
    """What the scanner left of a chunk, and how to teach it."""

    __slots__ = ("prover", "rest", "unknown")

    def __init__(self, prover: Prover, rest: list[int], unknown: set[int]) -> None:
        self.prover = prover
        self.rest = rest
        """Indices (into the chunk's lines) of the lines the loop must check."""
        self.unknown = unknown
        """The subset of `rest` whose skeleton has no program yet."""

    def learn(self, index: int, raw: bytes, obj: dict[str, Any]) -> None:
        """The loop counted line `index` as a plain pass: learn its skeleton if new."""
        if index in self.unknown:
            self.unknown.discard(index)
            try:
                self.prover.learn(raw, obj)
            except Exception:  # learning only saves time: never lose a run to it
                self.prover.stop_learning()
                self.unknown.clear()


@cache
def _prover() -> Prover | None:
    """This process's prover, started from the seed programs; None when it is off."""
    if not enabled():
        return None
    prover = Prover()
    try:
        prover.seed()
    except Exception:  # seeds only save time: a damaged file leaves the prover to learn
        prover = Prover()
    return prover


def warm() -> None:
    """Make this process's prover now (before forking workers, which then share it)."""
    _prover()


Keys = list[tuple[PassKey | None, int]]


def _mask(prover: Prover, target: Releases | None) -> tuple[Keys, bytes]:
    """Per result: (its PassKey for `target`, 0 leave / 1 count / 2 check the invariants)."""
    keys: Keys = prover.keys.setdefault(target, [])
    for result in prover.results[len(keys) :]:
        key = keyer(_constant(result.each), result.candidates, target)(None)
        keys.append((key, 0 if key is None else 2 if result.holds is not None else 1))
    return keys, bytes(how for _, how in keys)


def _cell(cells: Cells, key: PassKey | None) -> Cell:
    assert key is not None  # the mask counts only results with a key
    return cells.cell(key)


def _constant(each: Each) -> Callable[[Any], Each]:
    return lambda obj: each


def prove(lines: list[bytes], target: Releases | None, cells: Cells) -> Proof | None:
    """Count the lines the prover proves into `cells`; None when it is off (every line is left
    to the loop)."""
    if len(lines) < MIN_LINES:
        return None
    prover = _prover()
    if prover is None:
        return None
    keys, mask = _mask(prover, target)
    return _counted(prover, keys, prover.run(lines, mask), cells, lines.__getitem__)


def prove_chunk(
    data: bytes, tail: bytes, target: Releases | None, cells: Cells
) -> tuple[Proof, dict[int, bytes], int] | None:
    """prove() for the lines of `data` + `tail` (NDJSON bytes: what `(data + tail).split(b"\\n")`
    gives, a last empty piece dropped), with no bytes object made for a proven line: the Proof,
    the bytes of each line it leaves (by index) and the number of lines; None when the prover
    is off or the bytes are too few to be worth it."""
    if len(data) + len(tail) < MIN_CHUNK_BYTES:
        return None
    prover = _prover()
    if prover is None:
        return None
    keys, mask = _mask(prover, target)
    *found, lines, count = prover.run_chunk(data, tail, mask)
    counts, checks, rest, unknown = found
    proof = _counted(prover, keys, (counts, checks, rest, unknown), cells, lines.__getitem__)
    return proof, lines, count


def prove_files(
    paths: list[str], target: Releases | None, cells: Cells, read: Callable[[str], bytes | None]
) -> Proof | None:
    """prove() for whole files: the scanner reads each one (one read of fewer than SNIFF_BYTES,
    or it is left) and proves its bytes; `read` gives a file's bytes again when the proof needs
    Python (an invariant to check). Proof.rest and .unknown index `paths`."""
    if len(paths) < MIN_LINES:
        return None  # not worth it (nor making the prover, for a few files)
    prover = _prover()
    if prover is None:
        return None
    keys, mask = _mask(prover, target)
    found = prover.scanner.run_files(paths, mask, SNIFF_BYTES)
    return _counted(prover, keys, found, cells, lambda i: read(paths[i]))


def _counted(
    prover: Prover,
    keys: Keys,
    found: tuple[list[int], list[int], list[int], list[int]],
    cells: Cells,
    data: Callable[[int], bytes | None],
) -> Proof:
    """Count what the scanner proved; check in Python the invariants it left (`data` gives an
    item's bytes), and leave the items that break one."""
    counts, checks, rest, unknown = found
    for result, n in enumerate(counts):
        if n:
            _cell(cells, keys[result][0])[1] += n
    if checks:
        loads = orjson.loads
        failed = False
        for j in range(0, len(checks), 2):
            i, result = checks[j], checks[j + 1]
            holds = prover.results[result].holds
            assert holds is not None
            raw = data(i)
            if raw is not None and holds(loads(raw)):
                _cell(cells, keys[result][0])[1] += 1
            else:
                rest.append(i)  # a broken invariant (or a file gone): the loop explains it
                failed = True
        if failed:
            rest.sort()
    return Proof(prover, rest, set(unknown) if prover.learning else set())


def mask(prover: Prover, target: Releases | None) -> bytes:
    """What the NDJSON and directory paths give the scanner for `target`: per result, 0 leave,
    1 count, 2 check its invariants in Python (for bench/prover_fuzz.py)."""
    return _mask(prover, target)[1]


def divergence(
    prover: Prover, raw: bytes, target: str | None = None, *, whole: bool = False
) -> str | None:
    """What the prover claims about one line that the exact path (toolkit.validation.verdict)
    contradicts, or None: a proven line must pass there, unreported, under the same PassKey.
    `whole`: `raw` is a `.json` file found in a directory (read as a directory run reads it,
    and it must hold one payload), not an NDJSON line. For the differential tests and
    bench/prover_fuzz.py."""
    import io

    from toolkit.contract.releases import parse_release
    from toolkit.inputs import read_stream
    from toolkit.inputs.ndjson import line_record
    from toolkit.validation.verdict import check, reportable

    found = prover.scanner.prove(raw)
    if found < 0:
        return None
    result = prover.results[found]
    if result.holds is not None:
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return f"proven, but orjson cannot read it: {raw[:200]!r}"
        if not result.holds(obj):
            return None  # the loop gives it to the exact path
    releases = None if target is None else parse_release(target)
    key = keyer(lambda obj: result.each, result.candidates, releases)(None)
    if key is None:
        return None  # left to the exact path
    if whole:
        records = list(read_stream(io.BytesIO(), raw, "differential.json", "differential.json"))
        if len(records) != 1:
            return f"proven, but the file holds {len(records)} payloads: {raw[:300]!r}"
        record = records[0]
    else:
        line = line_record(raw, "differential", 1)
        if line is None:
            return f"proven, but a blank line: {raw!r}"
        record = line
    verdict = check(record, quay_version=target)
    exact = (verdict.candidates, verdict.test_notification, verdict.releases)
    if reportable(verdict) or exact != key:
        return f"proven as {key}, but the exact path says {verdict}: {raw[:300]!r}"
    return None


def document_divergence(data: bytes) -> str | None:
    """What toolkit.prover.seeded claims about one whole JSON document that the exact path
    contradicts, or None: the general path must read a document it proves as one passing
    payload, unreported, with those candidates and that fingerprint, and plain.plain_pass
    must give the same PassKey unless it leaves the document to the general path (None: say,
    escapes it cannot rule a repeated key out in). For the differential tests and
    bench/prover_fuzz.py."""
    from toolkit.inputs.jsondoc import document_records
    from toolkit.prover.seeded import pass_key
    from toolkit.validation.plain import plain_pass
    from toolkit.validation.verdict import check, reportable

    key = pass_key(data)
    if key is None:
        return None
    plain = plain_pass(data)
    if plain is not None and plain != key:
        return f"proven as {key}, but plain_pass gives {plain}: {data[:300]!r}"
    verdicts = [check(record) for record in document_records(data, "differential")]
    exact = [(v.candidates, v.test_notification, v.releases) for v in verdicts]
    if len(verdicts) != 1 or reportable(verdicts[0]) or exact[0] != key:
        return f"proven as {key}, but the exact path says {verdicts}: {data[:300]!r}"
    return None
