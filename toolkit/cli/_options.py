"""Options shared by several commands: `--max-body`, the reading limit, and sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from toolkit.inputs.limits import MAX_BODY, parse_size, size

F = TypeVar("F", bound=Callable[..., Any])


class Size(click.ParamType):  # type: ignore[type-arg]
    """A byte count: `1048576`, `512KiB`, `64MiB`, `1G` (binary units)."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def max_body_option(default: int = MAX_BODY, what: str = "") -> Callable[[F], F]:
    """`--max-body SIZE`: the largest payload read; a larger one is a finding that names it."""
    help_text = what or (
        "The largest payload read: an NDJSON line, a JSON document, a request body after "
        f"decompression (default {size(default)}). A larger one is reported, not read."
    )
    return click.option("--max-body", type=Size(), default=default, metavar="SIZE", help=help_text)


def selection_options(func: F) -> F:
    """`--include GLOB` and `--exclude GLOB` (repeatable), for the files found by walking."""
    func = click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Skip files and directories matching GLOB when walking or expanding a glob "
        "(repeatable; matched against the path and the name).",
    )(func)
    return click.option(
        "--include",
        multiple=True,
        metavar="GLOB",
        help="Read only the walked files matching GLOB, whatever their type (repeatable). "
        "Without it, a walked file is read if its name (.json, .ndjson, .jsonl, .har, .http "
        "...) or its first bytes (JSON, an HTTP request) say it is an input. Files named "
        "explicitly are always read.",
    )(func)
