"""`--format sarif`: a SARIF 2.1.0 log, one result per finding or unreadable input."""

from __future__ import annotations

from typing import IO, Any

import orjson

from toolkit import __version__
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
UNREADABLE = "unreadable"


class SarifReporter:
    """Collects results (SARIF is one JSON document) and writes the log at the end."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, int] = {}

    def _rule(self, rule: str) -> int:
        return self._rules.setdefault(rule, len(self._rules))

    def verdict(self, verdict: Verdict) -> None:
        if verdict.status == "error":
            self._add(
                verdict, UNREADABLE, verdict.problem or "unreadable", verdict.line, None, None
            )
            return
        label = verdict.event or verdict.closest or "payload"
        for f in verdict.errors:
            line = f.line or verdict.line
            message = f"{label}: {f.path}: {f.message}"
            self._add(verdict, f.keyword, message, line, f.column, f.path)

    def _add(
        self,
        verdict: Verdict,
        rule: str,
        message: str,
        line: int | None,
        column: int | None,
        path: str | None,
    ) -> None:
        region: dict[str, int] = {}
        if line:
            region["startLine"] = line
            if column:
                region["startColumn"] = column
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(verdict.source)}}
        if region:
            physical["region"] = region
        location: dict[str, Any] = {"physicalLocation": physical}
        if path:
            location["logicalLocations"] = [{"fullyQualifiedName": path, "kind": "member"}]
        result: dict[str, Any] = {
            "ruleId": rule,
            "ruleIndex": self._rule(rule),
            "level": "error",
            "message": {"text": message},
            "locations": [location],
        }
        if verdict.index is not None:
            result["properties"] = {"entry": verdict.index}
        self._results.append(result)

    def finish(self, summary: Summary) -> None:
        rules = [
            {
                "id": rule,
                "shortDescription": {
                    "text": "input could not be read"
                    if rule == UNREADABLE
                    else f"JSON Schema keyword '{rule}' failed"
                },
            }
            for rule in self._rules
        ]
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "quay-contract",
                            "version": __version__,
                            "informationUri": "https://github.com/quay-webhook-contracts",
                            "rules": rules,
                        }
                    },
                    "results": self._results,
                    "properties": {
                        "total": summary.total,
                        "valid": summary.valid,
                        "invalid": summary.invalid,
                        "unreadable": summary.unreadable,
                    },
                }
            ],
        }
        self._out.write(orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n")


def _uri(source: str) -> str:
    from urllib.parse import quote

    return quote(source.replace("\\", "/"), safe="/<>:")
