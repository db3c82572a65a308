"""Quay notification webhook contracts: schemas, validation, models and tools.

The public API is imported lazily, so `import toolkit` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "EVENTS",
    "AmbiguousEventError",
    "ContractError",
    "Detection",
    "Finding",
    "Report",
    "UnreadableBodyError",
    "detect",
    "parse",
    "validate",
    "validate_body",
]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from toolkit.api import (
        AmbiguousEventError,
        ContractError,
        UnreadableBodyError,
        parse,
        validate_body,
    )
    from toolkit.detect import Detection, detect
    from toolkit.registry import EVENTS
    from toolkit.validator import Finding, Report, validate

_LAZY = {
    "EVENTS": "toolkit.registry",
    "Finding": "toolkit.validator",
    "Report": "toolkit.validator",
    "validate": "toolkit.validator",
    "detect": "toolkit.detect",
    "Detection": "toolkit.detect",
    "parse": "toolkit.api",
    "validate_body": "toolkit.api",
    "ContractError": "toolkit.api",
    "AmbiguousEventError": "toolkit.api",
    "UnreadableBodyError": "toolkit.api",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
