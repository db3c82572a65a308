"""Paths and URLs named on the command line: checked before a command reads anything."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.cli.exits import InputError
from toolkit.inputs.storage import is_remote, local_path, require


def check_named(paths: Iterable[str]) -> None:
    """Every local path exists (InputError otherwise) and every URL's extra is installed
    (MissingExtra otherwise): both exit 3 before any output."""
    for path in paths:
        if is_remote(path):
            require(path)
        elif path != "-" and not Path(local_path(path)).exists():
            raise InputError(f"{path}: no such file or directory")
