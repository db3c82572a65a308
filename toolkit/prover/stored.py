"""The stored automata (generated/prover_automata.json, parsed) as the scanner takes them:
standard library only, so a one-file check (toolkit.prover.seeded) can load them cheaply."""

from __future__ import annotations

from binascii import a2b_base64
from typing import Any

Packed = tuple[bytes, bytes, bool]
"""An automaton as the scanner takes it: (transitions, 2 bytes little-endian per state and byte
0x20-0x7E; one byte per state, 1 if accepting; whether the pattern is anchored whole)."""
WIDTH = 0x7F - 0x20


def unpack(data: dict[str, Any]) -> tuple[dict[str, int], tuple[Packed, ...]]:
    """(pattern or URI_KEY -> index, the automata by index) of the table `data`: patterns
    without an automaton get no index, the others are numbered in the order of their keys."""
    index: dict[str, int] = {}
    out: list[Packed] = []
    for key, entry in sorted(data["automata"].items()):
        if "next" not in entry:
            continue
        index[key] = len(out)
        raw = a2b_base64(entry["next"])
        accepting = bytearray(len(raw) // (2 * WIDTH))
        for state in entry["accepting"]:
            accepting[state] = 1
        out.append((raw, bytes(accepting), bool(entry["exact"])))
    return index, tuple(out)
