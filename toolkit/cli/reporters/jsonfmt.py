"""`--format json`: a stable shape (toolkit/formats/validate-report.schema.json), streamed."""

from __future__ import annotations

from typing import IO

import orjson

from toolkit.summary import Summary
from toolkit.verdict import Verdict, as_json

VERSION = 1


class JsonReporter:
    """Writes `{"version", "results": [...], "summary", "status"}`; results are streamed."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._first = True
        out.write(f'{{"version":{VERSION},"results":[')

    def verdict(self, verdict: Verdict) -> None:
        sep = "" if self._first else ","
        self._first = False
        self._out.write(sep + "\n" + orjson.dumps(as_json(verdict)).decode())

    def finish(self, summary: Summary) -> None:
        totals = {
            "total": summary.total,
            "valid": summary.valid,
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
        tail = {"summary": {**totals, "events": events}, "status": summary.status}
        self._out.write("\n]," + orjson.dumps(tail).decode()[1:] + "\n")
