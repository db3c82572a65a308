"""Expand PATH arguments (files, directories walked recursively, globs, `-`) lazily."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

STDIN = "-"

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"})
"""Directories never walked into."""


def expand(args: Iterable[str]) -> Iterator[str]:
    """Every file named by `args`, in a stable order, without listing everything up front.

    Directories are walked depth-first with each directory's entries sorted, so a directory of
    100,000 files costs one sorted listing at a time. Hidden files are skipped inside directories.
    An argument that names nothing is yielded as is: reading it reports the problem, and the
    other inputs are still checked.
    """
    for arg in args:
        if arg == STDIN:
            yield STDIN
        elif os.path.isdir(arg):
            yield from _walk(arg)
        elif os.path.exists(arg):
            yield arg
        elif glob.has_magic(arg):
            matches = sorted(glob.iglob(arg, recursive=True))
            if not matches:
                yield arg
            for match in matches:
                yield from _walk(match) if os.path.isdir(match) else (match,)
        else:
            yield arg


def _walk(root: str) -> Iterator[str]:
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            entries = sorted(os.scandir(top), key=lambda e: e.name)
        except OSError:
            yield top  # reading it reports why it cannot be listed
            continue
        dirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS:
                    dirs.append(entry.path)
            elif entry.is_file():
                yield entry.path
        stack.extend(reversed(dirs))


def display(path: str) -> str:
    """The name findings use for a path (as given, or `<stdin>`)."""
    return "<stdin>" if path == STDIN else path
