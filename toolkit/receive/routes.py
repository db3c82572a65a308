"""The URL patterns every adapter serves, in its framework's syntax.

`<path>/<event>` pins the event (the convention `quay-contract listen` uses, and the only way to
tell apart events that share a shape); `<path>` alone detects it from the body. With a secret in
the path both are under `/<secret>`, as in `listen --path-token`.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit.receive.receiver import Receiver

DEFAULT_PATH = "/quay"


def patterns(receiver: Receiver, path: str, param: Callable[[str], str]) -> list[str]:
    """`[/<secret>]<path>/<event>` and `[/<secret>]<path>`; `param(name)` writes a parameter."""
    base = "/" + path.strip("/") if path.strip("/") else ""
    prefix = "/" + param("token") if receiver.path_secret else ""
    with_event = f"{prefix}{base}/{param('event')}"
    return [with_event, f"{prefix}{base}" or "/"]


def missing(module: str, framework: str, extra: str) -> str:
    """The message of the ImportError raised by an adapter whose framework is not installed."""
    return (
        f"{module} needs {framework}, which is not installed: "
        f"pip install 'quay-webhook-contracts[{extra}]'"
    )
