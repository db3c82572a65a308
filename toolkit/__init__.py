"""Quay notification webhook contracts: schemas, validation, models and tools.

The public API is imported lazily, so `import toolkit` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["EVENTS", "Finding", "Report", "validate"]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from toolkit.registry import EVENTS
    from toolkit.validator import Finding, Report, validate

_LAZY = {
    "EVENTS": "toolkit.registry",
    "Finding": "toolkit.validator",
    "Report": "toolkit.validator",
    "validate": "toolkit.validator",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
