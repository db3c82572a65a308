"""The `quay-contract` command line: a thin layer over the library.

Exit codes: 0 everything passed; 1 findings (invalid payload, stale files, breaking change);
2 usage error; 3 input could not be checked; 4 internal error; 130 interrupted.

`main` (the click group) is imported on first use: the program starts in `toolkit.cli.quick`,
which answers a plain one-file check without importing click or rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.cli._app import main

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    if name == "main":
        from toolkit.cli._app import main

        return main
    raise AttributeError(f"module 'toolkit.cli' has no attribute {name!r}")
