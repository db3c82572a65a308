"""Django adapter: `urls(receiver)`, URL patterns to include in a URLconf.

```python
urlpatterns = [*urls(quay)]                   # POST quay/<event> and quay
```
The view is exempt from CSRF (Quay cannot send a token). Needs the `django` extra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from toolkit.receive.routes import DEFAULT_PATH, missing, patterns

try:
    from django.http import HttpRequest, HttpResponse
    from django.urls import path as url_path
    from django.views.decorators.csrf import csrf_exempt
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(missing(__name__, "Django", "django")) from exc

from toolkit.receive.answer import JSON, Answer
from toolkit.receive.receiver import Incoming, Receiver

View = Callable[..., HttpResponse]


def view(receiver: Receiver) -> View:
    """The view: reads at most `max_body + 1` bytes, then `receiver.receive`."""

    def quay_webhook(
        request: HttpRequest, event: str | None = None, token: str | None = None
    ) -> HttpResponse:
        headers = [(str(k), str(v)) for k, v in request.headers.items()]
        method = request.method or "POST"
        refused = receiver.check(method=method, headers=dict(headers), event=event, token=token)
        if refused is not None:
            return response(refused)
        body = request.read(receiver.max_body + 1)
        return response(receiver.receive(Incoming(body, headers, event, token, method)))

    return cast(View, csrf_exempt(quay_webhook))


def response(answer: Answer) -> HttpResponse:
    """The Django response of an Answer."""
    out = HttpResponse(answer.content, status=answer.status, content_type=JSON)
    for name, value in answer.headers.items():
        out[name] = value
    if answer.close:
        out["Connection"] = "close"
    return out


def urls(receiver: Receiver, path: str = DEFAULT_PATH, name: str = "quay-webhook") -> list[Any]:
    """`[<secret>/]<path>/<event>` and `[<secret>/]<path>`, for `urlpatterns`."""
    webhook = view(receiver)
    found = patterns(receiver, path, lambda param: f"<str:{param}>")
    return [url_path(p.lstrip("/"), webhook, name=name) for p in found]
