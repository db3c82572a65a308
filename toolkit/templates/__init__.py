"""Quay webhook body templates: render them exactly as Quay does, and check them against events."""
