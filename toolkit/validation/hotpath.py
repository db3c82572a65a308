"""The NDJSON hot loop: parse, detect, count; build Records and Verdicts only for the rest.

A valid line costs one orjson parse, a tuple of its keys (a cached route to its shape group),
one compiled validation and the invariants compiled for its shape (toolkit.contract.
invariant_fast); its version fingerprint is fixed by that route, or read off the keys of a nested
object or two (cached). Anything else (invalid, unreadable, envelopes, test notifications worth
reporting, strict mode, a broken invariant, a payload the given `--quay-version` does not send)
falls back to the general path in toolkit.validation.verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

import orjson

from toolkit.contract.detect import detect, plain_route
from toolkit.contract.fingerprint import fingerprinter
from toolkit.contract.invariant_fast import holds_valid
from toolkit.contract.releases import Releases
from toolkit.inputs.decode import may_repeat_keys
from toolkit.inputs.ndjson import line_record, long_line
from toolkit.validation.batch import Batch, Options
from toolkit.validation.passes import Cell, Cells, cell_of, keyer, pass_key, target_of
from toolkit.validation.plain import invariants_hold, plain_pass
from toolkit.validation.verdict import Verdict, check, reportable

if TYPE_CHECKING:
    from toolkit.validation.proven import Proof

_MISSING = object()


def scan_lines(
    data: bytes,
    source: str,
    options: Options,
    batch: Batch,
    first_line: int = 1,
    tail: bytes = b"",
) -> int:
    """Check every line of `data` + `tail` into `batch`; returns the number of lines.

    `data` + `tail` holds whole lines; only the last line of a file may lack its newline.
    `tail` is the rest of a line that crosses the end of `data` (scan_stream reads it apart, so
    a chunk is never copied to join them). With the native prover on, the lines go to it as
    one buffer: only the lines it leaves become bytes objects.
    """
    fast = options.counts_passes and options.input_format != "envelope"
    if fast and len(data) + len(tail) <= options.max_body:
        from toolkit.validation.proven import prove_chunk  # the prover: imported when used

        cells = Cells()
        found = prove_chunk(data, tail, target_of(options), cells)
        if found is not None:
            proof, kept, count = found
            ended = (tail or data).endswith(b"\n")
            cut = 0 if ended or not count else first_line + count - 1
            todo = [(first_line + i, kept[i]) for i in proof.rest]
            _check_left(todo, proof, cells, source, options, batch, first_line, cut)
            return count
    if tail:
        data += tail
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
        cut = 0
    else:
        cut = first_line + len(lines) - 1  # the file's last line, without a newline
    mark = len(batch.verdicts)
    dropped = options.max_body < len(data) and _drop_long(  # only with a limit below the chunk
        lines, source, options.max_body, batch, first_line
    )
    if fast:
        _scan_fast(lines, source, options, batch, first_line, cut)
    else:
        _scan_general(enumerate(lines, first_line), source, options, batch, cut)
    if dropped:  # a long line's finding goes in its place: verdicts stay in line order
        batch.verdicts[mark:] = sorted(batch.verdicts[mark:], key=_line)
    return len(lines)


def _line(verdict: Verdict) -> int:
    return verdict.line or 0


def _drop_long(lines: list[bytes], source: str, limit: int, batch: Batch, first: int) -> bool:
    """Report and blank the lines longer than `limit` (a blank line is skipped); whether any
    was."""
    dropped = False
    for i, raw in enumerate(lines):
        if len(raw) > limit:
            batch.verdicts.append(check(long_line(source, first + i, limit)))
            lines[i] = b""
            dropped = True
    return dropped


def _scan_fast(
    lines: list[bytes], source: str, options: Options, batch: Batch, first_line: int, cut: int
) -> None:
    """The loop of scan_lines for plain payloads: parse, one validation, one tally.

    A line whose top-level keys have a plain route (detect.plain_route), passes its validator,
    matches no test-notification marker and repeats no key is counted under its fingerprint;
    anything else takes the general path.
    """
    from toolkit.validation.proven import prove

    cells = Cells()
    proof = prove(lines, target_of(options), cells)  # the native prover counts what it proves
    todo: Iterable[tuple[int, bytes]] = (
        enumerate(lines, first_line)
        if proof is None
        else [(first_line + i, lines[i]) for i in proof.rest]
    )
    _check_left(todo, proof, cells, source, options, batch, first_line, cut)


def _check_left(
    todo: Iterable[tuple[int, bytes]],
    proof: Proof | None,
    cells: Cells,
    source: str,
    options: Options,
    batch: Batch,
    first_line: int,
    cut: int,
) -> None:
    """The numbered lines the prover left (all of them without it), checked as _scan_fast
    describes; the passes, the prover's among them (in `cells`), go into `batch`."""
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    target = target_of(options)
    shapes: dict[tuple[str, ...], _Route] = {}
    missing = _MISSING
    rest: list[tuple[int, bytes]] = []
    for lineno, raw in todo:
        try:
            obj = loads(raw)
        except decode_error:
            rest.append((lineno, raw))
            continue
        if type(obj) is not dict or may_repeat_keys(raw, obj):
            # Not an object, or a key may repeat: the general path reports it exactly.
            rest.append((lineno, raw))
            continue
        shape = tuple(obj)
        route = shapes.get(shape)
        if route is None:
            route = shapes[shape] = _shape_route(shape, cells, target)
        validator, markers, holds, cell, celler = route
        if validator is not None and validator.is_valid(obj):
            for key, value in markers:
                if obj.get(key, missing) == value:
                    break
            else:
                if holds is not None and not holds(obj):
                    rest.append((lineno, raw))  # an invariant is broken: explained
                    continue
                if celler is not None:
                    cell = celler(obj)
                if cell is not None:
                    cell[1] += 1
                    if proof is not None:
                        proof.learn(lineno - first_line, raw, obj)
                    continue
                rest.append((lineno, raw))  # a release that does not send it: explained
                continue
        if "received_at" not in obj:
            detected = detect(obj)
            candidates = detected.candidates
            if candidates and not detected.test_notification and invariants_hold(obj, candidates):
                found = pass_key(candidates, obj, target)
                if found is not None:
                    batch.passes[found] += 1
                    if proof is not None:
                        proof.learn(lineno - first_line, raw, obj)
                    continue
        rest.append((lineno, raw))
    cells.into(batch.passes)
    if rest:
        _scan_general(rest, source, options, batch, cut)


_Route = tuple[
    Any,
    tuple[tuple[str, Any], ...],
    Callable[[Any], bool] | None,
    Cell | None,
    Callable[[Any], Cell | None] | None,
]
"""(validator, test markers, the candidates' invariants or None, the cell of every pass, or a
function giving a payload's cell)"""


def _shape_route(shape: tuple[str, ...], cells: Cells, target: Releases | None) -> _Route:
    plain = None if "received_at" in shape else plain_route(shape)
    if plain is None:
        return None, (), None, None, None
    validator, markers, candidates = plain
    holds = holds_valid(candidates, shape)
    prints = fingerprinter(candidates)
    constant = prints.constant(shape)
    if constant is not None:
        fixed = keyer(lambda obj: constant, candidates, target)({})
        if fixed is None:  # the release never sends this shape: explain each line
            return None, (), None, None, None
        return validator, markers, holds, cells.cell(fixed), None
    key = keyer(prints.each, candidates, target)
    if not prints.cached:
        return validator, markers, holds, None, lambda obj: cell_of(key(obj), cells)
    celler = prints.memoized(lambda obj: cell_of(key(obj), cells))
    return validator, markers, holds, None, celler


def _scan_general(
    lines: Iterable[tuple[int, bytes]], source: str, options: Options, batch: Batch, cut: int = 0
) -> None:
    """Numbered lines through Records and Verdicts (the reference path); line `cut` is the
    file's last line, cut short (0: none is)."""
    for lineno, raw in lines:
        record = line_record(
            raw,
            source,
            lineno,
            allow_comments=options.allow_comments,
            envelopes_only=options.input_format == "envelope",
            cut_short=lineno == cut,
            max_body=options.max_body,
        )
        if record is None:
            continue
        verdict = check(
            record, options.event, strict=options.strict, quay_version=options.quay_version
        )
        if options.keep_all or reportable(verdict):
            batch.verdicts.append(verdict)
        else:
            batch.passes[(verdict.candidates, verdict.test_notification, verdict.releases)] += 1


def passes_fast(data: bytes, source: str, options: Options, batch: Batch) -> bool:
    """Take a whole-file JSON payload that plainly passes (plain.plain_pass); False sends it the
    general way.

    A pass is only counted, or (when every payload is listed) gets the very Verdict the general
    path would give it: one object, no notes, detected, not a test notification.
    """
    if options.strict or options.event or options.allow_comments:
        return False
    key = plain_pass(data, target_of(options))
    if key is None:
        return False
    if options.keep_all:
        kept, _, releases = key
        event = kept[0] if len(kept) == 1 else None
        # Positional (source, line, index, format, event, candidates, test_notification, valid):
        # a directory of 10,000 payloads makes 10,000 of these.
        batch.verdicts.append(
            Verdict(source, None, None, "json", event, kept, False, True, releases=releases)
        )
    else:
        batch.passes[key] += 1
    return True


def scan_stream(
    f: IO[bytes], head: bytes, source: str, options: Options, batch: Batch, chunk: int
) -> int:
    """Stream an NDJSON file through scan_lines, `chunk` bytes (whole lines) at a time.

    Memory stays within `chunk` plus one line of at most `options.max_body` bytes: a longer
    line is reported as one finding and skipped, and the lines after it are still checked.
    Returns the number of lines.
    """
    limit = options.max_body
    line = 1
    data = head
    while True:
        data += f.read(max(chunk - len(data), 0))
        if not data:
            return line - 1
        tail = b""
        if not data.endswith(b"\n"):
            start = data.rfind(b"\n") + 1  # where the unfinished last line starts
            tail = f.readline(max(limit + 1 - (len(data) - start), 1))  # kept apart: no copy
            if len(data) - start + len(tail) > limit and not tail.endswith(b"\n"):
                if start:
                    line += scan_lines(data[:start], source, options, batch, line)
                data = b""
                _skip_line(f)
                batch.verdicts.append(check(long_line(source, line, limit)))
                line += 1
                continue
        line += scan_lines(data, source, options, batch, line, tail)
        data = b""


def _skip_line(f: IO[bytes]) -> None:
    """Read past the rest of the current line, a bounded piece at a time."""
    while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
        pass
