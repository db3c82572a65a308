"""What Quay does with a template: the answer to saving it, one delivery, and the exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Pointer = tuple[str | int, ...]

PARSE_ERROR = "JSONTemplateParseException"
DELIVERY_FAILED = "NotificationMethodPerformException"


@dataclass(frozen=True)
class Site:
    """Where in the template something happened: a JSON pointer, and whether it is a key."""

    pointer: Pointer = ()
    key: bool = False
    expression: str | None = None


@dataclass(frozen=True)
class QuayError:
    """An exception Quay raises for a template: its class name and text, as Quay logs them."""

    type: str
    message: str
    parse: bool = False
    """A template parse error: Quay answers 400 when saving, and counts a delivery failure."""
    site: Site | None = None

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


@dataclass(frozen=True)
class Saved:
    """What saving the notification does: 201, 400 (parse error) or 500 (any other exception)."""

    status: int
    error: QuayError | None = None
    checked: bool = True
    """False when the template is falsy, so Quay does not look at it."""
    unstable: str | None = None
    """Set (with the reason) when the outcome depends on Quay's stack depth."""

    @property
    def accepted(self) -> bool:
        """Quay stores the notification."""
        return self.status == 201


@dataclass(frozen=True)
class Delivery:
    """What one delivery does: POST `body`, or raise `error`."""

    body: str | None = None
    error: QuayError | None = None
    templated: bool = True
    unstable: str | None = None

    @property
    def status(self) -> Literal["posted", "error", "unstable"]:
        """`posted`, `error`, or `unstable` when Quay's outcome depends on its stack depth."""
        if self.unstable is not None:
            return "unstable"
        return "posted" if self.error is None else "error"

    @property
    def data(self) -> bytes:
        """The request body on the wire (ASCII: json.dumps escapes everything else)."""
        assert self.body is not None
        return self.body.encode("ascii")
