"""Flask adapter: `blueprint(receiver)`, to register on an app.

```python
app = Flask(__name__)
app.register_blueprint(blueprint(quay))       # POST /quay/<event> and /quay
```
Needs the `flask` extra.
"""

from __future__ import annotations

from toolkit.receive.routes import DEFAULT_PATH, missing, patterns

try:
    import flask
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(missing(__name__, "Flask", "flask")) from exc

from toolkit.receive.answer import JSON, Answer
from toolkit.receive.receiver import Incoming, Receiver


def blueprint(
    receiver: Receiver, path: str = DEFAULT_PATH, name: str = "quay_webhooks"
) -> flask.Blueprint:
    """A Blueprint with `POST [/<secret>]<path>/<event>` and `POST [/<secret>]<path>`."""
    bp = flask.Blueprint(name, __name__)

    def quay_webhook(event: str | None = None, token: str | None = None) -> flask.Response:
        request = flask.request
        headers = list(request.headers.items())
        refused = receiver.check(
            method=request.method, headers=dict(headers), event=event, token=token
        )
        if refused is not None:
            return response(refused)
        body = request.stream.read(receiver.max_body + 1)
        return response(receiver.receive(Incoming(body, headers, event, token, request.method)))

    for pattern in patterns(receiver, path, lambda name: f"<{name}>"):
        bp.add_url_rule(pattern, "webhook", quay_webhook, methods=["POST"])
    return bp


def response(answer: Answer) -> flask.Response:
    """The Flask response of an Answer."""
    out = flask.Response(answer.content, answer.status, dict(answer.headers), mimetype=JSON)
    if answer.close:
        out.headers["Connection"] = "close"
    return out
