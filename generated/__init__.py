# DO NOT EDIT — run quay-contract regenerate
"""Pydantic v2 models generated from `schemas/`, one class per event."""

from .repo_push_schema import RepoPush, RepoPushTestNotification
from .build_queued_schema import BuildQueued, BuildQueuedTestNotification
from .build_start_schema import BuildStart, BuildStartTestNotification
from .build_success_schema import BuildSuccess, BuildSuccessTestNotification
from .build_failure_schema import BuildFailure, BuildFailureTestNotification
from .build_cancelled_schema import BuildCancelled, BuildCancelledTestNotification
from .vulnerability_found_schema import VulnerabilityFound, VulnerabilityFoundTestNotification
from .repo_mirror_sync_started_schema import RepoMirrorSyncStarted, RepoMirrorSyncStartedTestNotification
from .repo_mirror_sync_success_schema import RepoMirrorSyncSuccess, RepoMirrorSyncSuccessTestNotification
from .repo_mirror_sync_failed_schema import RepoMirrorSyncFailed, RepoMirrorSyncFailedTestNotification
from .repo_image_expiry_schema import RepoImageExpiry, RepoImageExpiryTestNotification
from .quota_warning_schema import QuotaWarning, QuotaWarningTestNotification
from .quota_error_schema import QuotaError, QuotaErrorTestNotification

MODELS = {
    "repo_push": RepoPush,
    "build_queued": BuildQueued,
    "build_start": BuildStart,
    "build_success": BuildSuccess,
    "build_failure": BuildFailure,
    "build_cancelled": BuildCancelled,
    "vulnerability_found": VulnerabilityFound,
    "repo_mirror_sync_started": RepoMirrorSyncStarted,
    "repo_mirror_sync_success": RepoMirrorSyncSuccess,
    "repo_mirror_sync_failed": RepoMirrorSyncFailed,
    "repo_image_expiry": RepoImageExpiry,
    "quota_warning": QuotaWarning,
    "quota_error": QuotaError,
}
"""Event name → production payload model."""

TEST_NOTIFICATION_MODELS = {
    "repo_push": RepoPushTestNotification,
    "build_queued": BuildQueuedTestNotification,
    "build_start": BuildStartTestNotification,
    "build_success": BuildSuccessTestNotification,
    "build_failure": BuildFailureTestNotification,
    "build_cancelled": BuildCancelledTestNotification,
    "vulnerability_found": VulnerabilityFoundTestNotification,
    "repo_mirror_sync_started": RepoMirrorSyncStartedTestNotification,
    "repo_mirror_sync_success": RepoMirrorSyncSuccessTestNotification,
    "repo_mirror_sync_failed": RepoMirrorSyncFailedTestNotification,
    "repo_image_expiry": RepoImageExpiryTestNotification,
    "quota_warning": QuotaWarningTestNotification,
    "quota_error": QuotaErrorTestNotification,
}
"""Event name → model of the body Quay's "Test Notification" button sends."""

__all__ = [
    "BuildCancelled",
    "BuildCancelledTestNotification",
    "BuildFailure",
    "BuildFailureTestNotification",
    "BuildQueued",
    "BuildQueuedTestNotification",
    "BuildStart",
    "BuildStartTestNotification",
    "BuildSuccess",
    "BuildSuccessTestNotification",
    "MODELS",
    "QuotaError",
    "QuotaErrorTestNotification",
    "QuotaWarning",
    "QuotaWarningTestNotification",
    "RepoImageExpiry",
    "RepoImageExpiryTestNotification",
    "RepoMirrorSyncFailed",
    "RepoMirrorSyncFailedTestNotification",
    "RepoMirrorSyncStarted",
    "RepoMirrorSyncStartedTestNotification",
    "RepoMirrorSyncSuccess",
    "RepoMirrorSyncSuccessTestNotification",
    "RepoPush",
    "RepoPushTestNotification",
    "TEST_NOTIFICATION_MODELS",
    "VulnerabilityFound",
    "VulnerabilityFoundTestNotification",
]
