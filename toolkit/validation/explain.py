"""Explain a failure with the compiled engine: jsonschema-rs errors, ranked like `best_match`.

python-jsonschema's `best_match` heuristic is ported to jsonschema-rs errors (whose `anyOf` /
`oneOf` errors carry their branches' errors as context), so the headline is the same while a
failing payload costs microseconds instead of milliseconds and `import jsonschema` (~100 ms)
stays out of the run. tests/validation/test_explain.py checks the headline agrees with
python-jsonschema.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from typing import Any

from toolkit import contract
from toolkit.contract.invariant_check import Violation
from toolkit.contract.invariants import KEYWORD
from toolkit.validation.report import Finding

WEAK = frozenset({"anyOf", "oneOf"})
_IDENT = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")


def explain(payload: Any, event: str, *, test_notification: bool = False) -> tuple[Finding, ...]:
    """Every violation of `event`'s contract, the best match first."""
    validator = contract.fast(event, test_notification=test_notification)
    return ranked(list(validator.iter_errors(payload)))


def ranked(
    errors: list[Any], finding: Callable[[Any], Finding] | None = None
) -> tuple[Finding, ...]:
    """jsonschema-rs errors as Findings, the best match first (`finding` makes each one)."""
    if not errors:
        return ()
    make = finding or to_finding
    errors.sort(key=_relevance)
    head = best_match(errors)
    rest = [e for e in errors if e is not head and e is not _root(head, errors)]
    return tuple(make(best_match([e])) for e in [head, *rest])


def best_match(errors: list[Any]) -> Any:
    """The most relevant error: deepest first, then descend into anyOf/oneOf branches."""
    best = max(errors, key=_relevance)
    while True:
        context = _context(best)
        if not context:
            return best
        smallest = heapq.nsmallest(2, context, key=_relevance)
        if len(smallest) == 2 and _relevance(smallest[0]) == _relevance(smallest[1]):
            return best
        best = smallest[0]


def _root(head: Any, errors: list[Any]) -> Any:
    """The top-level error that `head` was found under (so it is not listed twice)."""
    for error in errors:
        if error is head or head in _descendants(error):
            return error
    return None


def _descendants(error: Any) -> list[Any]:
    out = []
    stack = _context(error)
    while stack:
        e = stack.pop()
        out.append(e)
        stack.extend(_context(e))
    return out


def _context(error: Any) -> list[Any]:
    branches = getattr(error.kind, "context", None) or ()
    return [e for branch in branches for e in branch]


def _keyword(error: Any) -> str:
    for step in reversed(error.schema_path):
        if isinstance(step, str):
            return step
    return ""


def _relevance(error: Any) -> tuple[Any, ...]:
    path = tuple((isinstance(p, str), p) for p in error.instance_path)
    keyword = _keyword(error)
    mismatched_type = type(error.kind).__name__.endswith("Type")
    return (-len(path), path, keyword not in WEAK, False, mismatched_type)


def json_path(pointer: list[str | int] | tuple[str | int, ...]) -> str:
    """`$.a[0].b`, or `$['odd key']` for keys that are not identifiers."""
    out = "$"
    for step in pointer:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _IDENT.match(step):
            out += "." + step
        else:
            out += "['" + step.replace("\\", "\\\\").replace("'", r"\'") + "']"
    return out


def to_finding(error: Any) -> Finding:
    """A plain Finding: the failed keyword, jsonschema-rs's message."""
    pointer = tuple(error.instance_path)
    return Finding(json_path(pointer), _keyword(error), error.message, pointer)


def broken(violations: tuple[Violation, ...]) -> tuple[Finding, ...]:
    """Broken invariants as Findings: keyword `x-invariants`, the invariant's id as `rule`, every
    field it names in `paths`."""
    return tuple(
        Finding(v.paths[0], KEYWORD, v.message, v.pointers[0], rule=v.rule, paths=v.paths)
        for v in violations
    )
