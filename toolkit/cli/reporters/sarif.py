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
            self._add(verdict, f.rule or f.keyword, message, line, f.column, f.path, f.keyword)

    def _add(
        self,
        verdict: Verdict,
        rule: str,
        message: str,
        line: int | None,
        column: int | None,
        path: str | None,
        keyword: str | None = None,
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
        properties: dict[str, Any] = {}
        if verdict.index is not None:
            properties["entry"] = verdict.index
        if keyword is not None and keyword != rule:
            properties["keyword"] = keyword
        if verdict.releases is not None:
            properties["releases"] = verdict.releases.as_json()
        if properties:
            result["properties"] = properties
        self._results.append(result)

    def finish(self, summary: Summary) -> None:
        rules = [
            {
                "id": rule,
                "shortDescription": {"text": _describe(rule)},
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
                        "releases": [
                            {"releases": r.releases.as_json(), "payloads": r.payloads}
                            for r in summary.release_rows()
                        ],
                    },
                }
            ],
        }
        self._out.write(orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n")


RULES = {
    UNREADABLE: "input could not be read",
    "version-unsent": "a field or event the given Quay release never sends",
    "version-missing": "a field the given Quay release always sends is missing",
    "x-undeclared": "a property the contract does not declare (strict mode)",
    "x-legacy": "a legacy field (strict mode)",
}


def _describe(rule: str) -> str:
    return RULES.get(rule) or f"JSON Schema keyword '{rule}' failed"


def _uri(source: str) -> str:
    from urllib.parse import quote

    return quote(source.replace("\\", "/"), safe="/<>:")
