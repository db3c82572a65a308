"""Compare two versions' invariants (`x-invariants`): which relations between fields came, went
or changed, and which way each change goes.

An invariant added rejects payloads that used to pass: it narrows (a producer break). One removed
accepts what used to fail: it widens (a consumer break). One whose relation changed does both.
A change of its words only (`says`, `source`, `quay-versions`) is an annotation.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from toolkit.contract.invariant_templates import Path
from toolkit.contract.invariants import KEYWORD, Invariant
from toolkit.diff.delta import BOTH, NARROW, WIDEN, Delta

NONE = "none"


def invariant_deltas(old: Sequence[Invariant], new: Sequence[Invariant]) -> list[Delta]:
    """Every difference between two sets of invariants, in a stable order (by id)."""
    before = {inv.id: inv for inv in old}
    after = {inv.id: inv for inv in new}
    out: list[Delta] = []
    for ident in sorted(set(before) | set(after)):
        was, now = before.get(ident), after.get(ident)
        key = f"{KEYWORD}/{ident}"
        if now is not None and was is None:
            out.append(Delta("invariant-added", _pointer(now.at), key, None, _shown(now), NARROW))
        elif was is not None and now is None:
            out.append(Delta("invariant-removed", _pointer(was.at), key, _shown(was), None, WIDEN))
        elif was is not None and now is not None:
            where = _pointer(now.at)
            if (was.canonical, was.at) != (now.canonical, now.at):
                out.append(Delta("invariant-changed", where, key, _shown(was), _shown(now), BOTH))
            elif _words(was) != _words(now):
                words = (_words(was), _words(now))
                out.append(Delta("annotation-changed", where, key, *words, NONE))
    return out


def _pointer(at: Path) -> str:
    """The instance location of the object that declares the invariant, as a JSON pointer."""
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in at)


def _shown(inv: Invariant) -> dict[str, object]:
    """What the report shows: the relation (equal, where, when)."""
    shown: dict[str, object] = orjson.loads(inv.canonical)
    return shown


def _words(inv: Invariant) -> dict[str, str | None]:
    return {"says": inv.says, "source": inv.source, "quay-versions": inv.quay_versions}
