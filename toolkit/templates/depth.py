"""How deeply a template nests: Quay's Python recursion limits what it can render."""

from __future__ import annotations

from typing import Any

RECURSION_LIMIT = 1000
"""Python's default: a template nested deeper always fails, as Quay's parse or walk recurses."""
STABLE_DEPTH = 400
"""Up to this nesting Quay renders reliably. Deeper, whether it fails depends on how deep Quay's
own stack already is (the API request or the worker), so the outcome is not predictable."""


def nesting(value: Any) -> int:
    """How deeply arrays and objects nest (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend(
                (child, depth) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def text_nesting(text: str) -> int:
    """How deeply brackets nest in JSON text, strings skipped (for text json.loads gave up on)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
