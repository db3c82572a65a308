"""Static evaluation over a schema is sound: what it predicts holds for every payload it covers.

For every event, every member path of its schema (and `[*]`, `[0]`, `.*`, `$..name` variants) is
evaluated statically once, then concretely with jsonpath-rw over the event's examples and
generated payloads: the number of matches lies within the predicted bounds, every matched value
has a predicted kind, and a step raises only where a crash of that exception was predicted.
"""

from __future__ import annotations

from typing import Any

import pytest

from toolkit import contract, fuzz
from toolkit.contract.registry import EVENTS
from toolkit.templates import jsonpath
from toolkit.templates.abstract import evaluate
from toolkit.templates.paths import _members, event_root
from toolkit.templates.shapes import kind_of


def expressions(event: str) -> list[str]:
    """Every member path, and the steps that fit its kinds (the others meet crash checks)."""
    out: dict[str, None] = {"$": None, "*": None, "$.*": None, "[0]": None}
    for name, path in _members(event):
        expr = path[2:] if path.startswith("$.") else path
        kinds = evaluate(jsonpath.parse(expr), event_root(event)).kinds
        out[expr] = out[f"$..{name}"] = None
        if kinds & {"array", "string"}:
            out.update(dict.fromkeys([f"{expr}[*]", f"{expr}[-1]", f"{expr}[1:]"]))
        if kinds - {"array", "string"}:
            out.update(dict.fromkeys([f"{expr}.*", f"{expr}[0]", f"{expr}[*]"]))
    return list(out)


def payloads(event: str) -> list[Any]:
    return contract.examples(event) + fuzz.sample(event, 12, seed=15)


@pytest.mark.parametrize("event", EVENTS)
def test_static_bounds_hold_for_examples_and_generated_payloads(event: str) -> None:
    corpus = payloads(event)
    checked = 0
    for expression in expressions(event):
        tree = jsonpath.parse(expression)
        outcome = evaluate(tree, event_root(event))
        predicted = {c.type for c in outcome.crashes}
        for payload in corpus:
            raised = None
            try:
                matches = tree.find(payload)
            except IndexError:
                matches = []
            except (KeyError, TypeError) as exc:
                raised = type(exc).__name__
            if raised is not None:
                assert raised in predicted, (expression, payload)
                continue
            where = f"{event}: ${{{expression}}} matched {len(matches)}"
            assert outcome.low <= len(matches) <= outcome.high, (where, outcome.low, outcome.high)
            for match in matches:
                assert kind_of(match.value) in outcome.any_kinds, (where, match.value)
            checked += 1
    assert checked > 100


def test_certain_crashes_happen_for_every_payload() -> None:
    for event, expression in [
        ("build_success", "trigger_id[0]"),
        ("quota_error", "usage_bytes[0]"),
        ("repo_push", "$[0]"),
    ]:
        tree = jsonpath.parse(expression)
        outcome = evaluate(tree, event_root(event))
        certain = [c for c in outcome.crashes if c.certain]
        if expression == "trigger_id[0]":
            assert not certain  # a string id is indexable; only a null one raises
            continue
        assert certain, expression
        for payload in payloads(event):
            with pytest.raises((KeyError, TypeError)):
                tree.find(payload)
