"""Starlette adapter: `routes(receiver)` to add to an app (FastAPI users: `.fastapi.router`).

```python
app = Starlette(routes=routes(quay))          # POST /quay/<event> and /quay
```
Needs the `starlette` (or `fastapi`) extra.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from toolkit.receive.routes import DEFAULT_PATH, missing, patterns

try:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(missing(__name__, "Starlette", "starlette")) from exc

from toolkit.receive.answer import JSON, Answer
from toolkit.receive.receiver import Incoming, Receiver

Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(receiver: Receiver) -> Endpoint:
    """The ASGI endpoint: reads at most `max_body + 1` bytes, then `receiver.areceive`."""

    async def quay_webhook(request: Request) -> Response:
        event = request.path_params.get("event")
        token = request.path_params.get("token")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        refused = receiver.check(
            method=request.method, headers=dict(headers), event=event, token=token
        )
        if refused is not None:
            return response(refused)
        body = await _read(request, receiver.max_body)
        incoming = Incoming(body, headers, event, token, request.method)
        return response(await receiver.areceive(incoming))

    return quay_webhook


async def _read(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)


def response(answer: Answer) -> Response:
    """The Starlette response of an Answer."""
    headers = dict(answer.headers)
    if answer.close:
        headers["Connection"] = "close"
    return Response(answer.content, answer.status, headers, media_type=JSON)


def routes(receiver: Receiver, path: str = DEFAULT_PATH) -> list[Route]:
    """`POST [/<secret>]<path>/{event}` and `POST [/<secret>]<path>` (event detected)."""
    view = endpoint(receiver)
    return [
        Route(pattern, view, methods=["POST"], name=f"quay_webhook{i}")
        for i, pattern in enumerate(patterns(receiver, path, lambda name: f"{{{name}}}"))
    ]
