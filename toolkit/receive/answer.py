"""Answer: what the receiver tells Quay, framework-neutral (each adapter makes it a response)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

JSON = "application/json"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, a small JSON body, extra headers."""

    status: int
    body: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    close: bool = False
    """Close the connection after answering (the rest of the request body was not read)."""

    @property
    def content(self) -> bytes:
        """The body as JSON bytes."""
        return orjson.dumps(dict(self.body))

    @property
    def ok(self) -> bool:
        """A 2xx: Quay counts the delivery as done."""
        return 200 <= self.status < 300


def error(status: int, message: str, **headers: str) -> Answer:
    """A refusal with `{"error": message}`."""
    return Answer(status, {"error": message}, {k.replace("_", "-"): v for k, v in headers.items()})
