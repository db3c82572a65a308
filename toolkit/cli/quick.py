"""The program's entry point: a plain one-file check answered without click or rich.

`quay-contract validate [-q] FILE.json...` on local JSON files is the most common run, and
start-up is most of its cost (click, rich, the readers, the explanations: ~60 ms here). When
every file is one payload that plainly passes (`toolkit.validation.plain`) and the output is
not a terminal, the report is drawn here (`summary_text.plain`, byte for byte what the text
reporter prints) and nothing else is imported. Anything else, any other option, a failing file,
a terminal or an error, hands the unchanged argv to the click program, which then does the
whole run as it always does: this is not a second command line, only a shortcut that
recognises a few argv shapes (tests/cli/test_quick.py checks they mean to click what they mean
here).
"""

from __future__ import annotations

import gc
import os
import stat
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.validation.batch import PassKey
    from toolkit.validation.summary import Summary

QUIET = frozenset({"-q", "--quiet"})
"""The only options the shortcut takes (`validate`'s `-q/--quiet` flag)."""
_NOT_PLAIN_NAME = ("://", "*", "?", "[")
"""URLs and glob characters: the click program expands them."""


def main() -> None:
    """Run `quay-contract` (the console script and `python -m toolkit`)."""
    enabled = gc.isenabled()
    gc.disable()  # start-up builds only long-lived objects; the click program does the same
    code = attempt(sys.argv[1:])
    if code is None:
        if enabled:
            gc.enable()
        from toolkit.cli._app import run

        run()
    gc.freeze()  # the exit's final collection then has nothing to walk
    sys.exit(code)


def shortcut(argv: Sequence[str]) -> tuple[bool, list[str]] | None:
    """(quiet, paths) when `argv` is `validate` with only `-q/--quiet` and plain local `.json`
    paths; None for anything else."""
    if len(argv) < 2 or argv[0] != "validate":
        return None
    quiet = False
    paths: list[str] = []
    for arg in argv[1:]:
        if arg in QUIET:
            quiet = True
        elif arg.startswith("-") or not arg.endswith(".json"):
            return None  # another option, `--`, stdin, or a file that is sniffed first
        elif any(mark in arg for mark in _NOT_PLAIN_NAME):
            return None
        else:
            paths.append(arg)
    return (quiet, paths) if paths else None


def attempt(argv: Sequence[str]) -> int | None:
    """The exit code of a run the shortcut completed; None to run the click program instead."""
    found = shortcut(argv)
    if found is None:
        return None
    quiet, paths = found
    from toolkit.cli.reporters.summary_text import blocks, plain, plain_output

    if not plain_output(sys.stdout):
        return None
    try:
        summary = _passes(paths)
        text = None if summary is None else plain(blocks(summary, quiet=quiet))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # the click program runs it again, and reports it properly
        return None
    if text is None:
        return None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        from toolkit.cli._app import EXIT_BROKEN_PIPE, _silence_stdout

        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return 0


def _passes(paths: list[str]) -> Summary | None:
    """The Summary of `paths` if every one is a regular file holding one plain pass."""
    from collections import Counter

    from toolkit.inputs.limits import SNIFF_BYTES
    from toolkit.validation.plain import plain_pass
    from toolkit.validation.summary import Summary

    passes: Counter[PassKey] = Counter()
    for path in paths:
        data = _read(path, SNIFF_BYTES)
        key = None if data is None else plain_pass(data)
        if key is None:
            return None
        passes[key] += 1
    summary = Summary()
    summary.add_passes(passes)
    return summary


def _read(path: str, limit: int) -> bytes | None:
    """A regular file's bytes when it holds fewer than `limit` (what work._check_file tries as
    one payload before sniffing); None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = b""
        while len(data) < limit:
            more = os.read(fd, limit - len(data))
            if not more:
                return data
            data += more
        return None
    except OSError:
        return None
    finally:
        os.close(fd)
