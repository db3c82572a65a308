"""Diff: classify the changes between two contract versions, gather replay evidence, report."""
