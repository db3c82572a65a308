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
    for path, _ in expand_marked(args):
        yield path


def expand_marked(args: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """expand(), each path with whether it was found by walking a directory: such a path was a
    regular file when listed (a named path may be a pipe, a device or nothing at all)."""
    for arg in args:
        if arg == STDIN:
            yield STDIN, False
        elif os.path.isdir(arg):
            yield from _walk(arg)
        elif os.path.exists(arg):
            yield arg, False
        elif glob.has_magic(arg):
            matches = sorted(glob.iglob(arg, recursive=True))
            if not matches:
                yield arg, False
            for match in matches:
                yield from _walk(match) if os.path.isdir(match) else ((match, False),)
        else:
            yield arg, False


def _walk(root: str) -> Iterator[tuple[str, bool]]:
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            entries = sorted(os.scandir(top), key=_name)
        except OSError:
            yield top, False  # reading it reports why it cannot be listed
            continue
        dirs: list[str] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS:
                    dirs.append(entry.path)
            elif entry.is_file():
                yield entry.path, True
        stack.extend(reversed(dirs))


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def display(path: str) -> str:
    """The name findings use for a path (as given, or `<stdin>`)."""
    return "<stdin>" if path == STDIN else path
