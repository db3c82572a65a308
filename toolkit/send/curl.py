"""A ready `curl` command that repeats one delivery: the exact body bytes and Quay's headers."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

import requests.utils

from toolkit.send.delivery import QUAY_TIMEOUT, Transport
from toolkit.send.http import HEADERS


def quay_headers() -> dict[str, str]:
    """What python-requests sends with Quay's one header, in its order (Host and Content-Length
    are added by any client)."""
    headers = dict(requests.utils.default_headers())
    headers.update(HEADERS)
    return headers


def curl_command(
    url: str,
    body: bytes,
    *,
    timeout: float = QUAY_TIMEOUT,
    cert: str | tuple[str, str] | None = None,
    cacert: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """`curl` with the same method, headers and bytes; redirects followed as requests does.

    The body is ASCII (Quay's `json.dumps` escapes the rest) and one line, so it is passed as a
    quoted argument: no trailing newline is added.
    """
    parts = ["curl", "-sS", "-i", "-L", "--max-time", f"{timeout:g}"]
    for name, value in (headers or quay_headers()).items():
        parts += ["-H", f"{name}: {value}"]
    if isinstance(cert, tuple):
        parts += ["--cert", cert[0], "--key", cert[1]]
    elif cert:
        parts += ["--cert", cert]
    if cacert:
        parts += ["--cacert", cacert]
    parts += ["--data-binary", body.decode("ascii", errors="backslashreplace"), url]
    return shlex.join(parts)


def reproduce(url: str, body: bytes, transport: Transport | None = None) -> str:
    """The curl command for one delivery made with `transport` (timeout, client certificate,
    CA bundle)."""
    settings = transport or Transport()
    cacert = settings.verify if isinstance(settings.verify, str) else None
    return curl_command(url, body, timeout=settings.timeout, cert=settings.cert, cacert=cacert)
