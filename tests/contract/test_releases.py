"""The release universe, `Releases` (sets of releases) and what `--quay-version` accepts."""

from __future__ import annotations

import pickle

import pytest
from packaging.version import Version

from tests.conftest import ROOT
from toolkit.contract.registry import load_file
from toolkit.contract.releases import Releases, UnknownReleaseError, known, parse_release

DASH = "\u2013"


def span(first: str, last: str | None) -> Releases:
    return Releases.from_ranges([[first, last]])


def test_the_universe_is_a_schema_of_ordered_final_releases() -> None:
    schema = load_file(ROOT / "schemas/_common/releases.schema.json")
    assert schema["title"] == "QuayRelease" and schema["type"] == "string"
    assert "3.0.x and 3.1.x have no code" in schema["description"]
    versions = [Version(v) for v in known()]
    assert versions == sorted(set(versions)), "oldest first, no duplicates"
    assert all(not v.is_prerelease and len(v.release) == 3 for v in versions)
    assert known()[0] == "3.0.0" and "3.8.2" in known() and "3.11.13" in known()
    assert len(parse_release("3.8")) == 16  # 3.8.0 ... 3.8.15


@pytest.mark.parametrize(
    ("releases", "text", "words"),
    [
        (Releases.every(), "any release ≥ 3.0", "every release"),
        (Releases.none(), "no release ≥ 3.0", "no release since 3.0.0"),
        (span("3.8.2", None), "Quay ≥ 3.8.2", "3.8.2 and later"),
        (span("3.9.0", None), "Quay ≥ 3.9", "3.9.0 and later"),
        (span("3.0.0", "3.3.4"), "Quay ≤ 3.3.4", "3.3.4 and earlier"),
        (span("3.3.0", "3.8.1"), f"Quay 3.3 {DASH} 3.8.1", f"3.3.0 {DASH} 3.8.1"),
        (span("3.12.0", "3.12.0"), "Quay 3.12.0", "3.12.0 only"),
        (
            Releases.from_ranges([["3.0.0", "3.3.4"], ["3.18.0", None]]),
            "Quay ≤ 3.3.4, ≥ 3.18",
            f"not 3.4.0 {DASH} 3.17.4",
        ),
        (
            Releases.from_ranges([["3.2.0", "3.3.4"], ["3.9.0", "3.11.13"]]),
            f"Quay 3.2 {DASH} 3.3.4, 3.9 {DASH} 3.11.13",
            f"3.2.0 {DASH} 3.3.4 and 3.9.0 {DASH} 3.11.13",
        ),
    ],
)
def test_releases_print_as_ranges(releases: Releases, text: str, words: str) -> None:
    assert str(releases) == text
    assert releases.describe() == words
    assert Releases.from_ranges(releases.as_ranges()) == releases
    assert releases.as_json() == {"text": text, "ranges": releases.as_ranges()}


def test_a_range_reaching_the_newest_release_is_open_ended() -> None:
    assert span("3.12.1", None).as_ranges() == [["3.12.1", None]]
    assert span("3.12.1", known()[-1]) == span("3.12.1", None)
    assert span("3.0.0", "3.8.1").as_ranges() == [["3.0.0", "3.8.1"]]


def test_set_algebra_and_membership() -> None:
    old, new = span("3.0.0", "3.8.1"), span("3.8.2", None)
    assert old | new == Releases.every() and not old & new
    assert ~old == new and ~Releases.every() == Releases.none()
    assert "3.8.1" in old and "3.8.2" not in old and "9.9.9" not in old
    assert parse_release("3.8.2").issubset(new) and not parse_release("3.8").issubset(new)
    assert list(parse_release("3.12"))[:2] == ["3.12.0", "3.12.1"]


def test_releases_are_values_shared_between_processes() -> None:
    value = span("3.9.0", "3.11.13")
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and hash(copy) == hash(value)
    assert {value: 1}[copy] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.8.2", ["3.8.2"]),
        ("v3.8.2", ["3.8.2"]),
        (" 3.18 ", ["3.18.0"]),
        ("3.12.0", ["3.12.0"]),
    ],
)
def test_a_release_number_names_known_releases(text: str, expected: list[str]) -> None:
    assert list(parse_release(text)) == expected


def test_x_y_means_every_known_patch_release() -> None:
    assert list(parse_release("3.10")) == [f"3.10.{i}" for i in range(26)]


@pytest.mark.parametrize(
    "text", ["3.99", "3.8.16", "4.0", "2.9.2", "3.6.7", "3", "3.8.2.1", "abc", "", "3.8-1"]
)
def test_unknown_or_malformed_releases_are_refused_naming_the_range(text: str) -> None:
    with pytest.raises(UnknownReleaseError, match=r"between 3\.0\.0 and 3\.18\.0") as caught:
        parse_release(text)
    assert isinstance(caught.value, LookupError)  # the CLI's exit 3, as for an unknown event
