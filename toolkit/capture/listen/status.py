"""The small HTML status page served at `GET /`."""

from __future__ import annotations

from collections import Counter
from html import escape

from toolkit.capture.recorder import CaptureWriter

_STYLE = "body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}"


def status_page(
    by_event: Counter[tuple[str, str]], by_status: Counter[int], writer: CaptureWriter
) -> str:
    """Counts per event and verdict, per status, and where captures go."""
    labels = sorted({label for _, label in by_event})
    events = sorted({event for event, _ in by_event})
    head = "".join(f"<th>{escape(label)}</th>" for label in labels)
    rows = "".join(
        f"<tr><td>{escape(event)}</td>"
        + "".join(f"<td>{by_event[(event, label)]}</td>" for label in labels)
        + "</tr>"
        for event in events
    )
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(by_status.items())) or "none yet"
    table = (
        f"<table><tr><th>event</th>{head}</tr>{rows}</table>"
        if events
        else "<p>No deliveries yet.</p>"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>quay-contract listen</title>"
        f"<style>{_STYLE}</style></head><body><h1>quay-contract listen</h1>{table}"
        f"<p>Responses: {escape(statuses)}</p>"
        f"<p>Recorded {writer.records} deliveries; writing {escape(str(writer.current))}</p>"
        "</body></html>"
    )
