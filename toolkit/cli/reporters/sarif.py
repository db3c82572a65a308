"""`--format sarif`: a SARIF 2.1.0 log, one result per finding or unreadable input."""

from __future__ import annotations

from typing import IO, Any

import orjson

from toolkit import __version__
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INVARIANTS = "x-invariants"
UNREADABLE = "unreadable"


class SarifReporter:
    """Collects results (SARIF is one JSON document) and writes the log at the end."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, tuple[int, str]] = {}
        """Rule id -> (index, the keyword that reports it)."""

    def _rule(self, rule: str, keyword: str) -> int:
        return self._rules.setdefault(rule, (len(self._rules), keyword))[0]

    def verdict(self, verdict: Verdict) -> None:
        if verdict.status == "error":
            problem = verdict.problem or UNREADABLE
            self._add(verdict, UNREADABLE, UNREADABLE, problem, verdict.line)
            return
        label = verdict.event or verdict.closest or "payload"
        for f in verdict.errors:
            line = f.line or verdict.line
            message = f"{label}: {f.path}: {f.message}"
            self._add(verdict, f.label, f.keyword, message, line, f.column, f.all_paths)

    def _add(
        self,
        verdict: Verdict,
        rule: str,
        keyword: str,
        message: str,
        line: int | None,
        column: int | None = None,
        paths: list[str] | None = None,
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
        if paths:
            location["logicalLocations"] = [
                {"fullyQualifiedName": path, "kind": "member"} for path in paths
            ]
        result: dict[str, Any] = {
            "ruleId": rule,
            "ruleIndex": self._rule(rule, keyword),
            "level": "error",
            "message": {"text": message},
            "locations": [location],
        }
        properties: dict[str, Any] = {}
        if verdict.index is not None:
            properties["entry"] = verdict.index
        if keyword != rule:
            properties["keyword"] = keyword
        if verdict.releases is not None:
            properties["releases"] = verdict.releases.as_json()
        if properties:
            result["properties"] = properties
        self._results.append(result)

    def finish(self, summary: Summary) -> None:
        rules = [
            {"id": rule, "shortDescription": {"text": _describe(rule, keyword)}}
            for rule, (_, keyword) in self._rules.items()
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


def _describe(rule: str, keyword: str) -> str:
    if rule in RULES:
        return RULES[rule]
    if keyword == INVARIANTS:
        return f"invariant '{rule}' (a relation between fields that Quay guarantees) is broken"
    if rule != keyword:
        return f"rule '{rule}' ({keyword}) failed"
    return f"JSON Schema keyword '{rule}' failed"


def _uri(source: str) -> str:
    from urllib.parse import quote

    return quote(source.replace("\\", "/"), safe="/<>:")
