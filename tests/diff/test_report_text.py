"""How diff words a change: where two long texts differ, and a bound that comes or goes."""

from __future__ import annotations

import pytest

from toolkit.diff.classify import INFO, Change
from toolkit.diff.report import contrast, message

INTRO = "The tags that were written by the push, in the order Quay's manifest builder "


def test_two_long_texts_are_shown_where_they_differ() -> None:
    old, new = INTRO + "committed them.", INTRO + "wrote them, possibly none."
    text = message(Change("annotation-changed", "repo_push", "/a", "description", old, new,
                          "none", INFO))  # fmt: skip
    was, now = text.split(": ", 1)[1].split(" → ")
    assert was != now
    assert "committed" in was and "wrote them" in now
    assert was.startswith("…") and now.startswith("…")  # the same prefix is elided on both


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("abc", "abd", ('"abc"', '"abd"')),
        ("x" * 100 + "A" + "y" * 100, "x" * 100 + "B" + "y" * 100, None),
        ("same start" * 20, "same start" * 20 + "!", None),
        ({"a": 1}, {"a": 2}, ('{"a":1}', '{"a":2}')),
    ],
    ids=["short", "middle", "only-longer", "objects"],
)
def test_contrast_keeps_the_first_difference_in_view(
    old: object, new: object, expected: object
) -> None:
    was, now = contrast(old, new, width=40)
    if expected is not None:
        assert (was, now) == expected
    assert was != now
    assert len(was) <= 42 and len(now) <= 42


@pytest.mark.parametrize(
    ("keyword", "old", "new", "words"),
    [
        ("minLength", 0, None, "bound loosened: minLength 0 removed (none now)"),
        ("maxLength", None, 255, "bound tightened: maxLength 255 added (there was none)"),
        ("maximum", 10, 20, "bound loosened: maximum 10 → 20"),
        ("uniqueItems", False, True, "bound tightened: uniqueItems false → true"),
    ],
)
def test_bounds_are_worded(keyword: str, old: object, new: object, words: str) -> None:
    rule = "bound-loosened" if "loosened" in words else "bound-tightened"
    change = Change(rule, "repo_push", "/name", f"properties/name/{keyword}", old, new, "widen",
                    INFO)  # fmt: skip
    assert message(change) == words


@pytest.mark.parametrize(
    ("rule", "old", "new", "words"),
    [
        ("pattern-removed", "^a$", None, 'pattern removed (loosened): was "^a$"'),
        ("enum-added", None, ["a", "b"], 'enum (or const) added: ["a","b"]'),
        ("format-changed", "uri", "uri-reference", 'format changed: "uri" → "uri-reference"'),
    ],
)
def test_a_keyword_that_comes_or_goes_has_no_dash(
    rule: str, old: object, new: object, words: str
) -> None:
    assert message(Change(rule, "e", "/p", "k", old, new, "none", INFO)) == words
