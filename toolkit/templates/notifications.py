"""Quay's notification list as input: `GET /api/v1/repository/<repo>/notification/` saved to a file.

Each element is `{uuid, title, event, method, config, event_config, number_of_failures}`; a
webhook's template is `config.template`, a string holding the template's JSON text. The single
notification (`.../notification/<uuid>`) and the 3.18 organization and user endpoints answer
with the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ABSENT: Any = object()
"""The config has no `template` key (notifications saved by Quay's old UI)."""
_KEYS = frozenset({"uuid", "event", "method", "config"})


@dataclass(frozen=True)
class Notification:
    """One notification of the list, and where it sits in the file."""

    index: int | None
    """Its place in `notifications` (None for a single notification)."""
    uuid: str | None
    title: str | None
    event: Any
    method: Any
    template: Any
    """`config.template` as Quay stores it (ABSENT when there is no such key)."""
    failures: int

    @property
    def pointer(self) -> tuple[str | int, ...]:
        """Where its template is in the file."""
        base: tuple[str | int, ...] = () if self.index is None else ("notifications", self.index)
        return (*base, "config", "template")

    @property
    def name(self) -> str:
        """`#2 "CI trigger" (repo_push, uuid …)` for reports."""
        place = f"#{self.index}" if self.index is not None else "notification"
        title = f" {self.title!r}" if self.title else ""
        return f"{place}{title} ({self.event}, {self.uuid})"


def _is_notification(value: Any) -> bool:
    return isinstance(value, dict) and set(value) >= _KEYS


def is_notification_list(value: Any) -> bool:
    """A saved list response (or a single notification), by its shape."""
    if _is_notification(value):
        return True
    if not isinstance(value, dict) or not isinstance(value.get("notifications"), list):
        return False
    items = value["notifications"]
    return all(_is_notification(item) for item in items) and (bool(items) or len(value) == 1)


def read(value: Any) -> list[Notification]:
    """The notifications of a list response or a single notification."""
    if _is_notification(value):
        return [_notification(value, None)]
    return [_notification(item, i) for i, item in enumerate(value["notifications"])]


def _notification(item: dict[str, Any], index: int | None) -> Notification:
    config = item.get("config")
    template = config.get("template", ABSENT) if isinstance(config, dict) else ABSENT
    failures = item.get("number_of_failures")
    return Notification(
        index,
        item.get("uuid") if isinstance(item.get("uuid"), str) else None,
        item.get("title") if isinstance(item.get("title"), str) else None,
        item.get("event"),
        item.get("method"),
        template,
        failures if isinstance(failures, int) and not isinstance(failures, bool) else 0,
    )
