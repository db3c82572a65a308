"""Strings from schemas, payloads, file names and URLs reach the terminal exactly as they are.

rich reads `[...]` as markup and `:name:` as emoji codes; every printer in toolkit/cli/ gets
strings that would be read so, and must print them literally (and never fail on a stray `[/]`).
"""

from __future__ import annotations

import pytest

from toolkit.cli import _render, _render_send
from toolkit.cli.reporters.text import TextReporter
from toolkit.diff.classify import BREAKING, Change, DiffResult
from toolkit.fuzz.mutate import Violation
from toolkit.send.delivery import Delivery, Outcome
from toolkit.validation.report import Finding, Report
from toolkit.validation.selfcheck import ExampleRow
from toolkit.validation.summary import Row, Summary
from toolkit.validation.verdict import Verdict

HOSTILE = ["[bold]x[/]", "[/]", "[link=https://evil.example]click[/link]", ":warning:", "[red]"]


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return out + err


@pytest.mark.parametrize("text", HOSTILE)
def test_validate_text_reporter(capsys: pytest.CaptureFixture[str], text: str) -> None:
    finding = Finding(f"$.{text}", text, f"{text!r} is not one of ['a']")
    reporter = TextReporter(verbose=True)
    reporter.verdict(Verdict(f"{text}.json", problem=f"not JSON: {text}"))
    reporter.verdict(Verdict(f"{text}.json", 3, event=text, errors=(finding,)))
    reporter.verdict(Verdict(f"{text}.json", closest=text, errors=(finding,)))
    reporter.verdict(Verdict("t.json", candidates=(text,), test_notification=True, valid=True))
    reporter.verdict(Verdict("p.json", event=text, candidates=(text,), valid=True))
    reporter.verdict(Verdict("n.json", event="repo_push", valid=True, notes=(text,)))
    summary = Summary(total=1, valid=1)
    summary.rows[(text,)] = Row((text,), valid=1)
    reporter.finish(summary)
    out = printed(capsys)
    assert out.count(text) >= 9, out
    assert f"[{text}]" in out  # the keyword, in its brackets


@pytest.mark.parametrize("text", HOSTILE)
def test_send_text_output(capsys: pytest.CaptureFixture[str], text: str) -> None:
    delivery = Delivery(text, "invalid", f"invalid[{text}]", {}, Violation(text, f"$.{text}"))
    answered = Outcome(delivery, f"http://h/{text}", 422, 0.01)  # a warning by the policy
    _render_send.print_send(f"http://h/{text}", [answered], "text")
    out = printed(capsys)
    assert f"breaks [{text}] at $.{text}" in out, out
    assert f"invalid[{text}]" in out and f"http://h/{text}" in out


def test_send_keeps_the_broken_rule_in_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    delivery = Delivery("repo_push", "invalid", "invalid[0]", {}, Violation("maxLength", "$.name"))
    _render_send.print_send("http://h/", [Outcome(delivery, "http://h/", 400, 0.01)], "text")
    assert "— breaks [maxLength] at $.name" in printed(capsys)


@pytest.mark.parametrize("text", HOSTILE)
def test_examples_summary(capsys: pytest.CaptureFixture[str], text: str) -> None:
    report = Report(text, False, errors=(Finding(f"$.{text}", text, text),))
    row = ExampleRow(text, 1, 0, 0, 0, (text,), ((f"examples[{text}]", report),))
    _render.print_example_summary([row])
    out = printed(capsys)
    assert f"FAIL {text} examples[{text}]: $.{text} [{text}] {text}" in out, out


@pytest.mark.parametrize("text", HOSTILE)
def test_diff_output(capsys: pytest.CaptureFixture[str], text: str) -> None:
    change = Change("type-changed", text, f"/{text}", "type", text, text, "both", BREAKING)
    result = DiffResult(f"old{text}", f"new{text}", "consumer", [change], [text])
    result.disagreements.append(f"{text}: the rules found nothing")
    result.notes.append(text)
    for fmt in ("text", "json"):
        _render.print_diff(result, fmt)
        out = printed(capsys)
        assert f"{text}: the rules found nothing" in out, out
        assert f"old{text}" in out


@pytest.mark.parametrize("text", HOSTILE)
def test_template_check_output(capsys: pytest.CaptureFixture[str], text: str) -> None:
    from toolkit.cli._render_template import check_report, render_report
    from toolkit.templates.check import Result
    from toolkit.templates.findings import Finding as TemplateFinding
    from toolkit.templates.rules import RULES

    rule = next(iter(RULES))
    finding = TemplateFinding(rule, f"no {text} here", expression=text, hint=text, line=1,
                              column=2, evidence=(text,), events=(text, "x"))  # fmt: skip
    results = [
        Result(f"{text}.json", events=(text, "x"), findings=[finding]),
        Result(f"{text}-2.json", problem=f"broken {text}"),
    ]
    check_report(results, "error", "all", verbose=True)
    out = printed(capsys)
    assert f"{text}.json" in out and f"${{{text}}} no {text} here" in out, out
    assert f"could not be checked: broken {text}" in out
    assert "\\[" not in out  # nothing escaped for a markup reader that no longer reads it
    from toolkit.templates.dynamic import Survey

    render_report(Survey(), "text", "all", [f"skipped {text}"])
    assert f"skipped skipped {text}" in printed(capsys)
