"""Start, at the very beginning of a run over a directory, the worker it will share the run
with (forked.prestart): the worker imports the exact path on another core while this process
imports the engine and lists the directory, and owns those pages rather than copying them.

Only this process's first imports (os, toolkit.validation.forked) come before it. A run that
does not adopt it (too little input, one core) ends it (forked.release).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from toolkit.validation import forked

IMPORTS = (
    "toolkit.validation.work",
    "toolkit.validation.validator",
    "toolkit.inputs.jsondoc",
    "toolkit.inputs.locate",
)
"""What a worker needs to check a file that the seed programs left (work.run_task, the exact
path, the reader of a JSON document, the locator of findings)."""


def cores() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def start(paths: Sequence[str]) -> bool:
    """Start the spare worker when a run over `paths` will likely share its work: more than
    one core, and a directory among the paths (a few named files are checked in this process).
    """
    if cores() < 2 or not any(os.path.isdir(path) for path in paths):
        return False
    try:
        forked.prestart(IMPORTS)
    except OSError:  # no process to spare (a limit, no memory): the run forks later, or not
        return False
    return True
