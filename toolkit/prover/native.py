"""Whether the native scanner is there and switched on (QUAY_CONTRACT_NO_PROVER=1 switches it
off, as a machine without a C compiler has it off)."""

from __future__ import annotations

import importlib.util
import os

OFF = "QUAY_CONTRACT_NO_PROVER"
WHAT = "Validation (NDJSON, directories, one file)"
"""What the prover speeds up, as --version names it."""


def built() -> bool:
    """Whether the C extension was compiled at install time (found, not loaded)."""
    return importlib.util.find_spec("toolkit.prover._scan") is not None


def enabled() -> bool:
    """Whether validation uses it."""
    return built() and not os.environ.get(OFF)


def status() -> str:
    """Which validation path is active, for `quay-contract --version`."""
    if enabled():
        return f"{WHAT}: native prover (C) with the exact path as reference"
    if built():
        return f"{WHAT}: exact path only (native prover switched off by {OFF})"
    return f"{WHAT}: exact path only (native prover not built: no C compiler)"
