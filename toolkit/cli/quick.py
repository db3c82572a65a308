"""The program's entry point: `validate [-q] PATH...` answered without click.

`quay-contract validate [-q] PATH...` is the most common run, and start-up is much of its cost
(click, rich, the readers, the explanations). This shortcut recognises that argv shape (paths
and `-q/--quiet`, nothing else) and runs what the click command runs once it has read its
arguments (toolkit.cli.checking.check_inputs), without importing click; the text reporter
imports rich only for what it must draw. Before that, when every path is a local `.json` file
holding one payload that plainly passes (toolkit.validation.plain) and the output is not a
terminal, the report is drawn at once (`summary_text.plain`) and nothing else is imported;
a file the seed programs prove (toolkit.prover.seeded) costs neither jsonschema-rs nor orjson.
Any other argv goes to the click program unchanged: this is not a second command line, only a
shortcut for a few argv shapes (tests/cli/test_quick.py checks they mean to click what they
mean here).
"""

from __future__ import annotations

import atexit
import gc
import os
import stat
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from toolkit.validation.batch import PassKey
    from toolkit.validation.summary import Summary

QUIET = frozenset({"-q", "--quiet"})
"""The only options the shortcut takes (`validate`'s `-q/--quiet` flag)."""
_PLAIN_NAME = ("://", "*", "?", "[")
"""URLs and glob characters: not a plain local file for the first attempt."""


def main() -> None:
    """Run `quay-contract` (the console script and `python -m toolkit`)."""
    enabled = gc.isenabled()
    gc.disable()  # start-up builds only long-lived objects; the click program does the same
    found = shortcut(sys.argv[1:])
    code = None if found is None else passing(*found)
    if code is None:
        gc.freeze()  # what start-up built stays out of later collections
        if enabled:
            gc.enable()
        code = run(*found) if found is not None else _click()
    gc.freeze()  # the exit's final collection then has nothing to walk
    leave(code)


def leave(code: int) -> NoReturn:
    """Exit with `code`. When nothing is left to run at exit (no atexit callback, no other
    thread) and the standard streams are flushed, the interpreter's teardown is skipped, as
    mypy's fast exit does: it frees every object one at a time, 5-10 ms after a large run."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # the normal exit reports it
    callbacks = getattr(atexit, "_ncallbacks", None)
    threading = sys.modules.get("threading")
    if (
        callbacks is not None
        and callbacks() == 0
        and (threading is None or threading.active_count() == 1)
    ):
        os._exit(code)
    sys.exit(code)


def _click() -> int:
    from toolkit.cli._app import run

    run()
    return 0  # pragma: no cover - run() exits


def shortcut(argv: Sequence[str]) -> tuple[bool, list[str]] | None:
    """(quiet, paths) when `argv` is `validate` with only `-q/--quiet` and paths (none of them
    `-`, none starting with `-`); None for anything else."""
    if len(argv) < 2 or argv[0] != "validate":
        return None
    quiet = False
    paths: list[str] = []
    for arg in argv[1:]:
        if arg in QUIET:
            quiet = True
        elif arg.startswith("-") or not arg:
            return None  # another option, `--`, stdin
        else:
            paths.append(arg)
    return (quiet, paths) if paths else None


def run(quiet: bool, paths: list[str]) -> int:
    """`validate [-q] PATHS` as the click command runs it (check_inputs, default options), with
    the failures the click program maps to exit codes mapped the same way."""
    from toolkit.validation import forked, spare

    spare.start(paths)  # first: it imports the exact path while this process goes on
    from toolkit.cli.exits import failure

    try:
        from toolkit.cli.checking import check_inputs
        from toolkit.inputs.paths import Selection
        from toolkit.validation.batch import Options

        code = check_inputs(paths, Options(), Selection((), ()), quiet=quiet)
        sys.stdout.flush()  # a closed pipe is found here, not at exit
        return code
    except (KeyboardInterrupt, Exception) as exc:
        code, message = failure(exc)
        if message is not None:
            sys.stderr.write(message + "\n")
        return code
    finally:
        forked.release()


def passing(quiet: bool, paths: list[str]) -> int | None:
    """0 when every path is a local `.json` file holding one payload that plainly passes and the
    summary was written; None when the whole run must look (nothing was written then)."""
    if any(not p.endswith(".json") or any(m in p for m in _PLAIN_NAME) for p in paths):
        return None
    from toolkit.cli.reporters.summary_text import blocks, plain, plain_output

    if not plain_output(sys.stdout):
        return None
    try:
        summary = _passes(paths)
        text = None if summary is None else plain(blocks(summary, quiet=quiet))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except Exception:  # the whole run checks it again, and reports it properly
        return None
    if text is None:
        return None
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        from toolkit.cli.exits import EXIT_BROKEN_PIPE, silence_stdout

        silence_stdout()
        return EXIT_BROKEN_PIPE
    return 0


def attempt(argv: Sequence[str]) -> int | None:
    """The exit code of a run the shortcut completed; None when the click program runs it."""
    found = shortcut(argv)
    if found is None:
        return None
    code = passing(*found)
    return run(*found) if code is None else code


def _passes(paths: list[str]) -> Summary | None:
    """The Summary of `paths` if every one is a regular file holding one plain pass: proven
    from its bytes by the seed programs (toolkit.prover.seeded: no jsonschema-rs, no orjson),
    else checked by toolkit.validation.plain."""
    from collections import Counter

    from toolkit.inputs.limits import SNIFF_BYTES
    from toolkit.prover.seeded import pass_key
    from toolkit.validation.summary import Summary

    passes: Counter[PassKey] = Counter()
    for path in paths:
        data = _read(path, SNIFF_BYTES)
        if data is None:
            return None
        key: PassKey | None = pass_key(data)
        if key is None:
            from toolkit.validation.plain import plain_pass

            key = plain_pass(data)
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
