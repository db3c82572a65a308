"""Reporters: text, json, junit, github, sarif. Each takes verdicts as they come, then a summary."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from toolkit.validation.summary import Summary
    from toolkit.validation.verdict import Verdict

FORMATS = ("text", "json", "junit", "github", "sarif")
KEEPS_ALL = frozenset({"json", "junit", "sarif"})
"""Formats that list every payload, passes included."""


class Reporter(Protocol):
    """Receives verdicts in input order, then the summary."""

    def verdict(self, verdict: Verdict) -> None: ...

    def finish(self, summary: Summary) -> None: ...


def make(fmt: str, out: IO[str], *, verbose: bool = False, quiet: bool = False) -> Reporter:
    """The reporter for `--format`."""
    if fmt == "json":
        from toolkit.cli.reporters.jsonfmt import JsonReporter

        return JsonReporter(out)
    if fmt == "junit":
        from toolkit.cli.reporters.junit import JunitReporter

        return JunitReporter(out)
    if fmt == "github":
        from toolkit.cli.reporters.github import GithubReporter

        return GithubReporter(out, verbose=verbose)
    if fmt == "sarif":
        from toolkit.cli.reporters.sarif import SarifReporter

        return SarifReporter(out)
    from toolkit.cli.reporters.text import TextReporter

    return TextReporter(verbose=verbose, quiet=quiet)
