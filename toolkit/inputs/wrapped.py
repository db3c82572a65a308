"""Bodies sent through the envelope template: `{"event": "<name>", "data": "${$}"}`.

Quay's bodies never name their event. A webhook whose body template is the envelope template
sends `{"event": "build_success", "data": <the event as Quay would have sent it>}` instead. Every
reader unwraps such a body: the Record's payload becomes `data`, its event is pinned to the
name, and it remembers the name (`Record.wrapper_event`) and says so in its notes.

No Quay event has exactly the two keys `event` and `data`, so a real body is never mistaken for
one; `event` must also be a string and `data` an object. A name that is no Quay event is still
unwrapped (the event is then detected from `data`) and reported as a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from toolkit.contract.registry import EVENTS
from toolkit.inputs.record import Record

TEMPLATE = '{"event": "<name>", "data": "${$}"}'
"""The recommended template, with the event's name in place of <name>."""


@dataclass(frozen=True)
class Unwrapped:
    """The event inside an envelope-template body."""

    payload: dict[str, Any]
    event: str
    """The name the body gives, as written."""

    @property
    def known(self) -> bool:
        """The name is a Quay event."""
        return self.event in EVENTS

    def problem(self) -> str:
        """Why the name is not usable (for an unknown one)."""
        import difflib  # only for this message: 1.3 ms to import, on every run's path

        close = difflib.get_close_matches(self.event, EVENTS, n=1)
        guess = f" (did you mean {close[0]}?)" if close else ""
        return (
            f"the envelope template names {self.event!r}, which is not a Quay event{guess}; "
            "the event of its data is detected instead"
        )


def unwrap(value: Any) -> Unwrapped | None:
    """The event inside an envelope-template body, or None for any other value."""
    if (
        type(value) is dict
        and len(value) == 2
        and isinstance(value.get("event"), str)
        and type(value.get("data")) is dict
    ):
        return Unwrapped(value["data"], value["event"])
    return None


def pinned(value: Any, event: str | None) -> tuple[Any, str | None, Unwrapped | None]:
    """(payload, event to check it as, the envelope) for a received body and the URL's event.

    The event an envelope-template body names wins over the URL path's, as in every reader; any
    other body comes back unchanged. Used by `listen` and `toolkit.receive`.
    """
    found = unwrap(value)
    if found is None:
        return value, event, None
    return found.payload, found.event if found.known else event, found


def unwrap_record(record: Record) -> Record:
    """The Record of the event inside an envelope-template body; any other Record unchanged."""
    if record.problem is not None or record.wrapper_event is not None:
        return record
    found = unwrap(record.payload)
    if found is None:
        return record
    notes = list(record.notes)
    event = record.event
    if found.known:
        notes.append(f"unwrapped from an envelope template for {found.event}: its data is checked")
        if event is not None and event != found.event:
            notes.append(f"the capture says {event}, the envelope template {found.event}")
        event = found.event
    else:
        notes.append("unwrapped from an envelope template: its data is checked")
    return replace(
        record,
        payload=found.payload,
        event=event,
        wrapper_event=found.event,
        notes=tuple(notes),
        prefix=(*record.prefix, "data"),
    )
