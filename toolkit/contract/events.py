"""The events Quay sends to webhooks (a module of its own: reporters order their rows by it
without loading the schema registry)."""

from __future__ import annotations

EVENTS: tuple[str, ...] = (
    "repo_push",
    "build_queued",
    "build_start",
    "build_success",
    "build_failure",
    "build_cancelled",
    "vulnerability_found",
    "repo_mirror_sync_started",
    "repo_mirror_sync_success",
    "repo_mirror_sync_failed",
    "repo_image_expiry",
    "quota_warning",
    "quota_error",
)
"""Every event Quay sends to webhooks, in Quay's own order of kinds."""
