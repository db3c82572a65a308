"""Which handlers a delivery goes to: by event, with ambiguity explicit.

A handler registered for events E receives a delivery that may be any of the events P (the one
event from the URL, or the detected candidates) only when P is a subset of E. So a handler for
`build_success` alone never receives a body that may be a build_failure, and a handler for all
four build events after queueing receives such a body with its candidates.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from toolkit.contract.registry import EVENTS, check_event

Handler = Callable[[Any], None] | Callable[[Any], Awaitable[None]]
"""A function of one `Delivery`, plain or `async`; what it returns is ignored."""


@dataclass(frozen=True)
class Entry:
    """One registered handler."""

    func: Handler
    events: frozenset[str]
    kind: str
    """`event`, `test` or `invalid`."""
    is_async: bool = False
    """An `async def` handler (or one whose `__call__` is)."""

    @property
    def name(self) -> str:
        """The handler's qualified name, for logs and answers."""
        return getattr(self.func, "__qualname__", repr(self.func))


class Registry:
    """The handlers of one receiver, in registration order."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, func: Handler, events: tuple[str, ...], kind: str) -> None:
        """Register `func`; `events` empty means every event (tests and invalid bodies only)."""
        if not callable(func):
            raise TypeError(f"a handler must be callable, not {func!r}")
        names = frozenset(check_event(e) for e in events) if events else frozenset(EVENTS)
        call = getattr(func, "__call__", None)  # noqa: B004 - instances with async __call__
        is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(call)
        self.entries.append(Entry(func, names, kind, is_async))

    def select(self, kind: str, possible: tuple[str, ...]) -> list[Entry]:
        """The handlers of `kind` registered for every event the delivery may be (every handler
        of contract-breaking bodies: such a body may fit no event at all)."""
        if kind == "invalid":
            return [e for e in self.entries if e.kind == kind]
        wanted = set(possible)
        return [e for e in self.entries if e.kind == kind and wanted and wanted <= e.events]

    def events(self) -> frozenset[str]:
        """Every event some event handler is registered for."""
        out: set[str] = set()
        for entry in self.entries:
            if entry.kind == "event":
                out |= entry.events
        return frozenset(out)
