"""`--format github`: GitHub Actions workflow commands (annotations on the files)."""

from __future__ import annotations

from typing import IO

from toolkit.cli.reporters.text import summary_line
from toolkit.validation.summary import Summary
from toolkit.validation.verdict import Verdict


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    """`::error file=…,line=…::message` per finding; unreadable input is an error too."""

    def __init__(self, out: IO[str], *, verbose: bool = False) -> None:
        self._out = out
        self._verbose = verbose

    def _emit(self, level: str, verdict: Verdict, title: str, message: str, **pos: int) -> None:
        props = [f"file={_prop(verdict.source)}"]
        props += [f"{k}={v}" for k, v in pos.items()]
        props.append(f"title={_prop(title)}")
        self._out.write(f"::{level} {','.join(props)}::{_data(message)}\n")

    def verdict(self, verdict: Verdict) -> None:
        where = {"line": verdict.line} if verdict.line else {}
        for note in verdict.notes:
            self._emit("notice", verdict, "quay-contract note", note, **where)
        if verdict.status == "error":
            self._emit("error", verdict, "unreadable input", verdict.problem or "", **where)
            return
        findings = verdict.errors if self._verbose else verdict.errors[:1]
        label = verdict.event or verdict.closest or "payload"
        fits = f" (fits {verdict.releases})" if verdict.releases is not None else ""
        entry = f" (entry {verdict.index})" if verdict.index is not None else ""
        for f in findings:
            pos = dict(where)
            if f.line:
                pos = {"line": f.line, "col": f.column or 1}
            self._emit(
                "error",
                verdict,
                f"{label}: {f.path} [{f.label}]",
                f"{f.message}{entry}{fits}",
                **pos,
            )
        if self._verbose and verdict.status == "pass":
            events = " | ".join(verdict.candidates)
            kind = "test notification" if verdict.test_notification else "valid"
            self._emit("notice", verdict, f"{events}: {kind}", f"{kind}{entry}{fits}", **where)

    def finish(self, summary: Summary) -> None:
        ranges = "; ".join(f"{r.releases}: {r.payloads}" for r in summary.release_rows())
        by_release = (
            f" (by the Quay releases that could have sent them: {ranges})" if ranges else ""
        )
        self._out.write(
            f"::notice title=quay-contract::{summary_line(summary)}{_data(by_release)}\n"
        )
