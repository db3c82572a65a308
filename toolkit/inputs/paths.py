"""Expand PATH arguments (files, directories walked recursively, globs, URLs, `-`) lazily.

Files found by walking a directory are filtered by type: a name the readers know (`.json`,
`.ndjson`, `.har`, `.http`, `.parquet` ..., compressed or not) is read, any other file only when
its first bytes look like JSON or an HTTP request, so a README or an image beside the captures
is skipped. `--include` and `--exclude` globs refine that; files named explicitly are always
read. URLs (`s3://bucket/prefix/`, `gs://bucket/*.ndjson.gz` ...) are expanded the same way
through fsspec (`storage.expand_url`), by name only (a sniff would cost a request); `file://`
URLs are local paths.
"""

from __future__ import annotations

import glob
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from operator import attrgetter

from toolkit.inputs.storage import expand_url, is_remote, local_path, plain_name

STDIN = "-"
_NAME = attrgetter("name")
"""A directory entry's name (the sort key of a listing)."""

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"})
"""Directories never walked into."""

INPUT_SUFFIXES = frozenset(
    {".json", ".ndjson", ".jsonl", ".jsonlines", ".har", ".http", ".req", ".dump"}
    | {".parquet", ".pq", ".arrow", ".feather", ".arrows", ".ipc"}
)
"""Extensions the readers know (before a compression suffix such as `.gz`): a walked file with
one of them is read without sniffing."""

SNIFF = 512
"""Bytes read to decide whether a walked file of another name is an input."""


@dataclass
class Selection:
    """Which walked files are read, and which were skipped (for the run's note)."""

    include: tuple[str, ...] = ()
    """Globs: when given, a walked file is read if it matches one, whatever its type (and
    only then)."""
    exclude: tuple[str, ...] = ()
    """Globs: a walked or globbed file or directory that matches is skipped."""
    skipped: list[str] = field(default_factory=list)
    """Walked files left out because they are not inputs by name or content."""

    def excluded(self, path: str, name: str) -> bool:
        """Whether `--exclude` names this path (matched against the path and the name)."""
        return any(fnmatch(path, g) or fnmatch(name, g) for g in self.exclude)

    def included(self, path: str, name: str) -> bool:
        """Whether `--include` names this path."""
        return any(fnmatch(path, g) or fnmatch(name, g) for g in self.include)


def expand(args: Iterable[str], selection: Selection | None = None) -> Iterator[str]:
    """Every file named by `args`, in a stable order, without listing everything up front.

    Directories are walked depth-first with each directory's entries sorted, so a directory of
    100,000 files costs one sorted listing at a time. Hidden files are skipped inside directories.
    An argument that names nothing, a glob that matches nothing and a directory that holds no
    input are yielded as they are: reading them reports the problem, and the other inputs are
    still checked.
    """
    for path, _, _ in expand_marked(args, selection):
        yield path


Found = tuple[str, bool, int | None]
"""(path, walked, size): `walked` says the path was a regular file when its directory was listed
(a named path may be a pipe, a device or nothing at all); `size` is known for listed objects of
an object store (local files are not stat'ed here)."""


def expand_marked(args: Iterable[str], selection: Selection | None = None) -> Iterator[Found]:
    """expand(), each path with whether it was found by walking a directory, and its size when
    a listing gave it."""
    selection = selection or Selection()
    for arg in args:
        if arg != STDIN and is_remote(arg):
            yield from _expand_url(arg, selection)
        else:
            yield from _expand_local(local_path(arg), selection)


def _expand_url(url: str, selection: Selection) -> Iterator[Found]:
    """The objects a URL names: itself, a glob's matches, or those found under a prefix, which
    are filtered by name as walked files are."""
    found = False
    for name, size, walked in expand_url(url):
        base = name.rsplit("/", 1)[-1]
        if selection.excluded(name, base):
            continue
        if walked and not (selection.included(name, base) if selection.include else _known(base)):
            selection.skipped.append(name)
            continue
        found = True
        yield name, walked, size
    if not found:
        yield url, False, None  # reading it says that nothing is there


def _expand_local(arg: str, selection: Selection) -> Iterator[Found]:
    """expand_marked() for a local path, a glob or `-`."""
    if arg != STDIN and os.path.isdir(arg):
        return _walk_or_report(arg, selection)
    return _expand_other(arg, selection)


def _expand_other(arg: str, selection: Selection) -> Iterator[Found]:
    """_expand_local() for anything but a directory."""
    if arg == STDIN:
        yield STDIN, False, None
    elif os.path.lexists(arg):
        yield arg, False, None
    elif glob.has_magic(arg):
        matches = sorted(glob.iglob(arg, recursive=True))
        matches = [m for m in matches if not selection.excluded(m, os.path.basename(m))]
        if not matches:
            yield arg, False, None  # reading it says that nothing matches
        for match in matches:
            if os.path.isdir(match):
                yield from _walk_or_report(match, selection)
            else:
                yield match, False, None
    else:
        yield arg, False, None


def _walk_or_report(root: str, selection: Selection) -> Iterator[Found]:
    """The walk of `root`; the directory itself when it holds no input (reading says so)."""
    walk = _walk(root, selection)
    first = next(walk, None)
    if first is None:
        return iter(((root, False, None),))
    return itertools.chain((first,), walk)  # no frame of ours per file: there may be 100,000


def _walk(root: str, selection: Selection) -> Iterator[Found]:
    stack = [root]
    while stack:
        top = stack.pop()
        try:
            entries = sorted(os.scandir(top), key=_NAME)
        except OSError:
            yield top, False, None  # reading it reports why it cannot be listed
            continue
        dirs: list[str] = []
        excluding, by_name = bool(selection.exclude), not selection.include
        for entry in entries:
            name = entry.name
            if name[:1] == "." or (excluding and selection.excluded(entry.path, name)):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS:
                        dirs.append(entry.path)
                    continue
                regular = entry.is_file()
            except OSError:  # a symlink loop, a vanished file: one problem for this path only
                yield entry.path, False, None
                continue
            if not regular:
                if entry.is_symlink() and not os.path.exists(entry.path):
                    yield entry.path, False, None  # a dangling link or a loop: reading says which
                continue
            if by_name:  # most files: a known suffix, one lookup (as _wanted checks first)
                dot = name.rfind(".")
                if dot > 0 and name[dot:].lower() in INPUT_SUFFIXES:
                    yield entry.path, True, None
                    continue
            if _wanted(entry, selection):
                yield entry.path, True, None
            else:
                selection.skipped.append(entry.path)
        stack.extend(reversed(dirs))


def _wanted(entry: os.DirEntry[str], selection: Selection) -> bool:
    """A walked regular file is an input: by `--include`, else by name or by its first bytes."""
    if selection.include:
        return selection.included(entry.path, entry.name)
    name = entry.name
    dot = name.rfind(".")
    if dot > 0 and name[dot:].lower() in INPUT_SUFFIXES:  # most files: one lookup
        return True
    return _known(name) or _looks_like_input(entry.path)


def _known(name: str) -> bool:
    """A name the readers know (`x.ndjson`, `x.ndjson.gz`, `x.parquet` ...)."""
    name = plain_name(name)
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in INPUT_SUFFIXES


def _looks_like_input(path: str) -> bool:
    """JSON text or an HTTP request, from the first bytes (a README or an image is neither)."""
    from toolkit.inputs.httpdump import looks_like_http

    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF)
    except OSError:
        return True  # reading it reports why it cannot be read
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return body[:1] in (b"{", b"[") or looks_like_http(body)


def display(path: str) -> str:
    """The name findings use for a path (as given, or `<stdin>`)."""
    return "<stdin>" if path == STDIN else path
