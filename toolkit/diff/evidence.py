"""Replay evidence for a diff: payloads valid under one version, validated under the other.

*Forward*: OLD's examples, the test data and fuzzed OLD payloads that OLD accepts, validated under
NEW; a rejection proves the change narrows (a producer break). *Reverse*: the same from NEW to
OLD; a rejection proves it widens (a consumer break). Validation uses jsonschema-rs (compiled,
formats asserted, offline registry of each schema set), as `toolkit.contract.compiled.fast` does,
and then each set's own invariants (`x-invariants`), as `toolkit.validate` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from toolkit.contract.invariant_check import Checker
from toolkit.contract.registry import schema_dir
from toolkit.contract.schemaset import TEST_NOTIFICATION, SchemaSet, load_folder
from toolkit.diff import fuzz as diff_fuzz
from toolkit.diff.budget import DEFAULT_MAX_SCHEMA_BYTES, DEFAULT_SECONDS, Budget
from toolkit.diff.classify import BREAKING, Change, DiffResult, strip
from toolkit.diff.normalize import normalize
from toolkit.diff.rules import BOTH, NARROW, UNKNOWN, WIDEN

KEEP = 3
"""How many rejected payloads to keep per direction as examples."""


@dataclass
class Replay:
    """Replay counts for one event (or test-notification variant)."""

    event: str
    forward_total: int = 0
    forward_rejected: int = 0
    reverse_total: int = 0
    reverse_rejected: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    forward_samples: list[Any] = field(default_factory=list)
    reverse_samples: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """How much evidence to gather."""

    samples: int = 50
    seed: int = 0
    test_data: Path | None = None
    budget_seconds: float | None = DEFAULT_SECONDS
    """Time for the whole replay (`None`: no limit); what is left out is reported."""
    max_schema_bytes: int = DEFAULT_MAX_SCHEMA_BYTES
    """(Sub-)schemas larger than this are not fuzzed."""


def gather(result: DiffResult, old: SchemaSet, new: SchemaSet, opts: Options) -> None:
    """Replay payloads for every event with a semantic change; reconcile verdict and evidence.

    The work is bounded by `opts` (see `toolkit.diff.budget`); `result.evidence_cut` says what
    was left out.
    """
    budget = Budget(opts.budget_seconds, opts.max_schema_bytes)
    keys = sorted({c.event for c in result.changes if c.rule != "annotation-changed"})
    keys = [k for k in keys if _replayable(k, old, new, result.notes)]
    for done, key in enumerate(keys):
        if budget.spent():
            budget.cut(budget.out_of_time(f"before {', '.join(keys[done:])} could be replayed"))
            break
        event, _, variant = key.partition("#")
        replay = Replay(key)
        pointers = sorted({c.pointer for c in result.changes if c.event == key and c.pointer})
        forward = _payloads(
            old, event, variant, pointers, opts, replay, "old", result.notes, budget
        )
        reverse = _payloads(
            new, event, variant, pointers, opts, replay, "new", result.notes, budget
        )
        v_old, v_new = (judge(s, event, bool(variant)) for s in (old, new))
        total, rejected = _replay(forward, v_new, replay.forward_samples, budget, key)
        replay.forward_total += total
        replay.forward_rejected += rejected
        total, rejected = _replay(reverse, v_old, replay.reverse_samples, budget, key)
        replay.reverse_total += total
        replay.reverse_rejected += rejected
        result.evidence[key] = replay
        _reconcile(result, replay)
    result.evidence_cut += budget.cuts


def _replayable(key: str, old: SchemaSet, new: SchemaSet, notes: list[str]) -> bool:
    """Whether both sides have the event (and its test-notification variant, for `event#...`)."""
    event, _, variant = key.partition("#")
    if event not in old.events or event not in new.events:
        return False
    if variant and not (old.has_test_notification(event) and new.has_test_notification(event)):
        notes.append(f"no replay for {key}: only one side defines it")
        return False
    return True


def _reconcile(result: DiffResult, replay: Replay) -> None:
    mine = [c for c in result.changes if c.event == replay.event]
    checks = []
    if result.role in ("consumer", "both"):
        checks.append((WIDEN, replay.reverse_rejected, replay.reverse_total, "NEW", "OLD"))
    if result.role in ("producer", "both"):
        checks.append((NARROW, replay.forward_rejected, replay.forward_total, "OLD", "NEW"))
    for direction, rejected, total, src, dst in checks:
        if not rejected or any(c.direction in (direction, BOTH) for c in mine):
            continue
        unknown = [c for c in mine if c.direction == UNKNOWN]
        what = f"{rejected} of {total} payloads valid under {src} are rejected by {dst}"
        if unknown:
            rule = "replay-confirms-" + ("widening" if direction == WIDEN else "narrowing")
            pointer = unknown[0].pointer
        else:
            rule = "replay-contradicts-verdict"
            pointer = ""
            result.disagreements.append(
                f"{replay.event}: the rules found no {direction}ing change, but {what}"
            )
        result.changes.append(
            Change(rule, replay.event, pointer, "", None, what, direction, BREAKING)
        )


def _payloads(
    sset: SchemaSet,
    event: str,
    variant: str,
    pointers: list[str],
    opts: Options,
    replay: Replay,
    side: str,
    notes: list[str],
    budget: Budget,
) -> list[Any]:
    """Payloads that `sset` accepts for the event: examples, test data, fuzzed samples."""
    raw = sset.raw(event)
    if variant:
        raw = raw.get("definitions", {}).get(TEST_NOTIFICATION, {})
    found: dict[str, list[Any]] = {"examples": list(raw.get("examples", []))}
    if opts.test_data is not None and not variant:
        found["test data"] = _test_data(opts.test_data, event)
    if opts.samples > 0:
        bases = [p for ps in found.values() for p in ps]
        found["fuzz"] = _fuzz(sset, event, variant, pointers, bases, opts, notes, budget)
    validator = judge(sset, event, bool(variant))
    out: list[Any] = []
    seen: set[bytes] = set()
    for source, payloads in found.items():
        for number, payload in enumerate(payloads):
            if number % 64 == 0 and budget.spent():
                where = f"while sorting the {side} {source} payloads of {event}"
                budget.cut(budget.out_of_time(f"{where} ({number:,} of {len(payloads):,} kept)"))
                break
            key = _canon(payload)
            if key in seen or not _valid(validator, payload):
                continue
            seen.add(key)
            out.append(payload)
            name = f"{side} {source}"
            replay.sources[name] = replay.sources.get(name, 0) + 1
    return out


def _test_data(root: Path, event: str) -> list[Any]:
    out = []
    for path in sorted(root.glob(f"**/{event}/*.json")):
        try:
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            continue
        out.append(data["payload"] if isinstance(data, dict) and "payload" in data else data)
    return out


def _fuzz(
    sset: SchemaSet,
    event: str,
    variant: str,
    pointers: list[str],
    bases: list[Any],
    opts: Options,
    notes: list[str],
    budget: Budget,
) -> list[Any]:
    """Fuzzed payloads: `toolkit.fuzz.sample` for the installed contract, plus targeted ones."""
    out: list[Any] = []
    if not variant and _is_installed(sset):
        try:
            from toolkit import fuzz  # type: ignore[attr-defined,unused-ignore]

            sample = fuzz.sample
        except (ImportError, AttributeError):
            pass
        else:
            try:
                out += list(sample(event, opts.samples, opts.seed))
            except Exception as exc:  # another module's failure must not sink the diff
                notes.append(f"toolkit.fuzz.sample({event!r}) failed: {exc}")
    schema = sset.inlined(event)
    if variant:
        schema = schema.get("definitions", {}).get(TEST_NOTIFICATION, {})
    core = normalize(strip(schema))
    try:
        import hypothesis_jsonschema  # noqa: F401
    except ImportError:
        notes.append("fuzzing skipped: install hypothesis-jsonschema (the `dev` extra)")
        return out
    generated = []
    if not bases and budget.fits(core, event + (f"#{variant}" if variant else "")):
        generated = diff_fuzz.whole(core, opts.samples, opts.seed)
    out += generated
    out += diff_fuzz.targeted(
        core, bases + generated, pointers, opts.samples, opts.seed, budget=budget, event=event
    )
    return out


class Judge:
    """A schema set's verdict on payloads of one event: its compiled schema, then its invariants."""

    def __init__(self, validator: Any, invariants: Checker) -> None:
        self._validator = validator
        self._holds = invariants.holds

    def is_valid(self, payload: Any) -> bool:
        """Valid under the set's schema and true to its invariants."""
        return bool(self._validator.is_valid(payload)) and self._holds(payload)


def judge(sset: SchemaSet, event: str, test_notification: bool) -> Judge:
    """The Judge of `sset` for an event (or its test-notification variant)."""
    validator = sset.validator(event, test_notification=test_notification)
    return Judge(validator, Checker(sset.invariants(event, test_notification=test_notification)))


def _canon(payload: Any) -> bytes:
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits
        return json.dumps(payload, sort_keys=True).encode()


def _replay(
    payloads: list[Any], validator: Any, samples: list[Any], budget: Budget, key: str
) -> tuple[int, int]:
    """Validate `payloads`; returns (total, rejected) and keeps up to KEEP rejected samples."""
    total = rejected = 0
    for payload in payloads:
        if total % 64 == 0 and budget.spent():
            budget.cut(budget.out_of_time(f"replaying {key} ({total:,} of {len(payloads):,})"))
            break
        total += 1
        if not _valid(validator, payload):
            rejected += 1
            if len(samples) < KEEP:
                samples.append(payload)
    return total, rejected


def _valid(validator: Any, payload: Any) -> bool:
    try:
        return bool(validator.is_valid(payload))
    except (ValueError, OverflowError, TypeError):
        return False


def _is_installed(sset: SchemaSet) -> bool:
    try:
        return load_folder(schema_dir()).files == sset.files
    except Exception:
        return False
