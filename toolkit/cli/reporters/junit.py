"""`--format junit`: one testcase per payload, grouped in a testsuite per source file."""

from __future__ import annotations

from typing import IO
from xml.sax.saxutils import quoteattr

from toolkit.validation.report import Finding
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def _line(f: Finding) -> str:
    """One finding: its path, rule or keyword, message, and every other field involved."""
    more = [p for p in f.all_paths if p != f.path]
    return f"{f.path} [{f.label}] {f.message}" + (f" (also {', '.join(more)})" if more else "")


class JunitReporter:
    """JUnit XML: failures for invalid payloads, errors for unreadable input."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._suites: dict[str, list[str]] = {}
        self._counts: dict[str, list[int]] = {}

    def verdict(self, verdict: Verdict) -> None:
        label = verdict.event or "|".join(verdict.candidates) or verdict.closest or "unknown"
        name = f"{verdict.where} ({label})"
        body = ""
        counts = self._counts.setdefault(verdict.source, [0, 0, 0])
        counts[0] += 1
        if verdict.releases is not None:
            body = (
                '<properties><property name="releases" '
                f"value={quoteattr(str(verdict.releases))}/></properties>"
            )
        if verdict.status == "fail":
            counts[1] += 1
            head = verdict.errors[0] if verdict.errors else None
            message = f"{head.path} [{head.label}] {head.message}" if head else "invalid"
            detail = "\n".join(_line(f) for f in verdict.errors)
            body += (
                f'<failure message={quoteattr(message)} type="contract">{_escape(detail)}</failure>'
            )
        elif verdict.status == "error":
            counts[2] += 1
            body += f'<error message={quoteattr(verdict.problem or "")} type="unreadable"/>'
        self._suites.setdefault(verdict.source, []).append(
            f"    <testcase classname={quoteattr(verdict.source)} name={quoteattr(name)}>"
            f"{body}</testcase>"
        )

    def finish(self, summary: Summary) -> None:
        out = self._out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(
            f'<testsuites name="quay-contract validate" tests="{summary.total}" '
            f'failures="{summary.invalid}" errors="{summary.unreadable}">\n'
        )
        for source, cases in self._suites.items():
            tests, failures, errors = self._counts[source]
            out.write(
                f'  <testsuite name={quoteattr(source)} tests="{tests}" '
                f'failures="{failures}" errors="{errors}">\n'
            )
            out.write("\n".join(cases) + "\n  </testsuite>\n")
        out.write("</testsuites>\n")
