"""`quay-contract listen`: a validating, recording receiver for Quay webhooks (aiohttp.web)."""

from toolkit.listen.config import ListenConfig

__all__ = ["ListenConfig"]
