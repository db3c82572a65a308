"""Exit codes, and how a failure that ends a command maps to one (with or without click)."""

from __future__ import annotations

import os
import sys

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell reports for `cat big | head -1`; the reader stopped reading."""

EXIT_CODES_HELP = (
    "Exit codes: 0 all passed; 1 findings; 2 usage error; 3 something could not be checked "
    "(unreadable file, unknown event, no input found, an unreachable endpoint); 4 internal "
    "error; 130 interrupted; 141 the reader of the output went away (e.g. `| head`), silently."
)


class InputError(Exception):
    """Input that could not be checked at all (exit 3)."""


def failure(exc: BaseException) -> tuple[int, str | None]:
    """The exit code of a command ended by `exc`, and the one line to print on stderr (None:
    silently). The caller re-raises what is not an Exception (SystemExit)."""
    from toolkit.inputs.storage import MissingExtra

    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(exc, BrokenPipeError):
        silence_stdout()
        return EXIT_BROKEN_PIPE, None
    if isinstance(exc, InputError | LookupError | OSError | MissingExtra):
        return EXIT_UNREADABLE, f"error: {exc}"
    return EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --traceback)"


def silence_stdout() -> None:
    """The reader of stdout has gone (`| head`): say nothing, and let nothing flush to it at
    exit (Python would print "Exception ignored ... BrokenPipeError")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
