"""Whole capture envelopes for `replay`; problems go to stderr, a torn last line is not fatal."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from toolkit.capture import reader as captures


def load_labelled(paths: Iterable[Path]) -> list[tuple[str, dict[str, Any]]]:
    """(`file:line`, envelope) pairs; unreadable lines are reported on stderr and skipped."""
    out: list[tuple[str, dict[str, Any]]] = []
    for item in captures.read(paths):
        if isinstance(item, captures.Problem):
            label = "warning" if item.torn else "skipped"
            click.echo(f"{label}: {item.location}: {item.message}", err=True)
        else:
            out.append((item.location, item.record))
    return out
