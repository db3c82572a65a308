"""`--format json`: a stable shape (toolkit/formats/validate-report.schema.json), streamed."""

from __future__ import annotations

from dataclasses import replace
from typing import IO

import orjson

from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict, as_json

VERSION = 1
FLUSH_CHARS = 64 * 1024
_HEAD = '{"source":'


class JsonReporter:
    """Writes `{"version", "results": [...], "summary", "status"}`; results are streamed."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._first = True
        self._pending: list[str] = [f'{{"version":{VERSION},"results":[']
        self._size = 0
        self._tails: dict[tuple[object, ...], str] = {}

    def verdict(self, verdict: Verdict) -> None:
        sep = "" if self._first else ","
        self._first = False
        text = sep + "\n" + self._render(verdict)
        self._pending.append(text)
        self._size += len(text)
        if self._size >= FLUSH_CHARS:
            self._flush()

    def _render(self, v: Verdict) -> str:
        """One result as compact JSON. A whole file that names no findings, notes or problem
        differs from others like it only in its source: the rest is rendered once."""
        if (
            v.errors
            or v.notes
            or v.problem is not None
            or v.line is not None
            or v.index is not None
        ):
            return orjson.dumps(as_json(v)).decode()
        key = (v.format, v.event, v.candidates, v.test_notification, v.valid, v.closest, v.releases)
        tail = self._tails.get(key)
        if tail is None:
            tail = orjson.dumps(as_json(replace(v, source=""))).decode()[len(_HEAD) + 2 :]
            self._tails[key] = tail
        return _HEAD + orjson.dumps(v.source).decode() + tail

    def _flush(self) -> None:
        """One write per ~64 KiB: a write per result costs a system call on unbuffered stdout."""
        self._out.write("".join(self._pending))
        self._pending = []
        self._size = 0

    def finish(self, summary: Summary) -> None:
        totals = {
            "total": summary.total,
            "valid": summary.valid,
            "test_notifications": summary.test_notifications,
            "invalid": summary.invalid,
            "unreadable": summary.unreadable,
        }
        events = [
            {
                "events": list(row.label),
                "valid": row.valid,
                "test_notifications": row.test_notifications,
                "invalid": row.invalid,
            }
            for row in summary.ordered_rows()
        ]
        releases = [
            {
                "releases": row.releases.as_json(),
                "payloads": row.payloads,
                "test_notifications": row.test_notifications,
            }
            for row in summary.release_rows()
        ]
        common = summary.common
        tail = {
            "summary": {
                **totals,
                "events": events,
                "releases": releases,
                "common": None if common is None else common.as_json(),
            },
            "status": summary.status,
        }
        self._flush()
        self._out.write("\n]," + orjson.dumps(tail).decode()[1:] + "\n")
