"""Settings of the recorder, with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.capture.recorder import DEFAULT_MAX_BYTES
from toolkit.inputs.limits import LISTEN_MAX_BODY, MIB

__all__ = ["MIB", "ListenConfig"]


@dataclass(frozen=True)
class ListenConfig:
    """Everything `listen` can be told; the defaults bind to loopback only."""

    host: str = "127.0.0.1"
    port: int = 8080
    out: Path = Path("captures")
    reject_invalid: bool = False
    """Answer 422 to contract violations (to exercise Quay's retries) instead of 2xx."""
    max_body: int = LISTEN_MAX_BODY
    """Largest accepted body in bytes, after decompression (413 above)."""
    body_timeout: float = 10.0
    """Seconds allowed to receive a whole body (408 after)."""
    max_header_size: int = 8190
    """Longest request line or header field in bytes (the server answers 4xx above)."""
    max_headers: int = 100
    rotate_bytes: int = DEFAULT_MAX_BYTES
    """Start a new capture file once the current one reaches this size."""
    path_token: str | None = None
    """When set, webhooks are accepted only under `/<token>/...`; the token is never recorded."""
    certfile: Path | None = None
    keyfile: Path | None = None
    client_ca: Path | None = None
    """When set, every client must present a certificate signed by one of these CAs."""
    fsync: bool = True
    quiet: bool = False
    """Do not log one line per request."""
    quay_version: str | None = None
    """Judge deliveries by what this Quay release sends (`3.10`, `3.8.2`)."""
