"""How the hot loop counts a pass: its PassKey (the candidates a release sends, no test
notification, the fingerprint) and the cells it increments in place."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from toolkit.contract.fingerprint import Each, fingerprinter
from toolkit.contract.releases import Releases, parse_release

if TYPE_CHECKING:  # annotations only: a one-file run never imports Batch or Verdict
    from toolkit.validation.batch import Options, PassKey

Cell = list[Any]
"""[PassKey, count]: one per distinct way of passing, incremented in place (no hashing)."""


class Cells:
    """The passes of one scan, per PassKey."""

    def __init__(self) -> None:
        self.by_key: dict[PassKey, Cell] = {}

    def cell(self, key: PassKey) -> Cell:
        found = self.by_key.get(key)
        if found is None:
            found = self.by_key[key] = [key, 0]
        return found

    def into(self, passes: Counter[PassKey]) -> None:
        for key, n in self.by_key.values():
            if n:
                passes[key] += n


def target_of(options: Options) -> Releases | None:
    """The releases `--quay-version` names, if given."""
    return None if options.quay_version is None else parse_release(options.quay_version)


def pass_key(
    candidates: tuple[str, ...], obj: dict[str, Any], target: Releases | None
) -> PassKey | None:
    """How a production payload the default contract accepts as `candidates` is counted:
    (the candidates `target` sends, False, its fingerprint); None when `target` sends none."""
    return keyer(fingerprinter(candidates).each, candidates, target)(obj)


def keyer(
    each: Callable[[Any], Each], candidates: tuple[str, ...], target: Releases | None
) -> Callable[[Any], PassKey | None]:
    """pass_key as a function of the payload, given its fingerprints (`each`)."""
    if target is None:
        return lambda obj: (candidates, False, each(obj)[0])

    def key(obj: Any) -> PassKey | None:
        union, per_event = each(obj)
        kept = tuple(c for c, r in zip(candidates, per_event, strict=True) if r & target)
        return (kept, False, union) if kept else None

    return key


def cell_of(key: PassKey | None, cells: Cells) -> Cell | None:
    """The cell of a PassKey (None for none)."""
    return None if key is None else cells.cell(key)
