"""`quay-contract listen`: a validating, recording receiver for Quay webhooks (aiohttp.web)."""

from toolkit.capture.listen.config import ListenConfig

__all__ = ["ListenConfig"]
