"""The `--event NAME` / `--all` options shared by commands that act per event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def known_events(ctx: click.Context | None, param: click.Parameter | None, value: Any) -> Any:
    """Click callback for every option that takes event names: each must be a known event.

    An unknown name raises UnknownEventError (exit 3, "did you mean ..."), the same way in
    every command.
    """
    from toolkit.contract.registry import check_event

    for name in (value,) if isinstance(value, str) else value or ():
        check_event(name)
    return value


def event_options(func: F) -> F:
    """Add `--event NAME` (repeatable) and `--all`."""
    func = click.option("--all", "all_events", is_flag=True, help="Every event.")(func)
    return click.option(
        "--event",
        "events",
        multiple=True,
        metavar="NAME",
        callback=known_events,
        help="An event (repeatable).",
    )(func)


def selected_events(events: tuple[str, ...], all_events: bool) -> tuple[str, ...]:
    """The events chosen; exactly one of `--event` and `--all` must be given."""
    from toolkit.fuzz.corpus import events_of

    if all_events == bool(events):
        raise click.UsageError("give --event NAME (repeatable) or --all")
    return events_of(None if all_events else events)
