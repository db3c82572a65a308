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
    from toolkit.contract.detect import Detection, detect
    from toolkit.contract.registry import EVENTS
    from toolkit.validation.body import (
        AmbiguousEventError,
        ContractError,
        UnreadableBodyError,
        parse,
        validate_body,
    )
    from toolkit.validation.report import Finding, Report
    from toolkit.validation.validator import validate

_LAZY = {
    "EVENTS": "toolkit.contract.registry",
    "Finding": "toolkit.validation.report",
    "Report": "toolkit.validation.report",
    "validate": "toolkit.validation.validator",
    "detect": "toolkit.contract.detect",
    "Detection": "toolkit.contract.detect",
    "parse": "toolkit.validation.body",
    "validate_body": "toolkit.validation.body",
    "ContractError": "toolkit.validation.body",
    "AmbiguousEventError": "toolkit.validation.body",
    "UnreadableBodyError": "toolkit.validation.body",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
