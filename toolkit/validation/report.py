"""The verdict model of the library: a Report on one payload and the Findings that explain it.

Every part of the toolkit that speaks of what is wrong with a payload uses these two nouns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.contract.releases import Releases


@dataclass(frozen=True)
class Finding:
    """One way a payload breaks the contract."""

    path: str
    """JSONPath of the offending value, e.g. `$.trigger_metadata.commit`."""
    keyword: str
    """The schema keyword that failed (`required`, `pattern`, `type`, ...)."""
    message: str
    """What was expected, in words."""
    pointer: tuple[str | int, ...] = ()
    """The same location as a sequence of keys and indexes."""
    line: int | None = None
    """Line of the offending value in its source file, when the source text is known."""
    column: int | None = None
    """Column of the offending value (1-based, in characters), when known."""
    rule: str | None = None
    """A rule id when the finding is not a plain schema keyword: an invariant's id
    (`repository-path`), `version-unsent` / `version-missing` (a field the given Quay release
    never / always sends), `x-undeclared` / `x-legacy` (strict mode)."""
    paths: tuple[str, ...] = ()
    """Every JSON path involved, when several fields are (an invariant names them all); the first is
    `path`."""

    @property
    def label(self) -> str:
        """What reports show in brackets: the rule when there is one, else the keyword."""
        return self.rule or self.keyword

    @property
    def all_paths(self) -> list[str]:
        """`paths`, or just `path` for a finding about one field."""
        return list(self.paths) or [self.path]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of a finding."""
        return {
            "path": self.path,
            "keyword": self.keyword,
            "message": self.message,
            "rule": self.rule,
            "paths": list(self.paths),
        }


@dataclass(frozen=True)
class Report:
    """The contract's verdict on one payload."""

    event: str | None
    """The event, when it was given or exactly one fits; `None` when ambiguous or none fits."""
    valid: bool
    """True when the payload fits the contract (test notifications included); `bool(report)` is
    the same."""
    test_notification: bool = False
    """True when the body is what Quay's "Test Notification" button sends for this event."""
    errors: tuple[Finding, ...] = field(default=())
    """Violations, the best match first; empty when valid."""
    candidates: tuple[str, ...] = ()
    """Events the payload fits. Several when they share one shape: then only the webhook URL
    that received the payload can tell which it is."""
    closest: str | None = None
    """For a payload that fits no event: the nearest event, whose errors are reported."""
    wrapper_event: str | None = None
    """Set by `validate_body` when the body was an envelope-template body
    (`{"event": <name>, "data": <event>}`): the name it gave; the Report is on `data`."""
    releases: Releases | None = None
    """The version fingerprint: the Quay releases that could have sent the payload (None when the
    default contract does not accept it)."""

    def __bool__(self) -> bool:
        return self.valid
