"""FastAPI adapter: `router(receiver)`, an APIRouter to include in an app.

```python
app = FastAPI()
app.include_router(router(quay))              # POST /quay/{event} and /quay
```
Needs the `fastapi` extra.
"""

from __future__ import annotations

from typing import Any

from toolkit.receive.routes import DEFAULT_PATH, missing, patterns

try:
    from fastapi import APIRouter
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(missing(__name__, "FastAPI", "fastapi")) from exc

from toolkit.contract.registry import EVENTS
from toolkit.receive.receiver import Receiver
from toolkit.receive.starlette import endpoint

DESCRIPTION = (
    "A Quay notification webhook. The body is the event's JSON as Quay sends it (no event name, "
    "no signature); `{event}` is one of: " + ", ".join(EVENTS) + ". Without it the event is "
    "detected from the body. Answers 2xx to every body Quay sends (also one that breaks the "
    "contract), 4xx to requests Quay cannot have sent, 5xx when a handler failed."
)


def router(receiver: Receiver, path: str = DEFAULT_PATH, **kwargs: Any) -> APIRouter:
    """An APIRouter with `POST [/<secret>]<path>/{event}` and `POST [/<secret>]<path>`;
    `kwargs` go to APIRouter (`tags=`, `dependencies=` ...)."""
    api = APIRouter(**kwargs)
    view = endpoint(receiver)
    for i, pattern in enumerate(patterns(receiver, path, lambda name: f"{{{name}}}")):
        api.add_api_route(
            pattern,
            view,
            methods=["POST"],
            name=f"quay_webhook{i}",
            summary="Receive a Quay webhook",
            description=DESCRIPTION,
            response_model=None,
        )
    return api
