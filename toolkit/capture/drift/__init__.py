"""The drift radar: field statistics over captures, compared with the contract."""

from toolkit.capture.drift.issues import Issue
from toolkit.capture.drift.radar import DriftReport, EventDrift, FieldStat, analyse

__all__ = ["DriftReport", "EventDrift", "FieldStat", "Issue", "analyse"]
