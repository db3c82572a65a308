"""The contract narrowed to a Quay release: verdicts and findings for `quay_version=`.

A payload passes for a release (or a set of them, such as every 3.8.x patch) when the default
contract accepts it and its fingerprint meets the set: one of those releases could have sent it.
Otherwise its findings come from the narrowed schema of the era that fits it best, and each
error that narrowing caused carries the rule of its `x-rule` marker (`version-unsent`,
`version-missing`) and a message naming the release and the range. A broken invariant is a
finding for the releases it holds in (its `quay-versions`), so an era is split where an
invariant's range begins or ends.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from toolkit.contract.fingerprint import era_checks
from toolkit.contract.invariant_check import Violation, checker
from toolkit.contract.releases import Releases, label, parse_release
from toolkit.contract.senders import judge
from toolkit.contract.versions import KEYWORD, RULE, marker, message
from toolkit.validation.explain import broken, json_path, ranked, to_finding
from toolkit.validation.report import Finding, Report


def narrowed_report(report: Report, payload: Any, quay_version: str) -> Report:
    """`report` (the default contract's) narrowed to the releases `quay_version` names."""
    target = parse_release(quay_version)
    test = report.test_notification
    subject: str | None
    if report.valid:
        found = still_valid(report, payload, target)
        if found is not None:
            return found
        subject = report.event or report.candidates[0]
    else:
        subject = report.event or report.closest
        if subject is None:
            return report
    errors = explain_for(payload, subject, target, quay_version, test_notification=test)
    return Report(report.event, False, test, errors, closest=subject, releases=report.releases)


def still_valid(report: Report, payload: Any, target: Releases) -> Report | None:
    """A valid `report` kept to the candidates that `target` sends, or None if it sends none
    (cheap: fingerprints and invariants only, no explanation)."""
    test = report.test_notification
    kept = tuple(c for c in report.candidates if _sent(payload, c, test) & target)
    if not kept:
        return None
    return replace(report, candidates=kept, event=report.event or _one(kept))


def _sent(payload: Any, event: str, test: bool) -> Releases:
    return judge(payload, event, test).releases or Releases.none()


def _one(candidates: tuple[str, ...]) -> str | None:
    return candidates[0] if len(candidates) == 1 else None


def explain_for(
    payload: Any, event: str, target: Releases, text: str, *, test_notification: bool = False
) -> tuple[Finding, ...]:
    """The findings of `event`'s contract narrowed to `target` (named `text` by the user): of
    the eras it meets (split where an invariant's range begins or ends), the one with the fewest
    errors (the newest on a tie). Its schema's findings come first, then its broken invariants."""
    checks = [c for c in era_checks(event, test_notification) if c.releases & target]
    violations = checker(event, test_notification=test_notification).violations(payload)
    best: tuple[int, Any, list[Any], Releases, list[Violation]] | None = None
    parts = 0
    for check in checks:
        errors = list(check.validator.iter_errors(payload))
        for part in _split(check.releases & target, violations):
            parts += 1
            holding = [v for v in violations if v.releases & part]
            count = len(errors) + len(holding)
            if best is None or count <= best[0]:
                best = (count, check, errors, part, holding)
    if best is None:  # pragma: no cover - eras cover every release
        return ()
    _, check, errors, part, holding = best
    name = label(text) if parts == 1 else str(part)
    found = ranked(errors, lambda error: _finding(error, check.schema, name))
    return tuple(dict.fromkeys(found + broken(tuple(holding))))  # `dependencies` fail per key


def _split(releases: Releases, violations: tuple[Violation, ...]) -> list[Releases]:
    """`releases` cut where the range of a broken invariant begins or ends (oldest first)."""
    parts = [releases]
    for v in violations:
        parts = [p for part in parts for p in (part & v.releases, part & ~v.releases) if p]
    return sorted(parts, key=lambda p: p.bits & -p.bits)


def _finding(error: Any, schema: Any, release: str) -> Finding:
    """A Finding, with the rule of the narrowing that caused the error if one did."""
    mark = marker(schema, error.schema_path)
    if mark is None:
        branch = _marked_branch(error, schema)
        if branch is None:
            return to_finding(error)
        error, mark = branch
    pointer = tuple(error.instance_path)
    conditional = any(step in ("then", "else") for step in error.schema_path)
    text = message(mark, release, error.instance, conditional=conditional)
    return Finding(json_path(pointer), KEYWORD, text, pointer, rule=str(mark[RULE]))


def _marked_branch(error: Any, schema: Any) -> tuple[Any, Any] | None:
    """For an `anyOf`/`oneOf` error: a branch that failed only because of a narrowing marker
    (the value is one that other releases send), with that marker."""
    for branch in getattr(error.kind, "context", None) or ():
        marks = [marker(schema, e.schema_path) for e in branch]
        if branch and all(m is not None for m in marks):
            return branch[0], marks[0]
    return None
